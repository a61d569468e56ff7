// The compiler's decisions, checked in-process on the exported BPF.
#include "seccomp/compile.h"

#include <asm/ioctls.h>
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstring>

#include "bpf_eval.h"
#include "core/error.h"
#include "policy_builders.h"
#include "test_support.h"

namespace confine::testing {
namespace {

using seccomp::compile_policy;
using seccomp::CompiledFilter;
using seccomp::FilterImage;

constexpr uint32_t kNative = AUDIT_ARCH_X86_64;
constexpr uint32_t kI386 = AUDIT_ARCH_I386;
constexpr int kX32Bit = 0x40000000;

// libseccomp's own syscall table names i386 numbers for us.
int i386_nr(const char* name) {
  int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, name);
  EXPECT_GE(nr, 0) << name << " is multiplexed on i386";
  return nr;
}
// libseccomp names i386 socket() by a pseudo number (it is also reachable
// through socketcall); the direct syscall, since Linux 4.3, is 359.
constexpr int kI386Socket = 359;

std::string decide(const FilterImage& img, uint32_t arch, int nr, uint64_t a0 = 0, uint64_t a1 = 0,
                   uint64_t a2 = 0) {
  return action_name(bpf_run_image(img, syscall_data(arch, nr, a0, a1, a2)));
}

policy::Policy sample_policy() {
  policy::Policy p;
  allow_all(p, {"read", "write", "getppid", "ioctl", "exit_group", "clone"});
  p.allow.syscalls.push_back(sys("socket", {arg_eq(0, AF_UNIX)}));
  p.allow.syscalls.push_back(sys("socket", {arg_eq(0, AF_INET)}));
  p.deny.syscalls.push_back(sys("ptrace"));
  p.deny.syscalls.push_back(sys("ioctl", {arg_eq(1, TIOCSTI)}));
  return p;
}

#if defined(__x86_64__)

TEST(SeccompCompile, AllowedSyscallsAreAllowedOnBothArchitectures) {
  auto img = compile_policy(sample_policy()).image;
  EXPECT_EQ(decide(img, kNative, __NR_getppid), "ALLOW");
  EXPECT_EQ(decide(img, kNative, __NR_read), "ALLOW");
  EXPECT_EQ(decide(img, kI386, i386_nr("getppid")), "ALLOW");
  EXPECT_EQ(decide(img, kI386, i386_nr("read")), "ALLOW");
}

// The root program (stacked only for a uid-0 app) refuses every metadata
// change whatever the policy allows, on both ABIs, and nothing else.
TEST(SeccompCompile, RootProgramRefusesMetadataChangesOnly) {
  policy::Policy p = sample_policy();
  allow_all(p, {"chmod", "fchown", "utimensat", "openat"});
  auto img = compile_policy(p).image;
  ASSERT_FALSE(img.root.empty());
  auto root = [&](uint32_t arch, int nr) {
    return action_name(bpf_run(img.root, syscall_data(arch, nr, 0, 0, 0)));
  };
  for (int nr : {__NR_chmod, __NR_fchmod, __NR_fchmodat, __NR_chown, __NR_fchown, __NR_lchown,
                 __NR_fchownat, __NR_utime, __NR_utimes, __NR_utimensat, __NR_futimesat,
                 __NR_setxattr, __NR_lsetxattr, __NR_fsetxattr, __NR_removexattr,
                 __NR_lremovexattr, __NR_fremovexattr})
    EXPECT_EQ(root(kNative, nr), "ERRNO(1)") << "syscall " << nr;
  for (const char* name : {"chmod", "chown", "chown32", "fchown", "fchown32", "lchown32",
                           "utimensat", "utimensat_time64", "fsetxattr"})
    EXPECT_EQ(root(kI386, i386_nr(name)), "ERRNO(1)") << name;
  for (int nr : {__NR_read, __NR_openat, __NR_getppid, __NR_write})
    EXPECT_EQ(root(kNative, nr), "ALLOW") << "syscall " << nr;
  // Without it (an app of any other uid) the policy's allows stand.
  EXPECT_EQ(decide(img, kNative, __NR_chmod), "ALLOW");
  EXPECT_EQ(decide(img, kNative, __NR_fchown), "ALLOW");
}

TEST(SeccompCompile, UnlistedSyscallsGetEperm) {
  auto img = compile_policy(sample_policy()).image;
  for (int nr : {__NR_mount, __NR_bpf, __NR_getpid, __NR_open, 999})
    EXPECT_EQ(decide(img, kNative, nr), "ERRNO(1)") << "syscall " << nr;
  EXPECT_EQ(decide(img, kI386, i386_nr("mount")), "ERRNO(1)");
}

TEST(SeccompCompile, ExplicitDenyGetsEacces) {
  auto img = compile_policy(sample_policy()).image;
  EXPECT_EQ(decide(img, kNative, __NR_ptrace), "ERRNO(13)");
  EXPECT_EQ(decide(img, kI386, i386_nr("ptrace")), "ERRNO(13)");
}

TEST(SeccompCompile, ProbedSyscallsGetEnosysWhenDenied) {
  policy::Policy p = sample_policy();
  p.deny.syscalls.push_back(sys("faccessat2"));  // explicit deny: still ENOSYS
  auto img = compile_policy(p).image;
  EXPECT_EQ(decide(img, kNative, __NR_clone3), "ERRNO(38)");
  EXPECT_EQ(decide(img, kNative, __NR_faccessat2), "ERRNO(38)");
  EXPECT_EQ(decide(img, kNative, __NR_close_range), "ERRNO(38)");
  EXPECT_EQ(decide(img, kI386, i386_nr("clone3")), "ERRNO(38)");
  // ...but an allowed probed syscall is allowed.
  allow_all(p, {"clone3"});
  EXPECT_EQ(decide(compile_policy(p).image, kNative, __NR_clone3), "ALLOW");
}

// The reason for the two-program format: in one libseccomp filter, an
// unconditional allow of ioctl swallows a conditional deny of
// ioctl(TIOCSTI), whatever the order they are added in. If a libseccomp
// update changes this, the format could go back to one program.
TEST(SeccompCompile, OneLibseccompFilterLosesConditionalDeny) {
  for (bool deny_first : {false, true}) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    ASSERT_NE(ctx, nullptr);
    auto add_deny = [&] {
      ASSERT_EQ(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(ioctl), 1,
                                 SCMP_A1(SCMP_CMP_EQ, TIOCSTI, 0)),
                0);
    };
    if (deny_first) add_deny();
    ASSERT_EQ(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 0), 0);
    if (!deny_first) add_deny();
    FILE* f = tmpfile();
    ASSERT_EQ(seccomp_export_bpf(ctx, fileno(f)), 0);
    long size = ftell(f);
    rewind(f);
    std::vector<sock_filter> prog(static_cast<size_t>(size) / sizeof(sock_filter));
    ASSERT_EQ(fread(prog.data(), sizeof(sock_filter), prog.size(), f), prog.size());
    fclose(f);
    seccomp_release(ctx);
    EXPECT_EQ(action_name(bpf_run(prog, syscall_data(kNative, __NR_ioctl, 0, TIOCSTI))), "ALLOW");
  }
}

