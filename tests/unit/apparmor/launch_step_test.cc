// The AppArmor launch step on the machine the tests run on. Without
// AppArmor in the kernel (this project's build hosts) the config decides:
// if-available -> a one-line notice and nothing applied; required -> an
// error (exit 125). With AppArmor, the real behaviour is tested in the VM
// (tests/vm), where profiles can be loaded.
#include "apparmor/launch_step.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "apparmor_test_util.h"
#include "core/layout.h"
#include "launch/steps.h"

namespace confine::apparmor {
namespace {

bool kernel_lacks_apparmor() {
  auto s = kernel_support();
  return s.ok() && *s == KernelSupport::NotEnabled;
}

struct LaunchFixture {
  Config config;
  Layout layout{config};
  LaunchRecord record;
  LaunchFixture() {
    record.id = testing_util::app_id();
    record.exec = "bin/cli";
    record.layers = {"apparmor"};
  }
  launch::LaunchContext context() {
    return launch::LaunchContext{config, layout, record, getuid(), getgid(), false, {}, {}};
  }
};

TEST(AppArmorKernelSupport, AnswersWithoutUnexpectedErrno) {
  auto s = kernel_support();
  // On a normal system aa_is_enabled() gives a clear answer; an error here
  // would mean the launcher refuses every app.
  ASSERT_TRUE(s.ok()) << s.error().describe();
  // What the kernel itself says must agree.
  bool module_enabled = false;
  std::string enabled = confine::testing::read_file("/sys/module/apparmor/parameters/enabled");
  module_enabled = !enabled.empty() && enabled[0] == 'Y';
  EXPECT_EQ(*s == KernelSupport::Enabled, module_enabled);
}

TEST(AppArmorLaunchStep, IfAvailableSkipsWithOneLineNotice) {
  CONFINE_REQUIRE(kernel_lacks_apparmor(), "AppArmor is enabled here; covered by tests/vm");
  LaunchFixture f;
  f.config.apparmor = LayerMode::IfAvailable;
  auto ctx = f.context();
  auto step = launch::make_apparmor_step();
  EXPECT_STREQ(step->name(), "apparmor");
  auto s = step->prepare(ctx);
  ASSERT_TRUE(s.ok()) << s.error().describe();
  EXPECT_EQ(ctx.skipped,
            std::vector<std::string>{
                "apparmor: not enabled in the kernel; filesystem confinement not applied"});
  EXPECT_TRUE(ctx.applied.empty());
  EXPECT_TRUE(step->apply(ctx).ok());
}

TEST(AppArmorLaunchStep, RequiredFailsWhenTheKernelLacksAppArmor) {
  CONFINE_REQUIRE(kernel_lacks_apparmor(), "AppArmor is enabled here; covered by tests/vm");
  LaunchFixture f;
  f.config.apparmor = LayerMode::Required;
  f.config.path = "/etc/confine/config.json";
  auto ctx = f.context();
  auto step = launch::make_apparmor_step();
  auto s = step->prepare(ctx);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "AppArmor is required by the configuration (/etc/confine/config.json) but not "
            "enabled in the kernel");
  EXPECT_TRUE(ctx.skipped.empty());
}

TEST(AppArmorLaunchStep, RecordWithoutTheLayerStillSkipsWithoutAppArmor) {
  CONFINE_REQUIRE(kernel_lacks_apparmor(), "AppArmor is enabled here; covered by tests/vm");
  LaunchFixture f;
  f.record.layers = {"seccomp"};
  auto ctx = f.context();
  auto step = launch::make_apparmor_step();
  EXPECT_TRUE(step->prepare(ctx).ok());
  EXPECT_EQ(ctx.skipped.size(), 1u);
}

}  // namespace
}  // namespace confine::apparmor
