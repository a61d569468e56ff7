// The devices InstallStep writes the grants file the launch steps read.
#include "devices/install_step.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "core/layout.h"
#include "devices/grants.h"
#include "test_support.h"

namespace confine::testing {
namespace {

namespace fs = std::filesystem;

struct Fixture {
  TempDir dir;
  Config config;
  std::unique_ptr<Layout> layout;
  install::PackageMeta meta;
  install::AppEntry entry;
  Fixture() {
    config.policy_dir = dir / "policy";
    layout = std::make_unique<Layout>(config);
    entry.name = "cli";
  }
  install::AppPlan plan(const std::string& id, policy::Policy p) {
    return install::AppPlan{*AppId::parse(id), &entry, std::move(p), "", "", {}, {}};
  }
};

policy::Policy granting(std::set<std::string> caps, std::vector<policy::DeviceRule> devs) {
  policy::Policy p;
  p.allow.capabilities = std::move(caps);
  p.allow.devices = std::move(devs);
  return p;
}

TEST(DevicesInstallStep, StagesThenCommitsGrantsAndRecordsTheLayer) {
  Fixture f;
  install::InstallContext ctx{f.config, *f.layout, f.meta, "", {}, {}};
  ctx.apps.push_back(
      f.plan("hello.me_cli_1.0", granting({"net_raw"}, {{'c', 116, -1, "rw", "group audio"}})));
  ctx.apps.push_back(f.plan("hello.me_srv_1.0", granting({}, {})));
  auto step = devices::make_devices_install_step();
  EXPECT_STREQ(step->name(), "devices");
  step->prepare(ctx);
  const std::string live = devices::grants_path(f.config, ctx.apps[0].id);
  EXPECT_EQ(live, f.config.policy_dir + "/grants/hello.me_cli_1.0");
  EXPECT_FALSE(fs::exists(live)) << "prepare() must not touch the live file";
  for (const auto& a : ctx.apps) EXPECT_EQ(a.layers, std::vector<std::string>{"devices"});
  step->commit(ctx);
  EXPECT_FALSE(fs::exists(live + ".staged"));
  struct stat st;
  ASSERT_EQ(::stat(live.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);

  // What the launcher reads back (through read_trusted).
  auto g = devices::read_grants(f.config, ctx.apps[0].id);
  ASSERT_TRUE(g) << g.error().describe();
  EXPECT_EQ(g->capabilities, cap_bit(13));
  ASSERT_EQ(g->devices.size(), 1u);
  EXPECT_EQ(devices::format_rule(g->devices[0]), "c 116:* rw");
  auto none = devices::read_grants(f.config, ctx.apps[1].id);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->capabilities, 0u);
  EXPECT_TRUE(none->devices.empty());

  step->remove(f.config, *f.layout, {ctx.apps[0].id});
  EXPECT_FALSE(fs::exists(live));
  EXPECT_TRUE(fs::exists(devices::grants_path(f.config, ctx.apps[1].id)));
}

TEST(DevicesInstallStep, BadPolicyFailsPrepareNamingTheAppAndNothingIsWritten) {
  Fixture f;
  auto step = devices::make_devices_install_step();
  {
    install::InstallContext ctx{f.config, *f.layout, f.meta, "", {}, {}};
    ctx.apps.push_back(f.plan("hello.me_cli_1.0", granting({"net_rawr"}, {})));
    try {
      step->prepare(ctx);
      FAIL() << "accepted an unknown capability";
    } catch (const ConfineError& e) {
      EXPECT_EQ(std::string(e.what()),
                "hello.me_cli_1.0: capabilities: unknown capability \"net_rawr\"");
    }
    step->abort(ctx);
  }
  install::InstallContext ctx{f.config, *f.layout, f.meta, "", {}, {}};
  ctx.apps.push_back(f.plan("hello.me_cli_1.0", granting({}, {{'c', 1, 3, "rx", "flag odd"}})));
  try {
    step->prepare(ctx);
    FAIL() << "accepted access rx";
  } catch (const ConfineError& e) {
    EXPECT_NE(std::string(e.what()).find("hello.me_cli_1.0: devices: "), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("flag odd"), std::string::npos) << e.what();
  }
  step->abort(ctx);
  EXPECT_FALSE(fs::exists(f.config.policy_dir + "/grants/hello.me_cli_1.0"));
  EXPECT_FALSE(fs::exists(f.config.policy_dir + "/grants/hello.me_cli_1.0.staged"));
}

}  // namespace
}  // namespace confine::testing
