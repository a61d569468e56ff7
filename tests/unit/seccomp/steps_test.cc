// The seccomp steps: the InstallStep writes filters atomically and records
// the layer; the LaunchStep enforces the record and the config.
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "core/layout.h"
#include "kernel_child.h"
#include "policy_builders.h"
#include "seccomp/install_step.h"
#include "seccomp/launch_step.h"
#include "test_support.h"

namespace confine::testing {
namespace {

namespace fs = std::filesystem;

policy::Policy tiny_policy() {
  policy::Policy p;
  allow_all(p, {"read", "write", "getppid", "exit_group", "exit"});
  return p;
}

struct InstallFixture {
  TempDir dir;
  Config config;
  std::unique_ptr<Layout> layout;
  install::PackageMeta meta;
  install::AppEntry entry;

  InstallFixture() {
    config.policy_dir = dir / "policy";
    layout = std::make_unique<Layout>(config);
    entry.name = "cli";
  }
  install::AppPlan plan(const std::string& id, policy::Policy p) {
    install::AppPlan a{*AppId::parse(id), &entry, std::move(p), "", "", {}, {}};
    return a;
  }
};

TEST(SeccompInstallStep, StagesThenCommitsAndRecordsTheLayer) {
  InstallFixture f;
  install::InstallContext ctx{f.config, *f.layout, f.meta, "", {}, {}};
  ctx.apps.push_back(f.plan("hello.me_cli_1.0", tiny_policy()));
  ctx.apps.push_back(f.plan("hello.me_srv_1.0", tiny_policy()));
  auto step = seccomp::make_seccomp_install_step();
  EXPECT_STREQ(step->name(), "seccomp");
  step->prepare(ctx);
  const std::string final_path = f.layout->seccomp_filter(ctx.apps[0].id);
  EXPECT_EQ(final_path, f.config.policy_dir + "/seccomp/hello.me_cli_1.0.bpf");
  EXPECT_FALSE(fs::exists(final_path)) << "prepare() must not touch the live file";
  EXPECT_TRUE(fs::exists(final_path + ".staged"));
  for (const auto& a : ctx.apps) EXPECT_EQ(a.layers, std::vector<std::string>{"seccomp"});
  step->commit(ctx);
  EXPECT_FALSE(fs::exists(final_path + ".staged"));
  auto bytes = read_trusted(final_path, seccomp::kMaxFileSize, {geteuid()});
  ASSERT_TRUE(bytes.ok()) << bytes.error().describe();
  auto r = seccomp::decode_filter(*bytes, final_path);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->rule_count, 5u);
  EXPECT_EQ(fs::status(final_path).permissions(), fs::perms(0644));

