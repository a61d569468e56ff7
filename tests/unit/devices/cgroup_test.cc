// The device-cgroup step on the real kernel (root): a confined child may open
// the default devices and gets EPERM for everything else, with cgroup v1 and
// v2; assignments and grants take effect at the next launch; dead launch
// cgroups are reaped; injected failures stop the launch.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "core/safe_io.h"
#include "device_child.h"
#include "device_fixture.h"
#include "devices/cgroup_dir.h"
#include "devices/launch_step.h"
#include "devices/grants.h"

namespace confine::testing {
namespace {

using devices::Backend;
using devices::DeviceStepOptions;

bool have_backend(Backend b) {
  auto f = devices::read_cgroup_facts();
  if (!f) return false;
  if (b == Backend::V2) return !f->mounts.v2_mount.empty() && !f->cgroups.v2_path.empty();
  return !f->mounts.v1_devices.empty() && !f->cgroups.v1_devices.empty();
}

#define REQUIRE_BACKEND(b)                                                          \
  CONFINE_REQUIRE(is_root(), "creating device cgroups needs root");                 \
  CONFINE_REQUIRE(have_backend(b), std::string(b == Backend::V2 ? "cgroup2"         \
                                                                : "the v1 devices " \
                                                                  "controller") +   \
                                       " is not mounted for this process")

// The device nodes a launch tries, by name.
struct Probe {
  std::string mem, blk;
  explicit Probe(DeviceFixture& f) {
    // /dev/mem may be missing (this kernel); our own node has its numbers.
    mem = ::access("/dev/mem", F_OK) == 0 ? "/dev/mem" : f.node("mem", S_IFCHR, 1, 1);
    blk = f.node("loop0", S_IFBLK, 7, 0);
  }
};

// Runs the step in a child, then the opens an app would try.
ChildReport launch(DeviceFixture& f, const Probe& p, DeviceStepOptions opts) {
  return in_child([&](int fd) {
    auto ctx = f.context();
    auto step = devices::make_device_cgroup_step(opts);
    if (auto s = step->prepare(ctx); !s) {
      report(fd, "prepare", s.error().describe());
      _exit(3);
    }
    report(fd, "applied", ctx.applied.empty() ? "" : ctx.applied.back());
    if (auto s = step->apply(ctx); !s) {
      report(fd, "apply", s.error().describe());
      report(fd, "errno", strerrorname_np(s.error().err) ? strerrorname_np(s.error().err) : "0");
      _exit(4);
    }
    report(fd, "null", try_open("/dev/null", O_RDWR));
    report(fd, "urandom", try_open("/dev/urandom", O_RDONLY));
    report(fd, "mem", try_open(p.mem, O_RDONLY));
    report(fd, "kmsg", try_open("/dev/kmsg", O_RDONLY));
    report(fd, "loop-control", try_open("/dev/loop-control", O_RDWR));
    report(fd, "loop-control-r", try_open("/dev/loop-control", O_RDONLY));
    report(fd, "blk", try_open(p.blk, O_RDONLY));
    std::string made = f.dir / ("made" + std::to_string(getpid()));
    report(
        fd, "mknod",
        ::mknod(made.c_str(), S_IFBLK | 0600, makedev(7, 1)) == 0 ? "OK" : strerrorname_np(errno));
    auto cg = read_fd(open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC), 65536);
    report(fd, "in",
           cg ? std::to_string(cg->find("/confine/" + f.record.id.str() + "/") != std::string::npos)
              : "?");
  });
}

namespace fs = std::filesystem;

// The launch cgroup from the "applied" line:
// "device cgroup (cgroup v2, 15 rules, /sys/.../confine/<APP_ID>/[r-<hash>/]<pid>-<hex>)"
std::string launch_dir(const ChildReport& r) {
  auto it = r.facts.find("applied");
  if (it == r.facts.end()) return "";
  std::string d = it->second.substr(it->second.rfind(", ") + 2);
  d.pop_back();
  return d;
}

void expect_confined(const ChildReport& r) {
  ASSERT_EQ(r.status, 0) << r.text;
  EXPECT_EQ(r.facts.at("null"), "OK") << r.text;
  EXPECT_EQ(r.facts.at("urandom"), "OK") << r.text;
  EXPECT_EQ(r.facts.at("mem"), "EPERM") << r.text;
  EXPECT_EQ(r.facts.at("kmsg"), "EPERM") << r.text;
  EXPECT_EQ(r.facts.at("loop-control"), "EPERM") << r.text;
  EXPECT_EQ(r.facts.at("blk"), "EPERM") << r.text;
  EXPECT_EQ(r.facts.at("mknod"), "EPERM") << r.text;
  EXPECT_EQ(r.facts.at("in"), "1") << "not moved into its launch cgroup: " << r.text;
}

class DeviceCgroup : public ::testing::TestWithParam<Backend> {};

TEST_P(DeviceCgroup, OnlyDefaultDevicesOpen) {
  REQUIRE_BACKEND(GetParam());
  DeviceFixture f;
  Probe p(f);
  auto r = launch(f, p, {&devices::real_syscalls(), GetParam(), ""});
  expect_confined(r);
  EXPECT_NE(r.facts["applied"].find(std::string(devices::to_string(GetParam()))), std::string::npos)
      << r.facts["applied"];
  // Without the step the same opens pass: the EPERMs above are the cgroup's.
  auto bare = in_child([&](int fd) {
    report(fd, "kmsg", try_open("/dev/kmsg", O_RDONLY));
    report(fd, "loop-control", try_open("/dev/loop-control", O_RDWR));
  });
  EXPECT_EQ(bare.facts["kmsg"], "OK");
  EXPECT_EQ(bare.facts["loop-control"], "OK");
}

TEST_P(DeviceCgroup, AssignmentsTakeEffectAtTheNextLaunch) {
  REQUIRE_BACKEND(GetParam());
  DeviceFixture f;
  Probe p(f);
  DeviceStepOptions opts{&devices::real_syscalls(), GetParam(), ""};
  std::filesystem::create_directories(f.layout->devices_dir());
  // The real command writes the file, from the node's own numbers.
  std::vector<std::string> env = {"PATH=/usr/bin:/bin"};
  write_file(f.dir / "config.json", "{\"policy_dir\": \"" + f.config.policy_dir +
                                        "\", \"apps_dir\": \"" + f.config.apps_dir + "\"}\n");
  auto a = run({build_path("launcher/confine"), "--config", f.dir / "config.json", "hw-assign",
                f.key(), "/dev/loop-control"},
               env);
  ASSERT_EQ(a.status, 0) << a.err;
  auto r = launch(f, p, opts);
  ASSERT_EQ(r.status, 0) << r.text;
  EXPECT_EQ(r.facts["loop-control"], "OK") << r.text;
  EXPECT_EQ(r.facts["kmsg"], "EPERM") << r.text;
  EXPECT_EQ(r.facts["null"], "OK") << r.text;

  auto u = run({build_path("launcher/confine"), "--config", f.dir / "config.json", "hw-unassign",
                f.key(), "/dev/loop-control"},
               env);
  ASSERT_EQ(u.status, 0) << u.err;
  auto again = launch(f, p, opts);
  expect_confined(again);
  if (GetParam() == Backend::V2) {
    // v2 joins one cgroup per rule set (the program is attached there once);
    // the set with loop-control went away at the next launch, being empty.
    const fs::path set = launch_dir(again);
    EXPECT_EQ(set.filename().string().substr(0, 2), "r-") << set;
    EXPECT_NE(fs::path(launch_dir(r)), set);
    std::vector<std::string> sets;
    for (const auto& e : fs::directory_iterator(set.parent_path()))
      if (e.is_directory() && e.path().filename().string().starts_with("r-"))
        sets.push_back(e.path().filename().string());
    EXPECT_EQ(sets, std::vector<std::string>{set.filename().string()});
  }
}

TEST_P(DeviceCgroup, GrantedDevicesRespectAccessBits) {
  REQUIRE_BACKEND(GetParam());
  DeviceFixture f;
  Probe p(f);
  f.record.layers = {"devices"};
  std::filesystem::create_directories(devices::grants_dir(f.config));
  write_file(devices::grants_path(f.config, f.record.id), "c 10:237 r\n");
  auto r = launch(f, p, {&devices::real_syscalls(), GetParam(), ""});
  ASSERT_EQ(r.status, 0) << r.text;
  EXPECT_EQ(r.facts["loop-control-r"], "OK") << r.text;
  EXPECT_EQ(r.facts["loop-control"], "EPERM") << "O_RDWR needs w too: " << r.text;

  // A record promising grants with the file missing stops the launch.
  ::unlink(devices::grants_path(f.config, f.record.id).c_str());
  auto m = launch(f, p, {&devices::real_syscalls(), GetParam(), ""});
  EXPECT_EQ(m.status, 3) << m.text;
  EXPECT_NE(m.facts["prepare"].find("grants"), std::string::npos) << m.text;
}

TEST(DeviceCgroupV1, DeadLaunchCgroupsAreReaped) {
  REQUIRE_BACKEND(Backend::V1);
  DeviceFixture f;
  Probe p(f);
  DeviceStepOptions opts{&devices::real_syscalls(), Backend::V1, ""};
  auto first = launch(f, p, opts);
  ASSERT_EQ(first.status, 0) << first.text;
  std::string first_dir = launch_dir(first);
  std::string app_dir = first_dir.substr(0, first_dir.rfind('/'));
  ASSERT_TRUE(std::filesystem::is_directory(first_dir)) << first_dir;
  // A launch cgroup whose pid is alive (pid 1), one that is not ours by
  // name, and one of a dead pid.
  const std::string alive = app_dir + "/1-00000000", other = app_dir + "/keep-me",
                    dead = app_dir + "/2147483646-0badf00d";
  for (const auto& d : {alive, other, dead}) ASSERT_EQ(::mkdir(d.c_str(), 0755), 0) << d;
  auto second = launch(f, p, opts);
  ASSERT_EQ(second.status, 0) << second.text;
  EXPECT_FALSE(std::filesystem::exists(first_dir)) << "the first (exited) launch's cgroup leaked";
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_TRUE(std::filesystem::exists(alive));
  EXPECT_TRUE(std::filesystem::exists(other));
  for (const auto& d : {alive, other}) ::rmdir(d.c_str());
}

// v2: launches with the same rules join the same cgroup, creating nothing
// per launch; rule sets no launch uses any more are removed once empty.
TEST(DeviceCgroupV2, LaunchesJoinTheRuleSetAndPruneUnusedSets) {
  REQUIRE_BACKEND(Backend::V2);
  DeviceFixture f;
  Probe p(f);
  DeviceStepOptions opts{&devices::real_syscalls(), Backend::V2, ""};
  auto first = launch(f, p, opts);
  expect_confined(first);
  const fs::path set = launch_dir(first);
  ASSERT_TRUE(fs::is_directory(set)) << set;
  const fs::path app = set.parent_path();
  // Earlier rule sets: an empty one, one holding a launch cgroup an older
  // confine-run left behind (its pid is gone), and one still in use (here:
  // a child cgroup not ours by name, which rmdir cannot remove).
  const fs::path empty = app / "r-0000000000000001", legacy = app / "r-0000000000000002",
                 busy = app / "r-0000000000000003";
  for (const auto& d : {empty, legacy, busy}) ASSERT_TRUE(fs::create_directory(d)) << d;
  ASSERT_TRUE(fs::create_directory(legacy / "2147483646-0badf00d"));
  ASSERT_TRUE(fs::create_directory(busy / "keep-me"));

  auto second = launch(f, p, opts);
  expect_confined(second);
  EXPECT_EQ(fs::path(launch_dir(second)), set) << "same rules, same cgroup";
  EXPECT_TRUE(fs::is_directory(set));
  // Nothing was created below the set for either launch.
  EXPECT_TRUE(fs::is_empty(set) ||
              std::none_of(fs::directory_iterator(set), fs::directory_iterator(),
                           [](const fs::directory_entry& e) { return e.is_directory(); }))
      << set;
  EXPECT_FALSE(fs::exists(empty)) << "an unused empty rule set leaked";
  EXPECT_FALSE(fs::exists(legacy)) << "an unused rule set with a dead launch cgroup leaked";
  EXPECT_TRUE(fs::exists(busy)) << "a rule set still in use was removed";
  ::rmdir((busy / "keep-me").c_str());
  ::rmdir(busy.c_str());
}

INSTANTIATE_TEST_SUITE_P(Backends, DeviceCgroup, ::testing::Values(Backend::V1, Backend::V2),
                         [](const auto& i) { return i.param == Backend::V1 ? "V1" : "V2"; });

TEST(DeviceCgroupV2, FreshCgroup2Mount) {
  REQUIRE_BACKEND(Backend::V2);
  DeviceFixture f;
  Probe p(f);
  std::string mnt = f.dir / "cgroup2";
  std::filesystem::create_directories(mnt);
  auto r = in_child([&](int fd) {
    // A private mount namespace: the fresh mount is gone with the child.
    if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) ||
        mount("cgroup2", mnt.c_str(), "cgroup2", 0, nullptr) != 0) {
      report(fd, "setup", strerrorname_np(errno));
      _exit(5);
    }
    auto rr = launch(f, p, {&devices::real_syscalls(), Backend::V2, mnt});
    report(fd, "inner", std::to_string(rr.status));
    for (auto& [k, v] : rr.facts) report(fd, k, v);
  });
  ASSERT_EQ(r.status, 0) << r.text;
  EXPECT_EQ(r.facts["inner"], "0") << r.text;
  EXPECT_NE(r.facts["applied"].find(mnt + "/"), std::string::npos) << r.text;
  EXPECT_EQ(r.facts["null"], "OK") << r.text;
  EXPECT_EQ(r.facts["kmsg"], "EPERM") << r.text;
  EXPECT_EQ(r.facts["blk"], "EPERM") << r.text;
}