TEST(SeccompCompile, ConditionalDenyWinsOverUnconditionalAllow) {
  auto img = compile_policy(sample_policy()).image;
  ASSERT_FALSE(img.deny.empty());
  EXPECT_EQ(decide(img, kNative, __NR_ioctl, 0, TIOCSTI), "ERRNO(13)");
  EXPECT_EQ(decide(img, kNative, __NR_ioctl, 0, FIONREAD), "ALLOW");
  // The kernel reads ioctl's cmd as an unsigned int: high bits must not
  // smuggle TIOCSTI past the deny.
  EXPECT_EQ(decide(img, kNative, __NR_ioctl, 0, (1ULL << 32) | TIOCSTI), "ERRNO(13)");
  EXPECT_EQ(decide(img, kI386, i386_nr("ioctl"), 0, TIOCSTI), "ERRNO(13)");
  EXPECT_EQ(decide(img, kI386, i386_nr("ioctl"), 0, FIONREAD), "ALLOW");
}

TEST(SeccompCompile, ConditionalDenyWinsOverConditionalAllowOnAnotherArgument) {
  // libseccomp orders these by argument, not action: socket(16, 2) would be
  // allowed in one filter.
  policy::Policy p;
  allow_all(p, {"exit_group"});
  p.allow.syscalls.push_back(sys("socket", {arg_eq(1, SOCK_DGRAM)}));
  p.deny.syscalls.push_back(sys("socket", {arg_eq(0, AF_NETLINK)}));
  auto img = compile_policy(p).image;
  EXPECT_EQ(decide(img, kNative, __NR_socket, AF_NETLINK, SOCK_DGRAM), "ERRNO(13)");
  EXPECT_EQ(decide(img, kNative, __NR_socket, AF_INET, SOCK_DGRAM), "ALLOW");
  EXPECT_EQ(decide(img, kNative, __NR_socket, AF_INET, SOCK_STREAM), "ERRNO(1)");
}

