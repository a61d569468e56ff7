// Every fault point, failed in turn (test build, core/fault.h):
//   - a launch stops with 125 and the app never runs (its marker file is
//     absent), whichever point fails;
//   - a failing `confine install` of 2.0 over 1.0, or `confine remove`,
//     leaves apps_dir, data_dir, policy_dir and units_dir byte for byte as
//     they were; one that succeeds despite the fault (the fault was in
//     best-effort clean-up) leaves them exactly as a fault-free run does.
// Points are enumerated from a fault-free run's trace, and every point
// named in the sources must be reached by one of the runs here or be listed
// below as needing what this machine may lack.
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "test_support.h"

namespace confine::testing {
namespace {

namespace fs = std::filesystem;

// path -> "type mode uid:gid content-or-target", below `dir`.
using Snapshot = std::map<std::string, std::string>;
void walk(const std::string& dir, const std::string& rel, Snapshot& out) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir + rel, ec)) {
    const std::string r = rel + "/" + e.path().filename().string();
    struct stat st;
    if (::lstat((dir + r).c_str(), &st) != 0) continue;
    std::string v = std::to_string(st.st_mode) + " " + std::to_string(st.st_uid) + ":" +
                    std::to_string(st.st_gid) + " ";
    if (S_ISLNK(st.st_mode))
      v += fs::read_symlink(dir + r, ec).string();
    else if (S_ISREG(st.st_mode))
      v += read_file(dir + r);
    out[r] = v;
    if (S_ISDIR(st.st_mode)) walk(dir, r, out);
  }
}

// The paths whose entries differ between two snapshots, for messages.
std::string diff(const Snapshot& want, const Snapshot& got) {
  std::string out;
  for (const auto& [k, v] : want) {
    auto it = got.find(k);
    if (it == got.end()) out += "  missing " + k + "\n";
    else if (it->second != v) out += "  changed " + k + "\n";
  }
  for (const auto& [k, v] : got)
    if (!want.count(k)) out += "  extra   " + k + "\n";
  return out;
}

// After a successful install or remove despite a fault: everything a
// fault-free run leaves is there, and whatever else is left belongs to the
// previous version (its clean-up happens after the point of no return, is
// best effort, and reports what it could not remove).
std::string unexplained(const Snapshot& want, const Snapshot& got, const std::string& warnings) {
  std::string out;
  for (const auto& [k, v] : want) {
    auto it = got.find(k);
    if (it == got.end() || it->second != v) out += "  missing or changed " + k + "\n";
  }
  std::vector<std::string> extra;
  for (const auto& [k, v] : got)
    if (!want.count(k)) extra.push_back(k);
  for (const auto& k : extra) {
    // The previous version's files, or a directory holding some of them.
    bool old_version = k.find("1.0") != std::string::npos;
    for (const auto& other : extra)
      old_version = old_version ||
                    (other.starts_with(k + "/") && other.find("1.0") != std::string::npos);
    if (!old_version || warnings.find("warning") == std::string::npos)
      out += "  extra " + k + "\n";
  }
  return out;
}

struct Trace {
  std::vector<std::string> points;  // in the order passed
};
Trace read_trace(const std::string& file) {
  Trace t;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) t.points.push_back(line.substr(line.find(' ') + 1));
  return t;
}

// Points that need what a machine may lack: reached only there.
const std::map<std::string, std::string> kNeedsMore = {
    {"install: load profile", "AppArmor enabled in the kernel"},
    {"remove: unload profile", "AppArmor enabled in the kernel"},
    {"install: systemctl", "systemd running and managing units_dir"},
};

