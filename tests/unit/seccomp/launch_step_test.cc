// The loader: trusted open, validation, no-new-privs, and real filters in
// forked children.
#include "seccomp/launch_step.h"

#include <asm/ioctls.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <filesystem>

#include "kernel_child.h"
#include "policy_builders.h"
#include "seccomp/compile.h"
#include "test_support.h"

namespace confine::testing {
namespace {

using seccomp::FilterImage;

// What the seccomp launch step does with its artifact (LaunchContext::
// read_artifact without a policy_dir fd): open_trusted()'s checks, at most
// kMaxFileSize bytes, then decode_filter.
Result<FilterImage> read_filter_file(const std::string& path, const TrustPolicy& trust = {}) {
  auto bytes = read_trusted(path, seccomp::kMaxFileSize, trust);
  if (!bytes) return bytes.error();
  return seccomp::decode_filter(*bytes, path);
}

policy::Policy small_policy() {
  policy::Policy p;
  allow_all(p, {"read", "write", "getppid", "ioctl", "exit_group", "exit", "close", "prctl"});
  p.allow.syscalls.push_back(sys("socket", {arg_eq(0, AF_UNIX)}));
  p.deny.syscalls.push_back(sys("ptrace"));
  p.deny.syscalls.push_back(sys("ioctl", {arg_eq(1, TIOCSTI)}));
  return p;
}

std::string write_filter(const std::string& path, const policy::Policy& p) {
  auto bytes = seccomp::encode_filter(seccomp::compile_policy(p).image);
  EXPECT_TRUE(bytes.ok());
  write_file(path, *bytes, 0644);
  return path;
}

void expect_refused(const std::string& path, int err, const std::string& fragment) {
  auto r = read_filter_file(path);
  ASSERT_FALSE(r.ok()) << path << " accepted";
  EXPECT_EQ(r.error().err, err) << r.error().describe();
  EXPECT_NE(r.error().describe().find(fragment), std::string::npos) << r.error().describe();
}

#define REQUIRE_ROOT() CONFINE_REQUIRE(is_root(), "needs root to create root-owned files")
#define REQUIRE_SECCOMP()                                  \
  CONFINE_REQUIRE(seccomp::kernel_supports_filters().ok(), \
                  "the kernel lacks seccomp filters with SECCOMP_RET_ERRNO")

TEST(SeccompLoader, ReadsTrustedFile) {
  REQUIRE_ROOT();
  TempDir d;
  auto r = read_filter_file(write_filter(d / "seccomp/a.bpf", small_policy()));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->rule_count, 11u);  // 8 + socket + 2 denies
  EXPECT_FALSE(r->deny.empty());
}

TEST(SeccompLoader, RefusesWritableByOthers) {
  REQUIRE_ROOT();
  TempDir d;
  std::string f = write_filter(d / "seccomp/a.bpf", small_policy());
  ::chmod(f.c_str(), 0646);
  expect_refused(f, EPERM, "writable by group or others");
  ::chmod(f.c_str(), 0664);
  expect_refused(f, EPERM, "writable by group or others");
  ::chmod(f.c_str(), 0644);
  ::chmod((d / "seccomp").c_str(), 0777);
  expect_refused(f, EPERM, "seccomp is writable by group or others");
}

TEST(SeccompLoader, RefusesNonRootOwner) {
  REQUIRE_ROOT();
  TempDir d;
  std::string f = write_filter(d / "seccomp/a.bpf", small_policy());
  ASSERT_EQ(::chown(f.c_str(), 65534, 0), 0);
  expect_refused(f, EPERM, "owned by uid 65534");
  ASSERT_EQ(::chown(f.c_str(), 0, 0), 0);
  ASSERT_EQ(::chown((d / "seccomp").c_str(), 65534, 65534), 0);
  expect_refused(f, EPERM, "owned by uid 65534");
}

TEST(SeccompLoader, RefusesSymlinks) {
  REQUIRE_ROOT();
  TempDir d;
  write_filter(d / "real/a.bpf", small_policy());
  std::filesystem::create_directories(d / "seccomp");
  std::filesystem::create_symlink(d / "real/a.bpf", d / "seccomp/a.bpf");
  expect_refused(d / "seccomp/a.bpf", ELOOP, "is a symlink");
  std::filesystem::create_directory_symlink(d / "real", d / "linkdir");
  expect_refused(d / "linkdir/a.bpf", ELOOP, "is a symlink");
}

TEST(SeccompLoader, RefusesNonRegularAndMissingFiles) {
  REQUIRE_ROOT();
  TempDir d;
  std::filesystem::create_directories(d / "seccomp/a.bpf");
  expect_refused(d / "seccomp/a.bpf", EINVAL, "not a regular file");
  expect_refused(d / "seccomp/missing.bpf", ENOENT, "missing.bpf");
}

TEST(SeccompLoader, RefusesMalformedFilesOnDisk) {
  REQUIRE_ROOT();
  TempDir d;
  std::string f = write_filter(d / "a.bpf", small_policy());
  std::string bytes = read_file(f);
  write_file(f, bytes.substr(0, 40));
  expect_refused(f, EINVAL, "truncated");
  write_file(f, bytes.substr(0, bytes.size() - 8));
  expect_refused(f, EINVAL, "length mismatch");
  write_file(f, std::string(seccomp::kMaxFileSize + 1, 'x'));
  expect_refused(f, EFBIG, "larger than");
}

TEST(SeccompLoader, NoNewPrivsOnlyWhenNeeded) {
  // As root with CAP_SYS_ADMIN, no_new_privs is left alone unless configured:
  // it would block AppArmor exec transitions.
  CONFINE_REQUIRE(is_root(), "needs CAP_SYS_ADMIN");
  EXPECT_FALSE(seccomp::needs_no_new_privs(false));
  EXPECT_TRUE(seccomp::needs_no_new_privs(true));
}

TEST(SeccompKernel, RootLoadLeavesNoNewPrivsUnset) {
  REQUIRE_SECCOMP();
  CONFINE_REQUIRE(is_root(), "needs CAP_SYS_ADMIN");
  auto img = seccomp::compile_policy(small_policy()).image;
  auto o = run_under_filter(img, [] { return long{::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)}; });
  ASSERT_TRUE(o.loaded) << o.load_err;
  EXPECT_EQ(o.ret, 0);
  o = run_under_filter(
      img, [] { return long{::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)}; }, true);
  ASSERT_TRUE(o.loaded) << o.load_err;
  EXPECT_EQ(o.ret, 1);
}