TEST(SeccompCompile, ArgumentFilteredAllows) {
  auto img = compile_policy(sample_policy()).image;
  EXPECT_EQ(decide(img, kNative, __NR_socket, AF_INET, SOCK_STREAM), "ALLOW");
  EXPECT_EQ(decide(img, kNative, __NR_socket, AF_UNIX, SOCK_STREAM), "ALLOW");
  EXPECT_EQ(decide(img, kNative, __NR_socket, AF_NETLINK, SOCK_RAW), "ERRNO(1)");
  EXPECT_EQ(decide(img, kNative, __NR_socket, AF_PACKET, SOCK_RAW), "ERRNO(1)");
  // Allows compare all 64 bits: fail closed on junk in the upper half.
  EXPECT_EQ(decide(img, kNative, __NR_socket, (1ULL << 32) | AF_INET, SOCK_STREAM), "ERRNO(1)");
}

TEST(SeccompCompile, EveryComparisonOperator) {
  using Op = policy::ArgCondition::Op;
  policy::Policy p;
  p.allow.syscalls.push_back(sys("getpriority", {arg_op(0, Op::Ne, 5)}));
  p.allow.syscalls.push_back(sys("setpriority", {arg_op(0, Op::Lt, 5)}));
  p.allow.syscalls.push_back(sys("getcpu", {arg_op(0, Op::Le, 5)}));
  p.allow.syscalls.push_back(sys("getrlimit", {arg_op(0, Op::Gt, 5)}));
  p.allow.syscalls.push_back(sys("setrlimit", {arg_op(0, Op::Ge, 5)}));
  p.allow.syscalls.push_back(sys("mmap", {arg_masked(2, 0x4, 0)}));  // no PROT_EXEC
  auto img = compile_policy(p).image;
  EXPECT_EQ(decide(img, kNative, __NR_getpriority, 4), "ALLOW");
  EXPECT_EQ(decide(img, kNative, __NR_getpriority, 5), "ERRNO(1)");
  EXPECT_EQ(decide(img, kNative, __NR_setpriority, 4), "ALLOW");
  EXPECT_EQ(decide(img, kNative, __NR_setpriority, 5), "ERRNO(1)");
  EXPECT_EQ(decide(img, kNative, __NR_getcpu, 5), "ALLOW");
  EXPECT_EQ(decide(img, kNative, __NR_getcpu, 6), "ERRNO(1)");
  EXPECT_EQ(decide(img, kNative, __NR_getrlimit, 6), "ALLOW");
  EXPECT_EQ(decide(img, kNative, __NR_getrlimit, 5), "ERRNO(1)");
  EXPECT_EQ(decide(img, kNative, __NR_setrlimit, 5), "ALLOW");
  EXPECT_EQ(decide(img, kNative, __NR_setrlimit, 4), "ERRNO(1)");
  EXPECT_EQ(decide(img, kNative, __NR_mmap, 0, 4096, 0x3), "ALLOW");
  EXPECT_EQ(decide(img, kNative, __NR_mmap, 0, 4096, 0x5), "ERRNO(1)");
}

TEST(SeccompCompile, X32SyscallsAreDenied) {
  auto img = compile_policy(sample_policy()).image;
  // Same numbers as allowed x86_64 syscalls, with __X32_SYSCALL_BIT.
  EXPECT_EQ(decide(img, kNative, kX32Bit | __NR_getppid), "ERRNO(1)");
  EXPECT_EQ(decide(img, kNative, kX32Bit | __NR_read), "ERRNO(1)");
  // x32-only entries (512..547), e.g. x32 ioctl is 514.
  EXPECT_EQ(decide(img, kNative, kX32Bit | 514, 0, FIONREAD), "ERRNO(1)");
  for (int nr = kX32Bit; nr < kX32Bit + 600; ++nr)
    ASSERT_EQ(decide(img, kNative, nr), "ERRNO(1)") << "x32 syscall " << (nr - kX32Bit);
}

