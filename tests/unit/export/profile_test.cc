// The exported seccomp profile: its fields, and what a filter built from it
// the way runc builds one (libseccomp, rules added in the profile's order,
// rules with the default action skipped) answers in the kernel. No root.
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <sched.h>

#include "export/oci.h"
#include "policy/syscall_rules.h"
#include "seccomp/file.h"
#include "test_support.h"

namespace confine::testing {
namespace {

using nlohmann::json;

policy::Policy policy_of(const std::string& text) {
  policy::SyscallList list = policy::parse_syscall_text(text, "test.seccomp", "test");
  policy::Policy p;
  p.allow.syscalls = list.allow;
  p.deny.syscalls = list.deny;
  return p;
}

const char kPolicy[] =
    "read\nwrite\nexit_group\nioctl\ndeny ioctl a1 == TIOCSTI\n"
    "personality a0 == PER_LINUX\ndeny ptrace\nclone\n"
    "deny clone a0 & CLONE_NEWUSER == CLONE_NEWUSER\n";

// The entries naming `name`, in profile order.
std::vector<json> entries(const json& profile, const std::string& name) {
  std::vector<json> out;
  for (const auto& e : profile["syscalls"])
    for (const auto& n : e["names"])
      if (n == name) out.push_back(e);
  return out;
}

TEST(ExportProfile, DefaultArchitecturesAndErrnos) {
  std::vector<std::string> notes;
  json p = exporter::seccomp_profile(policy_of(kPolicy), notes);
  EXPECT_EQ(p["defaultAction"], "SCMP_ACT_ERRNO");
  EXPECT_EQ(p["defaultErrnoRet"], EPERM);
  ASSERT_FALSE(seccomp::host_arch_tokens().empty());
  if (seccomp::host_arch_tokens()[0] == AUDIT_ARCH_X86_64) {
    EXPECT_EQ(p["architectures"], json({"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"}));
    bool x32_noted = false;
    for (const auto& n : notes) x32_noted |= n.find("x32") != std::string::npos;
    EXPECT_TRUE(x32_noted) << "the x32 difference must be said on stderr";
  }
  auto read = entries(p, "read");
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0]["action"], "SCMP_ACT_ALLOW");
  EXPECT_FALSE(read[0].contains("args"));
  auto ptrace = entries(p, "ptrace");
  ASSERT_EQ(ptrace.size(), 1u);
  EXPECT_EQ(ptrace[0]["action"], "SCMP_ACT_ERRNO");
  EXPECT_EQ(ptrace[0]["errnoRet"], EACCES);
  // Not allowed and probed by libc: ENOSYS, so that glibc falls back to clone.
  auto clone3 = entries(p, "clone3");
  ASSERT_EQ(clone3.size(), 1u);
  EXPECT_EQ(clone3[0]["errnoRet"], ENOSYS);
  EXPECT_TRUE(entries(p, "mount").empty()) << "unlisted syscalls get the default";
}

TEST(ExportProfile, ConditionalDenyComesBeforeAnAlwaysTrueAllow) {
  std::vector<std::string> notes;
  json p = exporter::seccomp_profile(policy_of(kPolicy), notes);
  auto ioctl = entries(p, "ioctl");
  ASSERT_EQ(ioctl.size(), 2u) << p.dump(1);
  // The deny compares the low 32 bits (value = mask, valueTwo = datum).
  EXPECT_EQ(ioctl[0]["action"], "SCMP_ACT_ERRNO");
  EXPECT_EQ(ioctl[0]["errnoRet"], EACCES);
  EXPECT_EQ(ioctl[0]["args"],
            json::parse(R"([{"index":1,"op":"SCMP_CMP_MASKED_EQ","value":4294967295,"valueTwo":)" +
                        std::to_string(TIOCSTI) + "}]"));
  EXPECT_EQ(ioctl[1]["action"], "SCMP_ACT_ALLOW");
  EXPECT_EQ(ioctl[1]["args"],
            json::parse(R"([{"index":0,"op":"SCMP_CMP_GE","value":0,"valueTwo":0}])"));
  auto clone = entries(p, "clone");
  ASSERT_EQ(clone.size(), 2u);
  EXPECT_EQ(clone[0]["args"][0]["op"], "SCMP_CMP_MASKED_EQ");
  EXPECT_EQ(clone[0]["args"][0]["value"], CLONE_NEWUSER);
  EXPECT_EQ(clone[0]["args"][0]["valueTwo"], CLONE_NEWUSER);
  // An allow compares all 64 bits, as the compiler does.
  auto personality = entries(p, "personality");
  ASSERT_EQ(personality.size(), 1u);
  EXPECT_EQ(personality[0]["args"],
            json::parse(R"([{"index":0,"op":"SCMP_CMP_EQ","value":0,"valueTwo":0}])"));
}