TEST(SeccompKernel, WithoutCapSysAdminNoNewPrivsIsSet) {
  REQUIRE_SECCOMP();
  auto img = seccomp::compile_policy(small_policy()).image;
  // The child drops CAP_SYS_ADMIN from its effective set first, like the
  // launcher's privileges step does for an ordinary user.
  auto o =
      run_under_filter(FilterImage{{BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)}, {}, 0, {}}, [&img] {
        __user_cap_header_struct h{_LINUX_CAPABILITY_VERSION_3, 0};
        __user_cap_data_struct d[2] = {};
        if (syscall(SYS_capset, &h, d) != 0) return -10L;
        if (!seccomp::needs_no_new_privs(false)) return -11L;
        if (!seccomp::load_filter(img, false).ok()) return -12L;
        return long{::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)};
      });
  ASSERT_TRUE(o.loaded);
  EXPECT_EQ(o.ret, 1) << "errno " << o.err;
}

TEST(SeccompKernel, SmallPolicyDecisions) {
  REQUIRE_SECCOMP();
  auto img = seccomp::compile_policy(small_policy()).image;
  auto ok = run_under_filter(img, [] { return ::syscall(SYS_getppid); });
  ASSERT_TRUE(ok.loaded) << ok.load_err;
  EXPECT_EQ(ok.ret, getpid());

  struct Case {
    const char* what;
    std::function<long()> fn;
    int err;
  } cases[] = {
      {"ptrace (explicit deny)", [] { return ::syscall(SYS_ptrace, 0, 0, 0, 0); }, EACCES},
      {"getpid (unlisted)", [] { return ::syscall(SYS_getpid); }, EPERM},
      {"ioctl TIOCSTI", [] { return ::syscall(SYS_ioctl, 0, TIOCSTI, "x"); }, EACCES},
      {"ioctl TIOCSTI high bits",
       [] { return ::syscall(SYS_ioctl, 0, (1UL << 32) | TIOCSTI, "x"); }, EACCES},
      {"clone3 (probed)", [] { return ::syscall(SYS_clone3, nullptr, 0); }, ENOSYS},
      {"socket AF_NETLINK", [] { return ::syscall(SYS_socket, AF_NETLINK, SOCK_RAW, 0); }, EPERM},
      {"x32 getppid", [] { return ::syscall(0x40000000 | SYS_getppid); }, EPERM},
  };
  for (const auto& c : cases) {
    auto o = run_under_filter(img, c.fn);
    ASSERT_TRUE(o.loaded) << c.what;
    EXPECT_EQ(o.ret, -1) << c.what;
    EXPECT_EQ(o.err, c.err) << c.what << ": " << strerror(o.err);
  }
  auto unix_sock =
      run_under_filter(img, [] { return ::syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0); });
  EXPECT_GE(unix_sock.ret, 0) << strerror(unix_sock.err);
  auto fionread = run_under_filter(img, [] {
    int n;
    return ::syscall(SYS_ioctl, 0, FIONREAD, &n) == 0 ? 0L
                                                      : long{errno == EPERM || errno == EACCES};
  });
  EXPECT_EQ(fionread.ret, 0) << "ioctl(FIONREAD) must pass the filter";
}

