// hw-assign / hw-unassign and the AppArmor profiles, with packages
// installed by the real `confine install`: the assigned nodes appear in
// (and leave) every profile of the current version, survive updates, go
// with the package, and a failure to regenerate the policy changes nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>

#include "apparmor/parser.h"
#include "core/error.h"
#include "core/layout.h"
#include "devices/assignments.h"
#include "install/pipeline.h"
#include "test_support.h"

namespace confine::testing {
namespace {

namespace fs = std::filesystem;

// path -> "mode content" of every regular file under `dir`, so that a
// failed command can be shown to have changed nothing.
std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    std::string v = std::to_string(st.st_mode) + " ";
    if (S_ISREG(st.st_mode)) v += read_file(it->path());
    out[it->path().string().substr(dir.size())] = v;
  }
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

class HwPolicy : public ::testing::Test {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(!apparmor::parser_path().empty(), "apparmor_parser is not installed");
    // A copy of the shipped templates, which one test breaks on purpose.
    fs::copy(source_path("policy-templates"), dir_ / "templates", fs::copy_options::recursive);
    config_.apps_dir = dir_ / "apps";
    config_.data_dir = dir_ / "data";
    config_.policy_dir = dir_ / "policy";
    config_.units_dir = dir_ / "units";
    config_.templates_dir = dir_ / "templates";
    config_.flags_dir = dir_ / "no-flags";
    config_file_ = dir_ / "config.json";
    write_file(config_file_, "{\"apps_dir\": \"" + config_.apps_dir + "\", \"data_dir\": \"" +
                                 config_.data_dir + "\", \"policy_dir\": \"" + config_.policy_dir +
                                 "\", \"units_dir\": \"" + config_.units_dir +
                                 "\", \"templates_dir\": \"" + config_.templates_dir +
                                 "\", \"flags_dir\": \"" + config_.flags_dir + "\"}\n");
  }

  // Package pkg (origin me) with the binaries cli and tool.
  std::string package(const std::string& version) {
    const std::string d = dir_ / ("src-" + version);
    fs::create_directories(d + "/meta");
    fs::create_directories(d + "/bin");
    write_file(d + "/meta/package.json",
               "{\"name\": \"pkg\", \"version\": \"" + version +
                   "\", \"binaries\": [{\"name\": \"cli\", \"exec\": \"bin/cli\"}, "
                   "{\"name\": \"tool\", \"exec\": \"bin/tool\"}]}\n");
    write_file(d + "/bin/cli", "#!/bin/sh\n", 0755);
    write_file(d + "/bin/tool", "#!/bin/sh\n", 0755);
    return d;
  }