TEST(ExportProfile, FilteredAllowWithFilteredDenyIsNotAllowedAndSaid) {
  std::vector<std::string> notes;
  json p = exporter::seccomp_profile(
      policy_of("socket a0 == AF_INET\ndeny socket a1 == SOCK_RAW\nread\n"), notes);
  EXPECT_TRUE(entries(p, "socket").empty()) << p.dump(1);
  bool said = false;
  for (const auto& n : notes) said |= n.find("socket: an argument-filtered allow") == 9;
  EXPECT_TRUE(said);
}

// A filter built from `profile` as runc builds it.
scmp_filter_ctx build_like_runc(const json& profile) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
  seccomp_arch_add(ctx, SCMP_ARCH_X86);
  auto op = [](const std::string& s) {
    if (s == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
    if (s == "SCMP_CMP_NE") return SCMP_CMP_NE;
    if (s == "SCMP_CMP_GE") return SCMP_CMP_GE;
    if (s == "SCMP_CMP_GT") return SCMP_CMP_GT;
    if (s == "SCMP_CMP_LE") return SCMP_CMP_LE;
    if (s == "SCMP_CMP_LT") return SCMP_CMP_LT;
    return SCMP_CMP_MASKED_EQ;
  };
  for (const auto& e : profile["syscalls"]) {
    uint32_t action = e["action"] == "SCMP_ACT_ALLOW"
                          ? SCMP_ACT_ALLOW
                          : SCMP_ACT_ERRNO(e["errnoRet"].get<uint16_t>());
    if (action == SCMP_ACT_ERRNO(EPERM)) continue;
    std::vector<scmp_arg_cmp> cmps;
    if (e.contains("args"))
      for (const auto& a : e["args"])
        cmps.push_back({a["index"].get<unsigned>(), op(a["op"]), a["value"].get<uint64_t>(),
                        a["valueTwo"].get<uint64_t>()});
    for (const auto& n : e["names"]) {
      int nr = seccomp_syscall_resolve_name(n.get<std::string>().c_str());
      if (nr == __NR_SCMP_ERROR) continue;
      EXPECT_EQ(seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(cmps.size()),
                                       cmps.empty() ? nullptr : cmps.data()),
                0)
          << n;
    }
  }
  return ctx;
}

// _exit for a child under a seccomp filter the test loaded. _exit is
// noreturn, and before a noreturn call ASan's instrumentation calls
// sigaltstack (__asan_handle_no_return), which such a filter may refuse:
// ASan then dies with a CHECK failure instead of the child's status.
// syscall() is not noreturn, so nothing runs before the exit.
void exit_under_filter(int status) {
  ::syscall(SYS_exit_group, status);
}

