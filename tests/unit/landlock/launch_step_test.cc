// The Landlock layer through the real binaries on this kernel (which has
// Landlock and, on the development machines, no AppArmor): examples/hello
// installed into a throw-away root and started with confine-run.
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <iterator>

#include "apparmor/launch_step.h"
#include "landlock/detect.h"
#include "landlock/rules.h"
#include "test_support.h"

namespace confine::landlock {
namespace {

using confine::testing::build_path;
using confine::testing::run;
using confine::testing::source_path;
using confine::testing::TempDir;
using confine::testing::write_file;

class LandlockLaunch : public ::testing::Test {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(testing::is_root(), "installs and launches as root");
    CONFINE_REQUIRE(landlock_abi().ok() && *landlock_abi() > 0, "needs a kernel with Landlock");
    auto aa = apparmor::kernel_support();
    aa_enabled = aa && *aa == apparmor::KernelSupport::Enabled;
    ::chmod(dir.path().c_str(), 0755);
  }
  void configure(const std::string& extra) {
    config = dir / "config.json";
    write_file(config, "{\"apps_dir\": \"" + dir / "apps" + "\", \"data_dir\": \"" + dir / "data" +
                           "\", \"policy_dir\": \"" + dir / "policy" + "\", \"units_dir\": \"" +
                           dir / "units" + "\", \"templates_dir\": \"" +
                           source_path("policy-templates") + "\", \"flags_dir\": \"" +
                           dir / "flags" + "\", \"accounts_root\": \"" +
                           testing::make_accounts_root(dir / "accounts") + "\"" + extra + "}");
    auto r = run({build_path("launcher/confine"), "--config", config, "install", "--origin",
                  "example", source_path("examples/hello")});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  testing::RunResult hello() {
    return run({build_path("launcher/confine-run"), "--config", config, "--verbose",
                "hello.example_hello"});
  }
  ~LandlockLaunch() override {
    if (!config.empty())
      run({build_path("launcher/confine"), "--config", config, "remove", "hello.example"});
  }
  TempDir dir;
  std::string config;
  bool aa_enabled = false;
};

TEST_F(LandlockLaunch, WithoutAppArmorTheFilesystemIsConfined) {
  configure("");
  if (aa_enabled) GTEST_SKIP() << "AppArmor confines the filesystem here (VM tests cover it)";
  auto r = hello();
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("confine-run: applied: landlock (ABI "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("skipped: apparmor: not enabled in the kernel; Landlock confines the "
                       "filesystem instead"),
            std::string::npos)
      << r.err;
  // What hello tries (examples/hello/bin/hello): denied by Landlock now.
  for (const char* line :
       {"  read /etc/shadow: denied", "  write /etc/confine-hello-probe: denied",
        "  write the install dir: denied", "  write TMPDIR: allowed", "  write HOME: allowed"})
    EXPECT_NE(r.out.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << r.out;
  struct stat st {};
  EXPECT_NE(::stat("/etc/confine-hello-probe", &st), 0);
}

// Under an outer seccomp filter that refuses landlock_create_ruleset (a
// container runtime, a unit's SystemCallFilter=), the kernel still has
// Landlock: the launch must fail, not run the app as if it had none.
testing::RunResult hello_under_filter(const std::string& config, int err) {
  TempDir out;
  const std::string out_file = out / "out", err_file = out / "err";
  const std::string bin = build_path("launcher/confine-run");
  pid_t pid = fork();
  if (pid == 0) {
    int o = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int e = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0) _exit(120);
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_landlock_create_ruleset, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (static_cast<unsigned>(err) & 0xffff)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {static_cast<unsigned short>(std::size(f)), f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
      _exit(121);
    execl(bin.c_str(), bin.c_str(), "--config", config.c_str(), "--verbose", "hello.example_hello",
          nullptr);
    _exit(122);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
          testing::read_file(out_file), testing::read_file(err_file)};
}

TEST_F(LandlockLaunch, AnOuterFilterRefusingLandlockFailsTheLaunch) {
  configure("");
  if (aa_enabled) GTEST_SKIP() << "AppArmor confines the filesystem here (VM tests cover it)";
  for (int err : {ENOSYS, EPERM, EOPNOTSUPP}) {
    SCOPED_TRACE(strerrorname_np(err));
    auto r = hello_under_filter(config, err);
    EXPECT_EQ(r.status, 125) << r.err;
    EXPECT_NE(r.err.find("confine-run: error: landlock: landlock_create_ruleset was refused"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.out.find("hello: running"), std::string::npos) << "the app must not start";
  }
}

TEST_F(LandlockLaunch, RequiredAppliesAndAMissingRuleFileFailsClosed) {
  configure(", \"landlock\": \"required\"");
  auto r = hello();
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("confine-run: applied: landlock (ABI "), std::string::npos) << r.err;
  ASSERT_EQ(::unlink((dir / "policy/landlock/hello.example_hello_1.0").c_str()), 0);
  r = hello();
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("landlock: "), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("hello: running"), std::string::npos) << "the app must not start";
}

TEST_F(LandlockLaunch, TamperedRuleFileIsRefused) {
  configure(", \"landlock\": \"required\"");
  const std::string file = dir / "policy/landlock/hello.example_hello_1.0";
  write_file(file, "confine-landlock 1\nrwx /\n", 0666);  // writable by others: untrusted
  auto r = hello();
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_EQ(r.out.find("hello: running"), std::string::npos);
  ::chmod(file.c_str(), 0644);
  write_file(file, "confine-landlock 1\nrwq /\n");
  r = hello();
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("bad rights \"rwq\""), std::string::npos) << r.err;
}

// A symlink below an app or user dir (here the data dir, which a service
// app can write) must not extend the rules to its target: the rule naming
// it is skipped, and /etc stays out of reach.
TEST_F(LandlockLaunch, ALinkBelowAnAppDirGrantsNothing) {
  configure(", \"landlock\": \"required\"");
  const std::string file = dir / "policy/landlock/hello.example_hello_1.0";
  auto before = hello();
  ASSERT_EQ(before.status, 0) << before.err;
  const std::string data = dir / "data/hello.example/1.0";
  ASSERT_EQ(::symlink("/etc", (data + "/link").c_str()), 0);
  write_file(file, testing::read_file(file) + "rw @{CONFINE_APP_DATA_PATH}/link/\n");
  auto r = hello();
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("  write /etc/confine-hello-probe: denied\n"), std::string::npos) << r.out;
  auto count = [](const std::string& err) {
    size_t at = err.find("applied: landlock (ABI ");
    return at == std::string::npos ? std::string("?") : err.substr(at, err.find(')', at) - at);
  };
  EXPECT_EQ(count(r.err), count(before.err)) << "the link's rule was skipped";
}

