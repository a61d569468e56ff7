// The shipped default template, compiled and loaded on the real kernel:
// what it must deny (one forked child per attempt, asserting the errno)
// and what it must let run.
#include <asm/ioctls.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/reboot.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "kernel_child.h"
#include "policy/library.h"
#include "seccomp/compile.h"
#include "seccomp/launch_step.h"
#include "test_support.h"

namespace confine::testing {
namespace {

// The policy of a sample app: the default template plus the groups named.
policy::Policy sample_app_policy(const std::vector<std::string>& groups) {
  auto lib = policy::PolicyLibrary::load(source_path("policy-templates"), "/nonexistent");
  const auto* t = lib.find(policy::PolicyKind::Template, "default");
  if (!t) throw std::runtime_error("policy-templates has no default template");
  policy::Policy p = lib.expand(*t);
  for (const auto& g : groups) {
    const auto* item = lib.find(policy::PolicyKind::Group, g);
    if (!item) throw std::runtime_error("policy-templates has no group " + g);
    p.merge(lib.expand(*item));
  }
  return p.effective();
}

// The errno the compiled filter must give a denied call of `name`: EACCES
// when the policy denies it explicitly, ENOSYS for the probed syscalls,
// EPERM otherwise.
int expected_errno(const policy::Policy& p, const std::string& name) {
  int e = EPERM;
  for (const auto& r : p.deny.syscalls)
    if (r.name == name) e = EACCES;
  return seccomp::denial_errno(name, e);
}

class DefaultTemplate : public ::testing::Test {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(seccomp::kernel_supports_filters().ok(),
                    "the kernel lacks seccomp filters with SECCOMP_RET_ERRNO");
    policy_ = sample_app_policy({"network-client"});
    image_ = seccomp::compile_policy(policy_).image;
  }
  policy::Policy policy_;
  seccomp::FilterImage image_;
};

struct Attempt {
  const char* what;
  const char* syscall;  // its policy name, for the expected errno
  long (*call)();
};

// Harmless arguments: without the filter each of these fails for another
// reason or does nothing lasting (the child exits right after).
const Attempt kMustDeny[] = {
    {"ptrace(PTRACE_TRACEME)", "ptrace", [] { return syscall(SYS_ptrace, 0, 0, 0, 0); }},
    {"mount(NULL...)", "mount", [] { return syscall(SYS_mount, 0, 0, 0, 0, 0); }},
    {"umount2(/nonexistent)", "umount2",
     [] { return syscall(SYS_umount2, "/nonexistent-confine", 0); }},
    {"pivot_root(NULL, NULL)", "pivot_root", [] { return syscall(SYS_pivot_root, 0, 0); }},
    {"unshare(CLONE_NEWUSER)", "unshare", [] { return syscall(SYS_unshare, CLONE_NEWUSER); }},
    {"setns(-1, 0)", "setns", [] { return syscall(SYS_setns, -1, 0); }},
    {"keyctl(-1)", "keyctl", [] { return syscall(SYS_keyctl, -1, 0, 0, 0, 0); }},
    {"add_key(NULL...)", "add_key", [] { return syscall(SYS_add_key, 0, 0, 0, 0, 0); }},
    {"request_key(NULL...)", "request_key", [] { return syscall(SYS_request_key, 0, 0, 0, 0); }},
    {"bpf(-1)", "bpf", [] { return syscall(SYS_bpf, -1, 0, 0); }},
    {"perf_event_open(NULL...)", "perf_event_open",
     [] { return syscall(SYS_perf_event_open, 0, 0, -1, -1, 0); }},
    {"kexec_load(bad flags)", "kexec_load",
     [] { return syscall(SYS_kexec_load, 0, 0, 0, 0xdead0000UL); }},
    {"kexec_file_load(-1...)", "kexec_file_load",
     [] { return syscall(SYS_kexec_file_load, -1, -1, 0, 0, 0); }},
    {"init_module(NULL, 0, NULL)", "init_module", [] { return syscall(SYS_init_module, 0, 0, 0); }},
    {"finit_module(-1)", "finit_module", [] { return syscall(SYS_finit_module, -1, "", 0); }},
    {"delete_module(nonexistent)", "delete_module",
     [] { return syscall(SYS_delete_module, "confine_none", 0); }},
    {"open_by_handle_at(-1...)", "open_by_handle_at",
     [] { return syscall(SYS_open_by_handle_at, -1, 0, 0); }},
    {"name_to_handle_at(NULL...)", "name_to_handle_at",
     [] { return syscall(SYS_name_to_handle_at, -1, 0, 0, 0, 0); }},
    {"userfaultfd(0)", "userfaultfd", [] { return syscall(SYS_userfaultfd, 0); }},
    {"iopl(3)", "iopl", [] { return syscall(SYS_iopl, 3); }},
    {"ioperm(0, 1, 1)", "ioperm", [] { return syscall(SYS_ioperm, 0, 1, 1); }},
    {"swapon(/nonexistent)", "swapon",
     [] { return syscall(SYS_swapon, "/nonexistent-confine", 0); }},
    {"swapoff(/nonexistent)", "swapoff",
     [] { return syscall(SYS_swapoff, "/nonexistent-confine"); }},
    {"reboot(bad magic)", "reboot", [] { return syscall(SYS_reboot, 0, 0, 0, 0); }},
    {"settimeofday(NULL, NULL)", "settimeofday", [] { return syscall(SYS_settimeofday, 0, 0); }},
    {"clock_settime(bad clock)", "clock_settime", [] { return syscall(SYS_clock_settime, -1, 0); }},
    {"acct(NULL)", "acct", [] { return syscall(SYS_acct, 0); }},
    {"fsopen(NULL)", "fsopen", [] { return syscall(SYS_fsopen, 0, 0); }},
    {"open_tree(-1...)", "open_tree", [] { return syscall(SYS_open_tree, -1, 0, 0); }},
    {"move_mount(-1...)", "move_mount", [] { return syscall(SYS_move_mount, -1, 0, -1, 0, 0); }},
    {"quotactl(0...)", "quotactl", [] { return syscall(SYS_quotactl, 0, 0, 0, 0); }},
    {"syslog(READ_ALL)", "syslog", [] { return syscall(SYS_syslog, 3, 0, 0); }},
};

TEST_F(DefaultTemplate, DeniesPrivilegedSyscalls) {
  ASSERT_GE(std::size(kMustDeny), 25u);
  for (const auto& a : kMustDeny) {
    auto o = run_under_filter(image_, [&] { return a.call(); });
    ASSERT_TRUE(o.loaded) << strerror(o.load_err);
    EXPECT_EQ(o.ret, -1) << a.what << " was not denied";
    EXPECT_EQ(o.err, expected_errno(policy_, a.syscall)) << a.what << ": " << strerror(o.err);
  }
}

TEST_F(DefaultTemplate, DeniesNonDefaultPersonality) {
  auto o = run_under_filter(image_, [] { return syscall(SYS_personality, PER_BSD); });
  EXPECT_EQ(o.ret, -1);
  EXPECT_TRUE(o.err == EPERM || o.err == EACCES) << strerror(o.err);
  o = run_under_filter(image_, [] { return syscall(SYS_personality, READ_IMPLIES_EXEC); });
  EXPECT_EQ(o.ret, -1) << "READ_IMPLIES_EXEC must be denied";
  // Querying the persona is what programs do; it must work.
  o = run_under_filter(image_, [] { return syscall(SYS_personality, 0xffffffffUL); });
  EXPECT_GE(o.ret, 0) << strerror(o.err);
}

TEST_F(DefaultTemplate, DeniesTiocstiEvenWithHighBits) {
  for (unsigned long cmd : {static_cast<unsigned long>(TIOCSTI), (1UL << 32) | TIOCSTI}) {
    auto o = run_under_filter(image_, [cmd] {
      int fd = open("/dev/null", O_RDONLY);
      return syscall(SYS_ioctl, fd, cmd, "x");
    });
    EXPECT_EQ(o.ret, -1);
    EXPECT_EQ(o.err, EACCES) << "cmd " << cmd << ": " << strerror(o.err);
  }
  auto o = run_under_filter(image_, [] {
    int fd = open("/dev/null", O_RDONLY), n;
    return syscall(SYS_ioctl, fd, FIONREAD, &n) == -1 && (errno == EPERM || errno == EACCES) ? -1L
                                                                                             : 0L;
  });
  EXPECT_EQ(o.ret, 0) << "ioctl(FIONREAD) must pass the filter";
}

TEST_F(DefaultTemplate, SocketFamiliesFollowTheGroups) {
  auto inet = run_under_filter(image_, [] { return syscall(SYS_socket, AF_INET, SOCK_STREAM, 0); });
  EXPECT_GE(inet.ret, 0) << "network-client must allow AF_INET: " << strerror(inet.err);
  // The default caps reach no unix socket outside the app: no socket(AF_UNIX),
  // stream and seqpacket pairs only (a datagram end sends anywhere).
  auto unix_s =
      run_under_filter(image_, [] { return syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0); });
  EXPECT_EQ(unix_s.ret, -1);
  EXPECT_EQ(unix_s.err, EPERM) << strerror(unix_s.err);
  for (int type : {int{SOCK_STREAM}, SOCK_SEQPACKET | SOCK_CLOEXEC, int{SOCK_DGRAM}}) {
    auto pair = run_under_filter(image_, [type] {
      int sv[2];
      return syscall(SYS_socketpair, AF_UNIX, type, 0, sv);
    });
    if (type == SOCK_DGRAM) {
      EXPECT_EQ(pair.ret, -1);
      EXPECT_EQ(pair.err, EPERM) << strerror(pair.err);
    } else {
      EXPECT_EQ(pair.ret, 0) << type << ": " << strerror(pair.err);
    }
  }
  // The unix-sockets group gives them back.
  auto with_unix = seccomp::compile_policy(sample_app_policy({"unix-sockets"})).image;
  auto u = run_under_filter(with_unix, [] { return syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0); });
  EXPECT_GE(u.ret, 0) << strerror(u.err);
  for (int family : {AF_NETLINK, AF_PACKET}) {
    auto o =
        run_under_filter(image_, [family] { return syscall(SYS_socket, family, SOCK_RAW, 0); });
    EXPECT_EQ(o.ret, -1) << "family " << family;
    EXPECT_TRUE(o.err == EPERM || o.err == EACCES) << family << ": " << strerror(o.err);
  }
  // Without network-client, AF_INET is not allowed at all.
  auto bare = seccomp::compile_policy(sample_app_policy({})).image;
  auto o = run_under_filter(bare, [] { return syscall(SYS_socket, AF_INET, SOCK_STREAM, 0); });
  EXPECT_EQ(o.ret, -1);
}