// Runs `call` in a child under `profile` and returns its errno (0 = success).
int errno_under(const json& profile, long nr, long a0, long a1) {
  pid_t pid = fork();
  if (pid == 0) {
    scmp_filter_ctx ctx = build_like_runc(profile);
    if (seccomp_load(ctx) != 0) exit_under_filter(250);
    long rc = syscall(nr, a0, a1, 0, 0, 0, 0);
    exit_under_filter(rc < 0 ? (errno & 0xff) : 0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ExportProfile, DenyWinsInTheKernelAsInConfinesStackedFilters) {
  if (seccomp::host_arch_tokens()[0] != AUDIT_ARCH_X86_64) GTEST_SKIP() << "x86_64 numbers";
  std::vector<std::string> notes;
  json p = exporter::seccomp_profile(policy_of(kPolicy), notes);
  EXPECT_EQ(errno_under(p, SYS_ioctl, -1, FIONREAD), EBADF) << "allowed: the kernel answers";
  EXPECT_EQ(errno_under(p, SYS_ioctl, -1, TIOCSTI), EACCES);
  EXPECT_EQ(errno_under(p, SYS_ioctl, -1, (1L << 32) | TIOCSTI), EACCES);
  EXPECT_EQ(errno_under(p, SYS_clone, CLONE_NEWUSER | CLONE_FS, 0), EACCES);
  EXPECT_EQ(errno_under(p, SYS_clone, CLONE_SIGHAND, 0), EINVAL);
  EXPECT_EQ(errno_under(p, SYS_personality, 8, 0), EPERM);
  EXPECT_EQ(errno_under(p, SYS_ptrace, 3, 0x7ffffff0L), EACCES);
  EXPECT_EQ(errno_under(p, SYS_clone3, 0, 0), ENOSYS);
}

// The export runs the app as uid 0, so it carries what confine-run stacks
// for a root-run app: its root program's refusals (chmod, chown, ... EPERM),
// under the deny program's EACCES for setuid modes.
TEST(ExportProfile, RootRunRefusalsOfTheCompiledRootProgram) {
  std::vector<std::string> notes;
  json p = exporter::seccomp_profile(
      policy_of("read\nexit_group\nchmod\ndeny chmod a1 & S_ISUID == S_ISUID\nfchown\n"), notes);
  auto chmod = entries(p, "chmod");
  ASSERT_EQ(chmod.size(), 1u) << p.dump(1);
  EXPECT_EQ(chmod[0]["action"], "SCMP_ACT_ERRNO");
  EXPECT_EQ(chmod[0]["errnoRet"], EACCES);
  EXPECT_EQ(chmod[0]["args"][0]["valueTwo"], 04000);
  EXPECT_TRUE(entries(p, "fchown").empty()) << "EPERM, the default: " << p.dump(1);
  EXPECT_EQ(entries(p, "read").size(), 1u);
  EXPECT_EQ(errno_under(p, SYS_chmod, reinterpret_cast<long>("/nonexistent"), 0755), EPERM);
  EXPECT_EQ(errno_under(p, SYS_chmod, reinterpret_cast<long>("/nonexistent"), 04755), EACCES);
}

// On i386 libseccomp turns an argument-filtered socket rule, added the way
// runtimes add rules, into an unfiltered socketcall(SYS_SOCKET) rule, and a
// conditional deny plus the always-true allow into two conflicting ones.
// The export blocks socketcall first, so every rule adds and the family
// filter cannot be bypassed through the multiplexer.
TEST(ExportProfile, I386SocketcallIsBlockedBeforeFilteredSocketRules) {
  if (seccomp::host_arch_tokens()[0] != AUDIT_ARCH_X86_64) GTEST_SKIP() << "x86 only";
  std::vector<std::string> notes;
  json p = exporter::seccomp_profile(
      policy_of("exit_group\nsocket\ndeny socket a0 == AF_NETLINK\nconnect\n"
                "socketpair a0 == AF_UNIX\n"),
      notes);
  ASSERT_FALSE(p["syscalls"].empty());
  EXPECT_EQ(p["syscalls"][0],
            json::parse(R"({"names":["socketcall"],"action":"SCMP_ACT_ERRNO","errnoRet":13})"));
  scmp_filter_ctx ctx = build_like_runc(p);  // fails the test if a rule does not add
  seccomp_release(ctx);
  bool said = false;
  for (const auto& n : notes) said |= n.find("i386 socketcall") != std::string::npos;
  EXPECT_TRUE(said);
  EXPECT_EQ(errno_under(p, SYS_socket, AF_NETLINK, SOCK_DGRAM), EACCES);
}

TEST(ExportProfile, FormatNames) {
  exporter::Format f;
  EXPECT_TRUE(exporter::parse_format("oci-seccomp", f));
  EXPECT_EQ(f, exporter::Format::OciSeccomp);
  EXPECT_TRUE(exporter::parse_format("kubernetes", f));
  EXPECT_EQ(f, exporter::Format::Kubernetes);
  EXPECT_FALSE(exporter::parse_format("docker", f));
}

}  // namespace
}  // namespace confine::testing
