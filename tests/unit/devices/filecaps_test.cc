// confine-run itself, on the real kernel, with a package installed by the
// real `confine install`: as root (v2 and v1), as an ordinary user through a
// copy of the binary with the file capabilities packaging/confine-setcap
// gives it, hw-assign/hw-unassign, and launches that must stop with 125.
//
// The ordinary user cannot choose a config, so each run happens in a private
// mount namespace with an overlay on /etc holding our config.json and a
// passwd entry for the test user; the v1 runs also unmount cgroup2 there so
// that confine-run detects the v1 controller.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>

#include "device_child.h"
#include "devices/bpf_program.h"
#include "devices/cgroup_v2.h"
#include "devices/detect.h"
#include "devices/install_step.h"
#include "test_support.h"

namespace confine::testing {
namespace {

namespace fs = std::filesystem;
constexpr int kUser = 4242;

bool have_tool(const char* path) {
  return ::access(path, X_OK) == 0;
}

struct Facts {
  bool v1 = false, v2 = false;
  std::string v2_mount;
};
Facts facts() {
  Facts f;
  auto c = devices::read_cgroup_facts();
  if (!c) return f;
  f.v2 = !c->mounts.v2_mount.empty() && !c->cgroups.v2_path.empty();
  f.v1 = !c->mounts.v1_devices.empty() && !c->cgroups.v1_devices.empty();
  f.v2_mount = c->mounts.v2_mount;
  return f;
}

class ProbeInstall {
 public:
  ProbeInstall() {
    static int seq = 0;
    origin_ = "t" + std::to_string(getpid()) + "n" + std::to_string(++seq);
    config_ = dir_ / "config.json";
    write_file(config_, "{\"apps_dir\": \"" + dir_ / "apps" + "\", \"data_dir\": \"" +
                            dir_ / "data" + "\", \"policy_dir\": \"" + dir_ / "policy" +
                            "\", \"units_dir\": \"" + dir_ / "units" + "\", \"templates_dir\": \"" +
                            source_path("policy-templates") +
                            // Landlock kernels leave user-run apps' chmod of their
                            // own files unheld (confine check, coverage).
                            "\", \"accept_gaps\": [\"file-metadata\"]}\n");
    write_file(dir_ / "pkg/meta/package.json",
               "{\"name\": \"devprobe\", \"version\": \"1.0\", \"binaries\": [{\"name\": "
               "\"probe\", \"exec\": \"bin/probe\", \"caps\": []}]}\n");
    fs::create_directories(dir_ / "pkg/bin");
    fs::copy_file(build_path("tests/unit/devices/devices_probe"), dir_ / "pkg/bin/probe");
    ::chmod((dir_ / "pkg/bin/probe").c_str(), 0755);
    fs::create_directories(dir_ / "home");
    if (::chown((dir_ / "home").c_str(), kUser, kUser) != 0) ADD_FAILURE() << "chown home";
    fs::create_directories(dir_ / "nodes");
    ::chmod((dir_ / "nodes").c_str(), 0755);
    // Nodes the user may open as far as file modes go: an EPERM is the
    // device cgroup's.
    for (auto [name, type, maj, min] :
         {std::tuple{"null", S_IFCHR, 1, 3}, {"mem", S_IFCHR, 1, 1}, {"loop0", S_IFBLK, 7, 0}}) {
      std::string p = dir_ / ("nodes/" + std::string(name));
      ::mknod(p.c_str(), type | 0666, makedev(maj, min));
      ::chmod(p.c_str(), 0666);
    }
  }
  ~ProbeInstall() {
    if (!key().empty()) devices::remove_app_cgroups(*AppId::parse(key() + "_probe_1.0"));
  }

  RunResult install() {
    return run({build_path("launcher/confine"), "--config", config_, "install", "--origin", origin_,
                dir_ / "pkg"},
               {"PATH=/usr/bin:/bin"});
  }
  RunResult confine(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {build_path("launcher/confine"), "--config", config_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {"PATH=/usr/bin:/bin"});
  }
  std::string key() const { return "devprobe." + origin_; }
  std::string node(const std::string& n) const { return dir_ / ("nodes/" + n); }