TEST(SeccompKernel, EveryProgramLogsItsDenials) {
  // Denials reach the kernel log (type=1326) only from filters loaded with
  // SECCOMP_FILTER_FLAG_LOG; `confine explain` depends on it. The flags of
  // each loaded program are read back as a debugger would.
  REQUIRE_SECCOMP();
  CONFINE_REQUIRE(is_root(), "PTRACE_SECCOMP_GET_METADATA needs CAP_SYS_ADMIN");
  auto img = seccomp::compile_policy(small_policy()).image;
  ASSERT_FALSE(img.deny.empty()) << "small_policy() should make a deny program too";
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(p[0]);
    char c = seccomp::load_filter(img, false).ok() ? 'y' : 'n';
    if (::write(p[1], &c, 1) != 1) ::_exit(1);
    for (;;) ::pause();  // until killed (pause may be denied: then it spins)
  }
  ::close(p[1]);
  char c = 0;
  ASSERT_EQ(::read(p[0], &c, 1), 1);
  ::close(p[0]);
  EXPECT_EQ(c, 'y');
  std::vector<uint64_t> flags;
  if (::ptrace(PTRACE_ATTACH, pid, nullptr, nullptr) == 0) {
    int st = 0;
    ::waitpid(pid, &st, 0);
    for (uint64_t i = 0;; ++i) {
      __ptrace_seccomp_metadata md{i, 0};
      if (::ptrace(PTRACE_SECCOMP_GET_METADATA, pid, sizeof md, &md) < 0) break;
      flags.push_back(md.flags);
    }
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ASSERT_EQ(flags.size(), 2u) << "the deny and the allow program";
  for (uint64_t f : flags) EXPECT_TRUE(f & SECCOMP_FILTER_FLAG_LOG) << "flags " << f;
}

TEST(SeccompKernel, I386AbiIsFilteredToo) {
  REQUIRE_SECCOMP();
#if !defined(__x86_64__)
  GTEST_SKIP() << "x86_64 only";
#else
  // Without a filter first: does this kernel run int $0x80 at all?
  auto probe = run_under_filter(FilterImage{{BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)}, {}, 0, {}},
                                [] { return syscall_i386(64 /* getppid */); });
  CONFINE_REQUIRE(probe.signal == 0 && probe.ret > 0, "the kernel lacks ia32 emulation");
  auto img = seccomp::compile_policy(small_policy()).image;
  auto ok = run_under_filter(img, [] { return syscall_i386(64 /* getppid */); });
  EXPECT_EQ(ok.ret, getpid());
  auto mount = run_under_filter(img, [] { return syscall_i386(21 /* mount */); });
  EXPECT_EQ(mount.ret, -1);
  EXPECT_EQ(mount.err, EPERM);
  auto ptrace = run_under_filter(img, [] { return syscall_i386(26 /* ptrace */); });
  EXPECT_EQ(ptrace.err, EACCES);
  auto getpid32 = run_under_filter(img, [] { return syscall_i386(20 /* getpid */); });
  EXPECT_EQ(getpid32.err, EPERM);
#endif
}

}  // namespace
}  // namespace confine::testing