  step->remove(f.config, *f.layout, {ctx.apps[0].id});
  EXPECT_FALSE(fs::exists(final_path));
  EXPECT_TRUE(fs::exists(f.layout->seccomp_filter(ctx.apps[1].id)));
}

TEST(SeccompInstallStep, AbortRemovesStagedFilesAndKeepsTheOldOne) {
  InstallFixture f;
  install::InstallContext ctx{f.config, *f.layout, f.meta, "", {}, {}};
  ctx.apps.push_back(f.plan("hello.me_cli_1.0", tiny_policy()));
  const std::string final_path = f.layout->seccomp_filter(ctx.apps[0].id);
  fs::create_directories(fs::path(final_path).parent_path());
  write_file(final_path, "old");
  auto step = seccomp::make_seccomp_install_step();
  step->prepare(ctx);
  step->abort(ctx);
  EXPECT_FALSE(fs::exists(final_path + ".staged"));
  EXPECT_EQ(read_file(final_path), "old");
}

TEST(SeccompInstallStep, BadPolicyFailsPrepareNamingTheApp) {
  InstallFixture f;
  install::InstallContext ctx{f.config, *f.layout, f.meta, "", {}, {}};
  policy::Policy p = tiny_policy();
  p.allow.syscalls.push_back(sys("frobnicate"));
  ctx.apps.push_back(f.plan("hello.me_cli_1.0", p));
  auto step = seccomp::make_seccomp_install_step();
  try {
    step->prepare(ctx);
    FAIL() << "unknown syscall accepted";
  } catch (const ConfineError& e) {
    EXPECT_NE(std::string(e.what()).find("hello.me_cli_1.0: seccomp: test: syscall 'frobnicate'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(ctx.apps[0].layers.empty());
}

// A launch context over a policy_dir in a TempDir.
struct LaunchFixture {
  TempDir dir;
  Config config;
  std::unique_ptr<Layout> layout;
  LaunchRecord record;

  LaunchFixture() {
    config.policy_dir = dir / "policy";
    layout = std::make_unique<Layout>(config);
    record.id = *AppId::parse("hello.me_cli_1.0");
    record.exec = "bin/cli";
  }
  launch::LaunchContext ctx() { return {config, *layout, record, 0, 0, false, {}, {}}; }
  void install_filter() {
    InstallFixture f;
    install::InstallContext ictx{config, *layout, f.meta, "", {}, {}};
    ictx.apps.push_back(f.plan(record.id.str(), tiny_policy()));
    auto step = seccomp::make_seccomp_install_step();
    step->prepare(ictx);
    step->commit(ictx);
    record.layers = ictx.apps[0].layers;
  }
};

#define REQUIRE_SECCOMP()                                  \
  CONFINE_REQUIRE(seccomp::kernel_supports_filters().ok(), \
                  "the kernel lacks seccomp filters with SECCOMP_RET_ERRNO")

TEST(SeccompLaunchStep, RequiredAndNoFilterInstalledFails) {
  REQUIRE_SECCOMP();
  LaunchFixture f;
  auto ctx = f.ctx();
  auto step = seccomp::make_seccomp_step();
  auto s = step->prepare(ctx);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().err, ENOENT);
  EXPECT_NE(s.error().message.find("requires seccomp"), std::string::npos);
}

TEST(SeccompLaunchStep, IfAvailableAndNoFilterInstalledIsReportedSkipped) {
  REQUIRE_SECCOMP();
  LaunchFixture f;
  f.config.seccomp = LayerMode::IfAvailable;
  auto ctx = f.ctx();
  auto step = seccomp::make_seccomp_step();
  ASSERT_TRUE(step->prepare(ctx).ok());
  ASSERT_EQ(ctx.skipped.size(), 1u);
  EXPECT_NE(ctx.skipped[0].find("seccomp"), std::string::npos);
  EXPECT_TRUE(step->apply(ctx).ok());
}

TEST(SeccompLaunchStep, ListedLayerWithMissingFileFailsEvenIfAvailable) {
  REQUIRE_SECCOMP();
  LaunchFixture f;
  f.config.seccomp = LayerMode::IfAvailable;
  f.record.layers = {"seccomp"};
  auto ctx = f.ctx();
  auto s = seccomp::make_seccomp_step()->prepare(ctx);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().err, ENOENT);
}

TEST(SeccompLaunchStep, ListedLayerWithCorruptFileFails) {
  REQUIRE_SECCOMP();
  CONFINE_REQUIRE(is_root(), "the filter must be root-owned");
  LaunchFixture f;
  f.install_filter();
  std::string path = f.layout->seccomp_filter(f.record.id);
  std::string bytes = read_file(path);
  bytes[10] ^= 0x7f;  // format version
  write_file(path, bytes);
  auto ctx = f.ctx();
  auto s = seccomp::make_seccomp_step()->prepare(ctx);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("format version"), std::string::npos) << s.error().message;
}

TEST(SeccompLaunchStep, LoadsTheInstalledFilter) {
  REQUIRE_SECCOMP();
  CONFINE_REQUIRE(is_root(), "the filter must be root-owned");
  LaunchFixture f;
  f.install_filter();
  ASSERT_EQ(f.record.layers, std::vector<std::string>{"seccomp"});
  auto ctx = f.ctx();
  auto step = seccomp::make_seccomp_step();
  auto s = step->prepare(ctx);
  ASSERT_TRUE(s.ok()) << s.error().describe();
  ASSERT_EQ(ctx.applied.size(), 1u);
  // The test runs as root: the root program is stacked and said so.
  EXPECT_EQ(ctx.applied[0], "seccomp (5 rules, root: no chmod, chown, utime, xattr writes)");
  // apply() in a child: getppid passes, getpid (not in the policy) is EPERM.
  auto o = run_under_filter({{BPF_STMT(BPF_RET | BPF_K, 0x7fff0000)}, {}, 0, {}}, [&] {
    if (!step->apply(ctx).ok()) return -100L;
    if (::syscall(SYS_getppid) <= 0) return -101L;
    return ::syscall(SYS_getpid) == -1 ? long{errno} : -102L;
  });
  EXPECT_EQ(o.ret, EPERM);
}

}  // namespace
}  // namespace confine::testing