  // A copy of confine-run with `caps` ("" = none) set by setcap.
  std::string binary_with(const std::string& caps) {
    std::string p = dir_ / ("confine-run." + std::to_string(++copies_));
    fs::copy_file(build_path("launcher/confine-run"), p);
    ::chmod(p.c_str(), 0755);
    if (!caps.empty()) {
      auto r = run({"/usr/sbin/setcap", caps, p});
      if (r.status != 0) ADD_FAILURE() << "setcap " << caps << ": " << r.err;
    }
    return p;
  }

  // Runs `binary` (confine-run or a copy) as root or the test user, with
  // cgroup2 unmounted when `v1`, on the probe app with `paths`.
  RunResult launch(const std::string& binary, bool as_user, bool v1,
                   const std::vector<std::string>& paths, bool close_std_fds = false) {
    const std::string ovl = dir_ / ("ovl" + std::to_string(++copies_));
    fs::create_directories(ovl + "/upper");
    fs::create_directories(ovl + "/work");
    std::string script =
        "set -e\n"
        "mount --make-rprivate /\n"
        "mount -t overlay overlay -o lowerdir=/etc,upperdir=" +
        ovl + "/upper,workdir=" + ovl +
        "/work /etc\n"
        "mkdir -p /etc/confine\n"
        "cp " +
        config_ +
        " /etc/confine/config.json\n"
        "echo 'confinetest:x:" +
        std::to_string(kUser) + ":" + std::to_string(kUser) + "::" + dir_ / "home" +
        ":/bin/sh' >> /etc/passwd\n";
    if (v1) script += "for m in $(findmnt -rn -t cgroup2 -o TARGET); do umount \"$m\"; done\n";
    // The app reports on fd 3 (the test's stdout) what it finds on 0-2.
    if (close_std_fds) script += "exec 3>&1 0<&- 1>&- 2>&-\n";
    script += as_user ? "exec setpriv --reuid " + std::to_string(kUser) + " --regid " +
                            std::to_string(kUser) + " --clear-groups -- " + binary +
                            " --verbose \"$@\"\n"
                      : "exec " + binary + " --verbose \"$@\"\n";
    write_file(ovl + "/run.sh", script);
    std::vector<std::string> argv = {"/usr/bin/unshare", "-m", "/bin/sh", ovl + "/run.sh",
                                     key() + "_probe"};
    argv.insert(argv.end(), paths.begin(), paths.end());
    return run(argv, {"PATH=/usr/bin:/bin:/usr/sbin:/sbin"});
  }