// An app of our own that reports what it could do: reads its install dir,
// writes its data dir; the rest of the filesystem stays out of reach.
TEST_F(LandlockLaunch, AppReadsItsInstallDirWritesItsDataDirAndNothingElse) {
  configure(", \"landlock\": \"required\"");
  write_file(dir / "pkg/meta/package.json",
             "{\"name\": \"llprobe\", \"version\": \"1\", \"binaries\": [{\"name\": "
             "\"p\", \"exec\": \"bin/p\"}]}\n");
  write_file(
      dir / "pkg/bin/p",
      "#!/bin/sh\n"
      "t() { if eval \"$2\" 2>/dev/null; then echo \"$1: ok\"; else echo \"$1: denied\"; fi; }\n"
      "t 'read install' 'cat \"$CONFINE_APP_PATH/meta/package.json\" >/dev/null'\n"
      "t 'write data' 'echo x >\"$CONFINE_APP_DATA_PATH/f\"'\n"
      "t 'read data' 'cat \"$CONFINE_APP_DATA_PATH/f\" >/dev/null'\n"
      "t 'write install' 'echo x >\"$CONFINE_APP_PATH/f\"'\n"
      "t 'read shadow' 'cat /etc/shadow >/dev/null'\n"
      "t 'write etc' 'echo x >/etc/confine-llprobe'\n"
      "t 'list root' 'ls / >/dev/null'\n",
      0755);
  auto in = run({build_path("launcher/confine"), "--config", config, "install", "--origin",
                 "example", dir / "pkg"});
  ASSERT_EQ(in.status, 0) << in.err;
  const std::string rules = dir / "policy/landlock/llprobe.example_p_1";
  struct stat st {};
  ASSERT_EQ(::stat(rules.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_mode & 022, 0u) << "root's, not writable by others";
  auto r = run(
      {build_path("launcher/confine-run"), "--config", config, "--verbose", "llprobe.example_p"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("applied: landlock (ABI "), std::string::npos) << r.err;
  EXPECT_EQ(r.out,
            "read install: ok\nwrite data: ok\nread data: ok\nwrite install: denied\n"
            "read shadow: denied\nwrite etc: denied\nlist root: ok\n");
  EXPECT_NE(::stat("/etc/confine-llprobe", &st), 0);
  // confine remove takes the rules with it, like the other layers' files.
  auto rm = run({build_path("launcher/confine"), "--config", config, "remove", "llprobe.example"});
  ASSERT_EQ(rm.status, 0) << rm.err;
  EXPECT_NE(::stat(rules.c_str(), &st), 0);
}

}  // namespace
}  // namespace confine::landlock