  RunResult confine(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {build_path("launcher/confine"), "--config", config_file_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {"PATH=/usr/bin:/bin"});
  }
  void install(const std::string& version) {
    auto r = confine({"install", "--origin", "me", package(version)});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  std::string profile(const std::string& app, const std::string& version) {
    const std::string p = config_.policy_dir + "/apparmor/pkg.me_" + app + "_" + version;
    return fs::exists(p) ? read_file(p) : "(no profile " + p + ")";
  }
  std::string assignments_file() const { return config_.policy_dir + "/devices/pkg.me"; }

  TempDir dir_;
  Config config_;
  std::string config_file_;
};

TEST_F(HwPolicy, AssignAndUnassignRegenerateEveryProfileOfTheCurrentVersion) {
  ASSERT_NO_FATAL_FAILURE(install("1.0"));
  EXPECT_EQ(profile("cli", "1.0").find("/dev/loop-control"), std::string::npos);

  auto a = confine({"hw-assign", "pkg.me", "/dev/loop-control"});
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_NE(a.out.find("  AppArmor: /dev/loop-control\n"), std::string::npos) << a.out;
  EXPECT_NE(a.out.find("  policy regenerated: pkg.me_cli_1.0\n"), std::string::npos) << a.out;
  for (const char* app : {"cli", "tool"})
    EXPECT_TRUE(has_line(profile(app, "1.0"), "  /dev/loop-control rwk,")) << profile(app, "1.0");
  EXPECT_EQ(read_file(assignments_file()).find("\nc 10:237 rw\n#node /dev/loop-control\n") !=
                std::string::npos,
            true)
      << read_file(assignments_file());

  // Less access: the profile follows.
  ASSERT_EQ(confine({"hw-assign", "--access", "r", "pkg.me", "/dev/loop-control"}).status, 0);
  EXPECT_TRUE(has_line(profile("cli", "1.0"), "  /dev/loop-control r,")) << profile("cli", "1.0");
  EXPECT_FALSE(has_line(profile("cli", "1.0"), "  /dev/loop-control rwk,"));

  auto u = confine({"hw-unassign", "pkg.me", "/dev/loop-control"});
  ASSERT_EQ(u.status, 0) << u.err;
  for (const char* app : {"cli", "tool"})
    EXPECT_EQ(profile(app, "1.0").find("/dev/loop-control"), std::string::npos)
        << profile(app, "1.0");
  EXPECT_FALSE(fs::exists(assignments_file()));
}

TEST_F(HwPolicy, AnUpdateKeepsTheAssignmentsAndRemovingThePackageTakesThem) {
  ASSERT_NO_FATAL_FAILURE(install("1.0"));
  ASSERT_EQ(confine({"hw-assign", "pkg.me", "/dev/loop-control"}).status, 0);
  ASSERT_NO_FATAL_FAILURE(install("2.0"));
  EXPECT_TRUE(has_line(profile("cli", "2.0"), "  /dev/loop-control rwk,")) << profile("cli", "2.0");
  EXPECT_TRUE(fs::exists(assignments_file())) << "removing 1.0's apps after the update keeps them";

  auto r = confine({"remove", "pkg.me"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(fs::exists(assignments_file()))
      << "the launcher would apply them to a later package";

  // A different package under the same key starts with nothing assigned.
  ASSERT_NO_FATAL_FAILURE(install("1.0"));
  EXPECT_EQ(profile("cli", "1.0").find("/dev/loop-control"), std::string::npos);
  EXPECT_EQ(confine({"hw-info", "pkg.me"}).out, "no devices assigned to pkg.me\n");
}

TEST_F(HwPolicy, AFirstInstallDoesNotInheritALeftoverAssignmentList) {
  // As an older confine left it after `confine remove`.
  fs::create_directories(config_.policy_dir + "/devices");
  write_file(assignments_file(), "c 10:237 rw\n#node /dev/loop-control\n");
  ASSERT_NO_FATAL_FAILURE(install("1.0"));
  EXPECT_FALSE(fs::exists(assignments_file()));
  EXPECT_EQ(profile("cli", "1.0").find("/dev/loop-control"), std::string::npos);
  // A reinstall of the same version is no first install: it keeps them.
  ASSERT_EQ(confine({"hw-assign", "pkg.me", "/dev/loop-control"}).status, 0);
  ASSERT_NO_FATAL_FAILURE(install("1.0"));
  EXPECT_TRUE(fs::exists(assignments_file()));
  EXPECT_TRUE(has_line(profile("cli", "1.0"), "  /dev/loop-control rwk,"));
}

TEST_F(HwPolicy, ParserFailureChangesNeitherProfilesGrantsNorAssignments) {
  ASSERT_NO_FATAL_FAILURE(install("1.0"));
  ASSERT_EQ(confine({"hw-assign", "pkg.me", "/dev/loop-control"}).status, 0);
  const auto before = snapshot(config_.policy_dir);
  // The templates changed since the install: the regenerated profile is
  // one apparmor_parser rejects ('z' is no permission).
  write_file(config_.templates_dir + "/flags/tmp.json",
             "{\"description\": \"broken\", \"category\": \"filesystem\", "
             "\"apparmor\": [\"/srv/confine-test rz,\"]}\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"hw-assign", "pkg.me", "/dev/null"},
        std::vector<std::string>{"hw-unassign", "pkg.me", "/dev/loop-control"}}) {
    SCOPED_TRACE(args[0]);
    auto r = confine(args);
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_EQ(r.err.rfind("confine " + args[0] +
                              ": error: cannot regenerate the policy of pkg.me 1.0: apparmor: ",
                          0),
              0u)
        << r.err;
    EXPECT_NE(r.err.find("rejected by apparmor_parser"), std::string::npos) << r.err;
    EXPECT_EQ(snapshot(config_.policy_dir), before);
  }
}

// A step that fails its first commit, after the AppArmor and devices steps
// committed: the restore must put their previous artifacts back.
struct FailFirstCommit : install::InstallStep {
  int* commits;
  explicit FailFirstCommit(int* c) : commits(c) {}
  const char* name() const override { return "fail-first-commit"; }
  void prepare(install::InstallContext&) override {}
  void commit(install::InstallContext&) override {
    if ((*commits)++ == 0) throw ConfineError("injected failure");
  }
  void abort(install::InstallContext&) noexcept override {}
  void remove(const Config&, const Layout&, const std::vector<AppId>&) override {}
};

TEST_F(HwPolicy, ALaterStepFailingRestoresTheProfilesAndTheAssignments) {
  ASSERT_NO_FATAL_FAILURE(install("1.0"));
  ASSERT_EQ(confine({"hw-assign", "pkg.me", "/dev/loop-control"}).status, 0);
  const auto before = snapshot(config_.policy_dir);
  const Layout layout(config_);
  const PackageKey key{"pkg", "me"};
  const auto rule = devices::device_rule("/dev/null", false, devices::kAccessRead);
  const auto asg = devices::make_assignment("/dev/null", rule);
  std::vector<devices::Assignment> saved;

  int commits = 0;
  install::Steps steps = install::install_steps();
  steps.push_back(std::make_unique<FailFirstCommit>(&commits));
  try {
    install::regenerate_policy(
        config_, key, steps,
        [&] {
          saved = devices::read_assignments(layout, key);
          devices::assign_device(layout, key, asg);
        },
        [&] { devices::write_assignments(layout, key, saved); });
    ADD_FAILURE() << "no error";
  } catch (const ConfineError& e) {
    EXPECT_NE(std::string(e.what()).find("fail-first-commit: injected failure"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(commits, 2) << "the restore runs the steps again";
  EXPECT_EQ(snapshot(config_.policy_dir), before);
  EXPECT_FALSE(has_line(profile("cli", "1.0"), "  /dev/null r,"));
  ASSERT_EQ(devices::read_assignments(layout, key).size(), 1u);
}

}  // namespace
}  // namespace confine::testing