// Injected failures: the step reports the errno and the process is never
// moved into a cgroup it could not confine.
int fail_eacces_mkdirat(int, const char*, mode_t) {
  errno = EACCES;
  return -1;
}
long fail_load(int cmd, union bpf_attr* attr, unsigned size) {
  if (cmd == BPF_PROG_LOAD) {
    errno = EPERM;
    return -1;
  }
  return devices::real_syscalls().bpf(cmd, attr, size);
}
long fail_attach(int cmd, union bpf_attr* attr, unsigned size) {
  if (cmd == BPF_PROG_ATTACH) {
    errno = EPERM;
    return -1;
  }
  return devices::real_syscalls().bpf(cmd, attr, size);
}
ssize_t fail_deny_write(int fd, const void* buf, size_t len) {
  if (len == 1 && *static_cast<const char*>(buf) == 'a') {
    errno = EINVAL;
    return -1;
  }
  return ::write(fd, buf, len);
}

struct Fault {
  const char* name;
  Backend backend;
  devices::Syscalls sys;
  const char* errno_name;
  const char* message;
};

TEST(DeviceCgroupFaults, EachFailureStopsTheLaunchWithItsErrno) {
  CONFINE_REQUIRE(is_root(), "creating device cgroups needs root");
  const devices::Syscalls& real = devices::real_syscalls();
  const Fault faults[] = {
      {"mkdir v2",
       Backend::V2,
       {&fail_eacces_mkdirat, real.bpf, real.write},
       "EACCES",
       "cannot create cgroup directory"},
      {"mkdir v1",
       Backend::V1,
       {&fail_eacces_mkdirat, real.bpf, real.write},
       "EACCES",
       "cannot create cgroup directory"},
      {"load",
       Backend::V2,
       {real.mkdirat, &fail_load, real.write},
       "EPERM",
       "cannot load the BPF device program"},
      {"attach",
       Backend::V2,
       {real.mkdirat, &fail_attach, real.write},
       "EPERM",
       "cannot attach the BPF device program"},
      {"deny",
       Backend::V1,
       {real.mkdirat, real.bpf, &fail_deny_write},
       "EINVAL",
       "cannot write devices.deny"},
  };
  for (const auto& fault : faults) {
    SCOPED_TRACE(fault.name);
    if (!have_backend(fault.backend)) {
      CONFINE_REQUIRE(false, std::string(fault.name) + ": backend not available");
      continue;
    }
    DeviceFixture f;
    Probe p(f);
    auto r = launch(f, p, {&fault.sys, fault.backend, ""});
    EXPECT_EQ(r.status, 4) << r.text;  // apply() failed: the app code never ran
    EXPECT_EQ(r.facts["errno"], fault.errno_name) << r.text;
    EXPECT_NE(r.facts["apply"].find(fault.message), std::string::npos) << r.text;
    EXPECT_EQ(r.facts.count("null"), 0u);
    // Nothing of the failed launch is left for a later one to join (v1: the
    // launch cgroup without its rules; v2: the rule set without a program).
    const std::string made = launch_dir(r);
    ASSERT_NE(made.find("/confine/" + f.record.id.str() + "/"), std::string::npos) << r.text;
    EXPECT_FALSE(fs::exists(made)) << made;
  }
}