TEST_F(DefaultTemplate, OtherAbisAreDenied) {
  auto x32 = run_under_filter(image_, [] { return syscall(0x40000000 | SYS_getppid); });
  EXPECT_EQ(x32.ret, -1);
  EXPECT_EQ(x32.err, EPERM) << strerror(x32.err);
#if defined(__x86_64__)
  auto i386_mount = run_under_filter(image_, [] { return syscall_i386(21 /* mount */); });
  if (i386_mount.signal == 0) {  // else no ia32 emulation: nothing to filter
    EXPECT_EQ(i386_mount.ret, -1);
    EXPECT_EQ(i386_mount.err, expected_errno(policy_, "mount"));
  }
#endif
}

TEST_F(DefaultTemplate, ProbedSyscallsFallBack) {
  bool allowed = false;
  for (const auto& r : policy_.allow.syscalls) allowed = allowed || r.name == "clone3";
  if (allowed) GTEST_SKIP() << "the default template allows clone3";
  auto o = run_under_filter(image_, [] { return syscall(SYS_clone3, 0, 0); });
  EXPECT_EQ(o.err, ENOSYS);
}

TEST_F(DefaultTemplate, RunsADynamicallyLinkedShell) {
  auto r = exec_under_filter(image_, {"/bin/sh", "-c", "ls /"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("usr"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST_F(DefaultTemplate, RunsPython) {
  CONFINE_REQUIRE(access("/usr/bin/python3", X_OK) == 0, "/usr/bin/python3 is not installed");
  auto r = exec_under_filter(
      image_, {"/usr/bin/python3", "-c", "import os, json; print(json.dumps(os.listdir('/')))"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("usr"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace confine::testing