// Every point named in the sources (fault_point("...") and
// fault_point_or_throw("...")); a step's points end in its name.
std::set<std::string> points_in_sources() {
  std::set<std::string> out;
  const std::regex re(R"re(fault_point(?:_or_throw)?\("([^"]+)")re");
  for (const auto& e : fs::recursive_directory_iterator(source_path("libconfine"))) {
    if (e.path().extension() != ".cc") continue;
    const std::string text = read_file(e.path());
    for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
      out.insert((*it)[1]);
  }
  return out;
}

class FaultInjection : public ::testing::Test {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(is_root(), "installs into a throw-away root and launches as root");
    root_ = dir_ / "root";
    pkgs_ = dir_ / "pkgs";
    config_ = dir_ / "config.json";
    write_file(config_, "{\"apps_dir\": \"" + root_ + "/apps\", \"data_dir\": \"" + root_ +
                            "/data\", \"policy_dir\": \"" + root_ + "/policy\", \"units_dir\": \"" +
                            root_ + "/units\", \"accounts_root\": \"" +
                            make_accounts_root(dir_ / "accounts") + "\", \"tmp_dir\": \"" + dir_ / "tmp" +
                            "\", \"templates_dir\": \"" + source_path("policy-templates") + "\"}");
    fs::create_directories(dir_ / "tmp");
    ::chmod((dir_ / "tmp").c_str(), 01777);
    for (const char* v : {"1.0", "2.0"}) {
      const std::string p = pkgs_ + "/" + v;
      write_file(p + "/meta/package.json",
                 std::string("{\"name\": \"marker\", \"version\": \"") + v +
                     "\", \"services\": [{\"name\": \"daemon\", \"start\": \"bin/app\", "
                     "\"caps\": [\"network-service\"]}], \"binaries\": [{\"name\": \"app\", "
                     "\"exec\": \"bin/app\"}]}\n");
      // The app leaves a marker in its tmp dir (root's: the data dir is the
      // service's package user's, 0700): a launch that fails must
      // never get that far.
      write_file(p + "/bin/app", "#!/bin/sh\necho ran > \"$CONFINE_APP_TMPDIR/marker\"\n", 0755);
    }
  }

  RunResult confine(const std::vector<std::string>& args, long fail_at = 0) {
    std::vector<std::string> argv = {build_path("launcher/confine"), "--config", config_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, env(fail_at));
  }
  std::vector<std::string> env(long fail_at) const {
    std::vector<std::string> e = {"PATH=/usr/bin:/bin:/usr/sbin:/sbin",
                                  "CONFINE_FAULT_TRACE=" + dir_ / "trace"};
    if (fail_at > 0) e.push_back("CONFINE_FAULT_AT=" + std::to_string(fail_at));
    return e;
  }
  Trace take_trace() {
    Trace t = read_trace(dir_ / "trace");
    ::unlink((dir_ / "trace").c_str());
    for (const auto& p : t.points) g_reached.insert(p);
    return t;
  }
  void wipe() {
    fs::remove_all(root_);
    ::unlink((dir_ / "trace").c_str());
  }
  Snapshot state() const {
    Snapshot s;
    walk(root_, "", s);
    return s;
  }
  // Installs 1.0 into a wiped root: the state every attempt starts from.
  void fresh_1_0() {
    wipe();
    auto r = confine({"install", "--origin", "ft", pkgs_ + "/1.0"});
    ASSERT_EQ(r.status, 0) << r.err;
    take_trace();
  }

  void every_launch_point_stops_the_launch_before_the_app();
  void each_point_of(const std::vector<std::string>& args, const char* what);

  TempDir dir_;
  std::string root_, pkgs_, config_;
  std::set<std::string> g_reached;  // every point the runs passed
};

void FaultInjection::every_launch_point_stops_the_launch_before_the_app() {
  fresh_1_0();
  const std::string marker = dir_ / "tmp/confine/0/marker.ft_app_1.0/marker";
  auto launch = [&](long at) {
    std::vector<std::string> argv = {build_path("launcher/confine-run"), "--config", config_,
                                     "marker.ft_app"};
    return run(argv, env(at));
  };
  auto ok = launch(0);
  ASSERT_EQ(ok.status, 0) << ok.err;
  ASSERT_TRUE(fs::exists(marker)) << "the fault-free launch must run the app";
  ::unlink(marker.c_str());
  const Trace t = take_trace();
  ASSERT_GE(t.points.size(), 10u) << "resolve, dirs, environment, chdir, nice, each step, exec";
  for (size_t i = 1; i <= t.points.size(); ++i) {
    SCOPED_TRACE("fault at " + std::to_string(i) + ": " + t.points[i - 1]);
    auto r = launch(static_cast<long>(i));
    take_trace();
    EXPECT_EQ(r.status, 125) << r.err;
    EXPECT_NE(r.err.find("injected fault at " + t.points[i - 1]), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(marker)) << "the app ran";
    ::unlink(marker.c_str());
  }
  std::printf("launch: %zu fault points, each stopped the launch before the app\n",
              t.points.size());
}

// Runs `args` (on 1.0, freshly installed) once without a fault, then once
// per point it passed with that point failing: a failed run must leave the
// state as before, a run that succeeds anyway as a fault-free run does.
void FaultInjection::each_point_of(const std::vector<std::string>& args, const char* what) {
  fresh_1_0();
  const Snapshot before = state();
  auto ok = confine(args);
  ASSERT_EQ(ok.status, 0) << ok.err;
  const Snapshot after = state();
  const Trace t = take_trace();
  ASSERT_GE(t.points.size(), 3u);
  size_t failed = 0;
  for (size_t i = 1; i <= t.points.size(); ++i) {
    SCOPED_TRACE("fault at " + std::to_string(i) + ": " + t.points[i - 1]);
    fresh_1_0();
    auto r = confine(args, static_cast<long>(i));
    take_trace();
    if (r.status != 0) {
      ++failed;
      EXPECT_NE(r.err.find("injected fault at"), std::string::npos) << r.err;
      EXPECT_EQ(diff(before, state()), "") << r.err;
    } else {
      EXPECT_EQ(unexplained(after, state(), r.err), "") << r.err;
    }
  }
  std::printf("%s: %zu fault points, %zu failed it and changed nothing\n", what, t.points.size(),
              failed);
}

// One test, so that the coverage check sees what the three runs reached
// (ctest runs each test in a process of its own): every point of the
// sources was reached, or needs what this machine lacks.
TEST_F(FaultInjection, EveryPointFailsSafeAndEveryPointIsCovered) {
  {
    SCOPED_TRACE("launch");
    every_launch_point_stops_the_launch_before_the_app();
  }
  {
    SCOPED_TRACE("install 2.0 over 1.0");
    each_point_of({"install", "--origin", "ft", pkgs_ + "/2.0"}, "install");
  }
  {
    SCOPED_TRACE("remove");
    each_point_of({"remove", "marker.ft"}, "remove");
  }
  std::set<std::string> uncovered;
  for (const auto& p : points_in_sources()) {
    bool hit = false;
    for (const auto& r : g_reached) hit = hit || r == p || r.starts_with(p);
    if (!hit) uncovered.insert(p);
  }
  size_t needs_more = 0;
  for (const auto& p : uncovered) {
    auto it = kNeedsMore.find(p);
    if (it != kNeedsMore.end()) {
      std::printf("not reached here (needs %s): %s\n", it->second.c_str(), p.c_str());
      ++needs_more;
      continue;
    }
    ADD_FAILURE() << "fault point \"" << p << "\" is covered by no test";
  }
  std::printf("fault points: %zu in the sources, %zu covered here, %zu need more than this "
              "machine has\n",
              points_in_sources().size(), points_in_sources().size() - uncovered.size(),
              needs_more);
}

}  // namespace
}  // namespace confine::testing