// What an ordinary user who stops their own confine-run right after a mkdir
// would hold: the owner of the new cgroup and of the files the kernel put in
// it, seen the moment mkdirat returns.
std::string g_owners;
int recording_mkdirat(int dirfd, const char* name, mode_t mode) {
  int rc = devices::real_syscalls().mkdirat(dirfd, name, mode);
  if (rc != 0) return rc;
  const int saved = errno;
  for (const char* f : {".", "cgroup.procs", "cgroup.kill", "cgroup.freeze", "tasks",
                        "devices.allow", "cgroup.subtree_control"}) {
    std::string path = std::string(name) + "/" + f;
    struct stat st;
    if (::fstatat(dirfd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
      g_owners += path + "=" + std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid) + " ";
  }
  errno = saved;
  return rc;
}

// The attack of an ordinary user with the packaged file capabilities: a
// cgroup made by their launch must never be theirs, not even between mkdir
// and a later fchown (they could open cgroup.kill of a rule set that other
// users' launches join, or pin a v1 launch cgroup with a child).
TEST_P(DeviceCgroup, AUsersLaunchNeverOwnsACgroupItMakes) {
  REQUIRE_BACKEND(GetParam());
  DeviceFixture f;
  Probe p(f);
  const devices::Syscalls sys{&recording_mkdirat, devices::real_syscalls().bpf,
                              devices::real_syscalls().write};
  auto r = in_child([&](int fd) {
    // Permitted capabilities kept across the uid change, nothing effective:
    // what file capabilities give an ordinary user.
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || setresgid(4242, 4242, 4242) != 0 ||
        setresuid(4242, 4242, 4242) != 0) {
      report(fd, "setup", strerrorname_np(errno));
      _exit(5);
    }
    auto ctx = f.context(true);
    auto step = devices::make_device_cgroup_step({&sys, GetParam(), ""});
    if (auto s = step->prepare(ctx); !s) _exit(3);
    Status s = step->apply(ctx);
    report(fd, "apply", s ? "ok" : s.error().describe());
    report(fd, "owners", g_owners);
    // The caller's own ids again once the step is done.
    report(fd, "fsuid", std::to_string(::setfsuid(static_cast<uid_t>(-1))));
    report(fd, "fsgid", std::to_string(::setfsgid(static_cast<gid_t>(-1))));
  });
  ASSERT_EQ(r.status, 0) << r.text;
  EXPECT_EQ(r.facts["apply"], "ok") << r.text;
  // The first launch of the app makes <APP_ID>/ and its launch cgroup or
  // rule set (and "confine/" when no test made it before).
  const std::string owners = r.facts["owners"];
  EXPECT_NE(owners.find(f.record.id.str() + "/.=0:0"), std::string::npos) << owners;
  EXPECT_NE(owners.find(f.record.id.str() + "/cgroup.procs=0:0"), std::string::npos) << owners;
  for (size_t pos = 0; (pos = owners.find('=', pos)) != std::string::npos; ++pos)
    EXPECT_EQ(owners.substr(pos, 4), "=0:0") << "a cgroup file was the caller's: " << owners;
  EXPECT_EQ(r.facts["fsuid"], "4242");
  EXPECT_EQ(r.facts["fsgid"], "4242");
}

TEST(DeviceCgroupFaults, BadAssignmentsFileStopsTheLaunch) {
  CONFINE_REQUIRE(is_root(), "creating device cgroups needs root");
  DeviceFixture f;
  Probe p(f);
  std::filesystem::create_directories(f.layout->devices_dir());
  write_file(f.layout->device_assignments(f.record.id.key), "c 10:237 rw\nc ten:1 rw\n");
  auto r = launch(f, p, {});
  EXPECT_EQ(r.status, 3) << r.text;
  EXPECT_NE(r.facts["prepare"].find(f.layout->device_assignments(f.record.id.key) + ":2:"),
            std::string::npos)
      << r.text;
  // Writable by others: not trusted.
  write_file(f.layout->device_assignments(f.record.id.key), "c 10:237 rw\n", 0666);
  auto w = launch(f, p, {});
  EXPECT_EQ(w.status, 3) << w.text;
  EXPECT_NE(w.facts["prepare"].find("writable by group or others"), std::string::npos) << w.text;
}

}  // namespace
}  // namespace confine::testing
