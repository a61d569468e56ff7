// The layer table (core/layers.h), in the style of systemd's
// test_filter_sets_ordered: every layer has one row, the rows are in launch
// order, and everything that names a layer (the configuration, launch
// records, artifact paths) knows exactly the table's names.
#include "core/layers.h"

#include <gtest/gtest.h>

#include <set>

#include "core/launch_record.h"
#include "core/layout.h"

namespace confine {
namespace {

TEST(LayerTable, OneRowPerLayerInLaunchOrderWithDistinctNamesAndArtifacts) {
  std::set<std::string_view> names, dirs;
  int last_order = 0;
  for (const LayerInfo& row : layer_table()) {
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    EXPECT_TRUE(dirs.insert(row.artifact_dir).second) << row.artifact_dir;
    EXPECT_GT(row.launch_order, last_order) << row.name << " is out of launch order";
    EXPECT_NE(row.launch_order, kPrivilegesLaunchOrder) << row.name;
    last_order = row.launch_order;
    // Built-in rows: their mode is a Config member, their parts are bound
    // by each path (launch/steps.cc, install/steps.cc, diagnose/check.cc).
    EXPECT_NE(row.mode, nullptr) << row.name;
    EXPECT_EQ(Config{}.*row.mode, row.default_mode) << row.name;
    EXPECT_FALSE(row.launch_step || row.install_step || row.check) << row.name;
    EXPECT_EQ(&layer_info(row.layer), &row);
    EXPECT_EQ(find_layer(row.name), row.layer);
    for (char c : row.name) EXPECT_TRUE(c >= 'a' && c <= 'z') << row.name;
  }
  for (Layer l : {Layer::Devices, Layer::Landlock, Layer::AppArmor, Layer::Seccomp})
    EXPECT_EQ(layer_info(l).layer, l);
  EXPECT_EQ(layer_table().size(), 4u);
  EXPECT_FALSE(find_layer("privileges"));
  EXPECT_FALSE(find_layer("Seccomp"));
}

TEST(LayerTable, TheConfigurationHasAModeKeyForEachRowAndNoOther) {
  for (const LayerInfo& row : layer_table()) {
    SCOPED_TRACE(std::string(row.name));
    for (LayerMode m : {LayerMode::Required, LayerMode::IfAvailable}) {
      auto c = parse_config("{\"" + std::string(row.name) + "\": \"" + std::string(to_string(m)) +
                                "\"}",
                            "config.json");
      ASSERT_TRUE(c) << c.error().describe();
      EXPECT_EQ((*c).*row.mode, m);
      EXPECT_EQ(layer_mode(*c, row.layer), m);
    }
  }
  EXPECT_FALSE(parse_config(R"({"privileges": "required"})", "config.json"));
}

TEST(LayerTable, LaunchRecordsNameExactlyTheRows) {
  const std::string head = "format=1\napp_id=hello.me_cli_1.0\ntype=app\nexec=bin/cli\n";
  for (const LayerInfo& row : layer_table()) {
    auto r = LaunchRecord::parse(head + "layers=" + std::string(row.name) + "\n", "rec");
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_TRUE(r->has_layer(row.layer));
    for (const LayerInfo& other : layer_table()) {
      if (other.layer != row.layer) {
        EXPECT_FALSE(r->has_layer(other.layer));
      }
    }
  }
  auto bad = LaunchRecord::parse(head + "layers=seccomp,bogus\n", "rec");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("unknown layer \"bogus\""), std::string::npos);
}

TEST(LayerTable, ArtifactsLieWhereTheRowSays) {
  Config c;
  c.policy_dir = "/p";
  const Layout layout(c);
  const AppId id = *AppId::parse("hello.me_cli_1.0");
  EXPECT_EQ(layout.seccomp_filter(id), "/p/seccomp/hello.me_cli_1.0.bpf");
  EXPECT_EQ(layout.apparmor_profile(id), "/p/apparmor/hello.me_cli_1.0");
  EXPECT_EQ(layout.landlock_rules(id), "/p/landlock/hello.me_cli_1.0");
  EXPECT_EQ(layer_artifact(c, Layer::Devices, id), "/p/grants/hello.me_cli_1.0");
}

}  // namespace
}  // namespace confine