TEST(SeccompCompile, OtherArchitecturesAreDenied) {
  auto img = compile_policy(sample_policy()).image;
  EXPECT_EQ(decide(img, AUDIT_ARCH_AARCH64, 173 /* getppid there */), "ERRNO(1)");
  EXPECT_EQ(decide(img, 0, __NR_getppid), "ERRNO(1)");
}

TEST(SeccompCompile, UnknownSyscallIsAnErrorUnlessOptional) {
  policy::Policy p = sample_policy();
  p.allow.syscalls.push_back(sys("no_such_syscall"));
  try {
    compile_policy(p);
    FAIL() << "unknown syscall accepted";
  } catch (const ConfineError& e) {
    EXPECT_NE(std::string(e.what()).find("test: syscall 'no_such_syscall': unknown syscall"),
              std::string::npos)
        << e.what();
  }
  p.allow.syscalls.back().optional = true;
  auto img = compile_policy(p).image;
  EXPECT_EQ(decide(img, kNative, __NR_getppid), "ALLOW");
}

TEST(SeccompCompile, BadConditionsAreErrors) {
  policy::Policy p;
  p.allow.syscalls.push_back(sys("socket", {arg_eq(6, 1)}));
  EXPECT_THROW(compile_policy(p), ConfineError);
  p.allow.syscalls = {sys("socket", {arg_eq(0, AF_INET), arg_eq(0, AF_UNIX)})};
  try {
    compile_policy(p);
    FAIL() << "two comparisons of one argument accepted";
  } catch (const ConfineError& e) {
    EXPECT_NE(std::string(e.what()).find("argument 0 compared twice"), std::string::npos);
  }
}

TEST(SeccompCompile, I386SocketArgumentsCannotBeFilteredSoFailClosed) {
  // On i386, socket() may go through socketcall, whose arguments seccomp
  // cannot see: the filtered allow is not granted there.
  policy::Policy p = sample_policy();
  CompiledFilter c = compile_policy(p);
  EXPECT_EQ(decide(c.image, kI386, kI386Socket, AF_INET), "ERRNO(1)");
  EXPECT_EQ(decide(c.image, kI386, i386_nr("socketcall"), 1 /* SYS_SOCKET */), "ERRNO(1)");
  ASSERT_FALSE(c.notes.empty());
  EXPECT_NE(c.notes[0].find("syscall 'socket'"), std::string::npos) << c.notes[0];
  // A filtered deny there becomes a deny of the whole syscall.
  p.allow.syscalls.push_back(sys("socket"));
  p.deny.syscalls.push_back(sys("socket", {arg_eq(0, AF_PACKET)}));
  c = compile_policy(p);
  EXPECT_EQ(decide(c.image, kNative, __NR_socket, AF_INET), "ALLOW");
  EXPECT_EQ(decide(c.image, kNative, __NR_socket, AF_PACKET), "ERRNO(13)");
  EXPECT_EQ(decide(c.image, kI386, kI386Socket, AF_INET), "ERRNO(13)");
}

TEST(SeccompCompile, TreeAndLinearLayoutsDecideAlike) {
  policy::Policy p = sample_policy();
  allow_all(p, {"openat", "close", "fstat", "mmap", "munmap", "brk", "execve", "futex"});
  auto tree = compile_policy(p).image;
  auto linear = compile_policy(p, {.binary_tree = false}).image;
  EXPECT_NE(tree.allow.size(), 0u);
  bool differ = tree.allow.size() != linear.allow.size();
  for (size_t i = 0; !differ && i < tree.allow.size(); ++i)
    differ = std::memcmp(&tree.allow[i], &linear.allow[i], sizeof(sock_filter)) != 0;
  EXPECT_TRUE(differ) << "the optimisation setting made no difference";
  for (uint32_t arch : {kNative, kI386})
    for (int nr = 0; nr < 600; ++nr)
      for (uint64_t a1 : {uint64_t{0}, uint64_t{TIOCSTI}})
        ASSERT_EQ(decide(tree, arch, nr, AF_INET, a1), decide(linear, arch, nr, AF_INET, a1))
            << "arch " << arch << " nr " << nr;
}

TEST(SeccompCompile, EffectiveIsAppliedSoUnconditionalDenyBeatsAllow) {
  policy::Policy p = sample_policy();
  allow_all(p, {"ptrace"});  // also allowed, but denied: deny wins
  auto img = compile_policy(p).image;
  EXPECT_EQ(decide(img, kNative, __NR_ptrace), "ERRNO(13)");
}

#endif  // __x86_64__

}  // namespace
}  // namespace confine::testing