 private:
  TempDir dir_;
  std::string origin_, config_;
  int copies_ = 0;
};

std::string field(const std::string& out, const std::string& key) {
  auto p = out.find(key + ":\t");
  if (p == std::string::npos) return "?";
  p += key.size() + 2;
  return out.substr(p, out.find('\n', p) - p);
}
std::string opened(const std::string& out, const std::string& path) {
  auto p = out.find("open:" + path + "=");
  if (p == std::string::npos) return "?";
  p += path.size() + 6;
  return out.substr(p, out.find('\n', p) - p);
}

#define REQUIRE_TOOLS()                                                               \
  CONFINE_REQUIRE(is_root(), "installing, setcap and mount namespaces need root");    \
  CONFINE_REQUIRE(have_tool("/usr/sbin/setcap") && have_tool("/usr/bin/setpriv") &&   \
                      have_tool("/usr/bin/unshare") && have_tool("/usr/bin/findmnt"), \
                  "setcap (libcap2-bin), setpriv, unshare and findmnt are needed")

std::string setcap_caps(const char* mode) {
  auto r = run({"/bin/sh", source_path("packaging/confine-setcap"), "--print", "--cgroup", mode});
  EXPECT_EQ(r.status, 0) << r.err;
  std::string s = r.out;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

class ConfineRunDevices : public ::testing::TestWithParam<bool> {};  // param: v1

TEST_P(ConfineRunDevices, RootLaunchAndHwAssignThroughTheBinaries) {
  REQUIRE_TOOLS();
  const bool v1 = GetParam();
  CONFINE_REQUIRE(v1 ? facts().v1 : facts().v2,
                  std::string(v1 ? "no v1 devices controller" : "no cgroup2"));
  ProbeInstall p;
  auto inst = p.install();
  ASSERT_EQ(inst.status, 0) << inst.err;
  const std::vector<std::string> paths = {"/dev/null", "/dev/urandom",      p.node("mem"),
                                          "/dev/kmsg", "/dev/loop-control", p.node("loop0")};
  auto r = p.launch(build_path("launcher/confine-run"), false, v1, paths);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find(v1 ? "(cgroup v1," : "(cgroup v2,"), std::string::npos) << r.err;
  EXPECT_EQ(opened(r.out, "/dev/null"), "OK") << r.out;
  EXPECT_EQ(opened(r.out, "/dev/urandom"), "OK");
  EXPECT_EQ(opened(r.out, p.node("mem")), "EPERM");
  EXPECT_EQ(opened(r.out, "/dev/kmsg"), "EPERM");
  EXPECT_EQ(opened(r.out, "/dev/loop-control"), "EPERM");
  EXPECT_EQ(opened(r.out, p.node("loop0")), "EPERM");
  // Root keeps only what the policy grants: nothing here.
  EXPECT_EQ(field(r.out, "CapEff"), "0000000000000000") << r.out;
  EXPECT_EQ(field(r.out, "CapBnd"), "0000000000000000");

  auto a = p.confine({"hw-assign", p.key(), "/dev/loop-control"});
  ASSERT_EQ(a.status, 0) << a.err;
  r = p.launch(build_path("launcher/confine-run"), false, v1, paths);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(opened(r.out, "/dev/loop-control"), "OK") << r.out;
  EXPECT_EQ(opened(r.out, "/dev/kmsg"), "EPERM");
  auto info = p.confine({"hw-info", p.key()});
  EXPECT_NE(info.out.find("c 10:237 rw  /dev/loop-control"), std::string::npos) << info.out;

  auto u = p.confine({"hw-unassign", p.key(), "/dev/loop-control"});
  ASSERT_EQ(u.status, 0) << u.err;
  r = p.launch(build_path("launcher/confine-run"), false, v1, paths);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(opened(r.out, "/dev/loop-control"), "EPERM") << r.out;

  // confine remove takes the app's cgroups with it.
  const std::string applied = r.err.substr(r.err.find("device cgroup ("));
  const std::string app_dir =
      applied.substr(applied.find(", /") + 2,
                     applied.find("/confine/") + 9 - applied.find(", /") - 2) +
      p.key() + "_probe_1.0";
  ASSERT_TRUE(fs::is_directory(app_dir)) << app_dir << "\n" << r.err;
  auto rm = p.confine({"remove", p.key()});
  ASSERT_EQ(rm.status, 0) << rm.err;
  EXPECT_FALSE(fs::exists(app_dir)) << app_dir;
}

TEST_P(ConfineRunDevices, OrdinaryUserWithFileCapabilitiesHoldsNothingAndIsConfined) {
  REQUIRE_TOOLS();
  const bool v1 = GetParam();
  CONFINE_REQUIRE(v1 ? facts().v1 : facts().v2,
                  std::string(v1 ? "no v1 devices controller" : "no cgroup2"));
  ProbeInstall p;
  auto inst = p.install();
  ASSERT_EQ(inst.status, 0) << inst.err;
  const std::string bin = p.binary_with(setcap_caps(v1 ? "v1" : "v2"));
  auto r = p.launch(bin, true, v1,
                    {"/dev/null", "/dev/urandom", p.node("null"), p.node("mem"), p.node("loop0")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(field(r.out, "Uid"), "4242\t4242\t4242\t4242") << r.out;
  for (const char* k : {"CapEff", "CapPrm", "CapBnd", "CapAmb", "CapInh"})
    EXPECT_EQ(field(r.out, k), "0000000000000000") << k << "\n" << r.out;
  EXPECT_EQ(opened(r.out, "/dev/null"), "OK") << r.out;
  EXPECT_EQ(opened(r.out, "/dev/urandom"), "OK");
  // The device cgroup allows 1:3 wherever the node is; Landlock (applied
  // where AppArmor is not) refuses a node outside the app's file rules.
  const bool landlock = r.err.find("applied: landlock") != std::string::npos;
  EXPECT_EQ(opened(r.out, p.node("null")), landlock ? "EACCES" : "OK") << r.err;
  // Mode 0666 nodes: only the device cgroup can refuse them (it is checked
  // before Landlock's open hook).
  EXPECT_EQ(opened(r.out, p.node("mem")), "EPERM");
  EXPECT_EQ(opened(r.out, p.node("loop0")), "EPERM");
}

// A caller that closed fds 0-2: the app gets /dev/null on each, open for
// reading and writing, as confine-run(1) says. (In a file-capability start
// glibc fills closed standard fds first, fd 0 with /dev/full write-only and
// 1-2 with /dev/null read-only, before confine-run's main runs.)
TEST_P(ConfineRunDevices, ClosedStandardFdsAreDevNullForTheApp) {
  REQUIRE_TOOLS();
  const bool v1 = GetParam();
  CONFINE_REQUIRE(v1 ? facts().v1 : facts().v2,
                  std::string(v1 ? "no v1 devices controller" : "no cgroup2"));
  ProbeInstall p;
  ASSERT_EQ(p.install().status, 0);
  const std::string bin = p.binary_with(setcap_caps(v1 ? "v1" : "v2"));
  for (bool as_user : {true, false}) {
    SCOPED_TRACE(as_user ? "ordinary user, file capabilities" : "root");
    auto r = p.launch(as_user ? bin : build_path("launcher/confine-run"), as_user, v1, {}, true);
    ASSERT_EQ(r.status, 0) << r.out;
    for (const char* fd : {"fd0=/dev/null:rw", "fd1=/dev/null:rw", "fd2=/dev/null:rw"})
      EXPECT_NE(r.out.find(std::string(fd) + "\n"), std::string::npos) << fd << "\n" << r.out;
  }
}

INSTANTIATE_TEST_SUITE_P(Hierarchies, ConfineRunDevices, ::testing::Values(false, true),
                         [](const auto& i) { return i.param ? "V1" : "V2"; });

// --- launches that must stop with 125 before the app runs -------------------

void expect_stopped(const RunResult& r, const std::string& fragment) {
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_NE(r.err.find("confine-run: error: device cgroup: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("open:"), std::string::npos) << "the app ran: " << r.out;
}

TEST(ConfineRunDeviceFaults, CgroupNotCreatableWithoutCapabilities) {
  REQUIRE_TOOLS();
  CONFINE_REQUIRE(facts().v2, "no cgroup2");
  ProbeInstall p;
  ASSERT_EQ(p.install().status, 0);
  auto r = p.launch(p.binary_with(""), true, false, {"/dev/null"});
  expect_stopped(r, "cannot act with file-system uid and gid 0");
}

TEST(ConfineRunDeviceFaults, BpfLoadRefusedWithoutCapBpf) {
  REQUIRE_TOOLS();
  CONFINE_REQUIRE(facts().v2, "no cgroup2");
  ProbeInstall p;
  ASSERT_EQ(p.install().status, 0);
  auto r = p.launch(p.binary_with("cap_setuid,cap_setgid,cap_setpcap=p"), true, false,
                    {"/dev/null"});
  expect_stopped(r, "cannot load the BPF device program: Operation not permitted");
}

TEST(ConfineRunDeviceFaults, AttachRefusedUnderAnExclusiveProgram) {
  REQUIRE_TOOLS();
  Facts fa = facts();
  CONFINE_REQUIRE(fa.v2, "no cgroup2");
  ProbeInstall p;
  ASSERT_EQ(p.install().status, 0);
  // A cgroup holding a program attached without ALLOW_MULTI/OVERRIDE: the
  // kernel refuses any program below it, so confine-run run from inside
  // must fail rather than start the app without its own program.
  const std::string cg = fa.v2_mount + "/confine-test-exclusive-" + std::to_string(getpid());
  ASSERT_EQ(::mkdir(cg.c_str(), 0755), 0) << cg;
  std::string bin = build_path("launcher/confine-run");
  auto r = in_child([&](int fd) {
    int dir = open(cg.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    auto prog = devices::load_device_program(
        devices::device_program({{'c', devices::kAny, devices::kAny, devices::kAccessAll},
                                 {'b', devices::kAny, devices::kAny, devices::kAccessAll}}),
        devices::real_syscalls());
    union bpf_attr attr {};
    attr.target_fd = static_cast<uint32_t>(dir);
    attr.attach_bpf_fd = prog ? static_cast<uint32_t>(prog->get()) : 0;
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = 0;  // exclusive
    if (dir < 0 || !prog ||
        devices::real_syscalls().bpf(BPF_PROG_ATTACH, &attr, sizeof attr) != 0) {
      report(fd, "setup", strerrorname_np(errno));
      _exit(5);
    }
    int procs = openat(dir, "cgroup.procs", O_WRONLY | O_CLOEXEC);
    if (procs < 0 || write(procs, "0", 1) != 1) _exit(6);
    auto rr = p.launch(bin, false, false, {"/dev/null"});
    report(fd, "status", std::to_string(rr.status));
    report(fd, "err", rr.err.substr(0, rr.err.find('\n', rr.err.find("error:"))));
    report(fd, "out", rr.out.empty() ? "" : "app output");
  });
  // The child and the cgroups below it are gone: remove ours.
  devices::remove_cgroup_tree(cg);
  EXPECT_FALSE(fs::exists(cg)) << cg;
  ASSERT_EQ(r.status, 0) << r.text;
  EXPECT_EQ(r.facts["status"], "125") << r.text;
  EXPECT_NE(r.facts["err"].find("cannot attach the BPF device program: Operation not permitted"),
            std::string::npos)
      << r.text;
  EXPECT_EQ(r.facts["out"], "") << r.text;
}

// Inside a service's cgroup that holds its own device program (as systemd's
// DeviceAllow= attaches one, with ALLOW_MULTI): the app runs in a cgroup
// below it, both programs apply, and the service's program stays attached.
TEST(ConfineRunDevicesInService, BothProgramsApplyAndNoneIsDetached) {
  REQUIRE_TOOLS();
  Facts fa = facts();
  CONFINE_REQUIRE(fa.v2, "no cgroup2");
  ProbeInstall p;
  ASSERT_EQ(p.install().status, 0);
  const std::string cg = fa.v2_mount + "/confine-test-service-" + std::to_string(getpid());
  ASSERT_EQ(::mkdir(cg.c_str(), 0755), 0) << cg;
  std::string bin = build_path("launcher/confine-run");
  auto r = in_child([&](int fd) {
    int dir = open(cg.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    // The "service" allows /dev/null, /dev/urandom and block devices only.
    auto prog = devices::load_device_program(
        devices::device_program({*devices::parse_rule("c 1:3 rw"), *devices::parse_rule("c 1:9 rw"),
                                 *devices::parse_rule("b *:* rwm")}),
        devices::real_syscalls());
    if (dir < 0 || !prog ||
        !devices::attach_device_program(dir, prog->get(), devices::real_syscalls()).ok()) {
      report(fd, "setup", strerrorname_np(errno));
      _exit(5);
    }
    int procs = openat(dir, "cgroup.procs", O_WRONLY | O_CLOEXEC);
    if (procs < 0 || write(procs, "0", 1) != 1) _exit(6);
    auto rr = p.launch(bin, false, false,
                       {"/dev/null", "/dev/urandom", "/dev/zero", "/dev/kmsg", p.node("loop0")});
    report(fd, "status", std::to_string(rr.status));
    report(fd, "in_service", std::to_string(rr.err.find(cg + "/confine/") != std::string::npos));
    for (const char* d : {"/dev/null", "/dev/urandom", "/dev/zero", "/dev/kmsg"})
      report(fd, d, opened(rr.out, d));
    report(fd, "loop0", opened(rr.out, p.node("loop0")));
    auto n = devices::attached_device_programs(dir, devices::real_syscalls());
    report(fd, "service_programs", n ? std::to_string(*n) : "?");
  });
  devices::remove_cgroup_tree(cg);
  EXPECT_FALSE(fs::exists(cg)) << cg;
  ASSERT_EQ(r.status, 0) << r.text;
  EXPECT_EQ(r.facts["status"], "0") << r.text;
  EXPECT_EQ(r.facts["in_service"], "1") << "the app left the service's cgroup: " << r.text;
  EXPECT_EQ(r.facts["/dev/null"], "OK") << r.text;  // both allow
  EXPECT_EQ(r.facts["/dev/urandom"], "OK") << r.text;
  EXPECT_EQ(r.facts["/dev/zero"], "EPERM") << r.text;     // ours allows, the service's does not
  EXPECT_EQ(r.facts["/dev/kmsg"], "EPERM") << r.text;     // neither
  EXPECT_EQ(r.facts["loop0"], "EPERM") << r.text;         // the service's allows, ours does not
  EXPECT_EQ(r.facts["service_programs"], "1") << r.text;  // still attached, nothing added there
}

}  // namespace
}  // namespace confine::testing
