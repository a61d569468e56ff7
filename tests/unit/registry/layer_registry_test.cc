// A layer added through the layer table alone (core/layers.h,
// register_layer) is configured, installed, named in launch records,
// launched in its place, checked by `confine check` and shown by
// `confine policy` like a built-in one: nothing else is edited.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "core/launch_record.h"
#include "core/layers.h"
#include "core/layout.h"
#include "core/safe_io.h"
#include "diagnose/check.h"
#include "install/pipeline.h"
#include "install/step.h"
#include "launch/step.h"
#include "launch/steps.h"
#include "install_fixture.h"
#include "test_support.h"

namespace confine {
namespace {

Layer fake();

// Install half: one artifact per app, "fake rules of <APP_ID>".
struct FakeInstallStep : install::InstallStep {
  const char* name() const override { return "fake"; }
  std::optional<Layer> layer() const override { return fake(); }
  void prepare(install::InstallContext& ctx) override {
    for (auto& app : ctx.apps) app.layers.emplace_back(layer_name(fake()));
  }
  void commit(install::InstallContext& ctx) override {
    for (const auto& app : ctx.apps) {
      const std::string path = layer_artifact(ctx.config, fake(), app.id);
      ASSERT_TRUE(make_dirs(path.substr(0, path.rfind('/')), 0755).ok());
      ASSERT_TRUE(atomic_write(path, "fake rules of " + app.id.str() + "\n").ok());
    }
  }
  void abort(install::InstallContext&) noexcept override {}
  void remove(const Config& config, const Layout&, const std::vector<AppId>& ids) override {
    for (const auto& id : ids) ::unlink(layer_artifact(config, fake(), id).c_str());
  }
};

// Launch half: requires its layer in the record, reports itself applied.
struct FakeLaunchStep : launch::LaunchStep {
  const char* name() const override { return "fake"; }
  std::optional<Layer> layer() const override { return fake(); }
  Status prepare(launch::LaunchContext& ctx) override {
    if (!ctx.record.has_layer(fake())) return Error{0, "fake: the record has no fake layer"};
    ctx.applied.emplace_back("fake");
    return {};
  }
  Status apply(launch::LaunchContext&) override { return {}; }
};

bool g_fake_available = true;

Layer fake() {
  static const Layer layer = [] {
    LayerInfo row{};
    row.name = "fake";
    row.default_mode = LayerMode::IfAvailable;
    row.artifact_dir = "fake";
    row.launch_order = 35;  // after Landlock (30), before AppArmor (40)
    row.launch_step = [] { return std::make_unique<FakeLaunchStep>(); };
    row.install_step = [] { return std::make_unique<FakeInstallStep>(); };
    row.check = [](const diagnose::SystemFacts&, const Config& c, diagnose::CheckReport& r) {
      r.lines.push_back(std::string("fake      ") +
                        (g_fake_available ? "available" : "not in this kernel"));
      if (!g_fake_available && layer_mode(c, fake()) == LayerMode::Required)
        r.missing_required.push_back("fake (not in this kernel)");
    };
    auto l = register_layer(std::move(row));
    if (!l) throw std::runtime_error(l.error().describe());
    return *l;
  }();
  return layer;
}

// The install tests' throw-away config (install_fixture.h), with a package
// of one binary.
class LayerRegistry : public install::testing_support::InstallTest {
 protected:
  LayerRegistry() {
    fake();
    write_meta(pkg_, R"({"name":"hello","version":"1.0",
                         "binaries":[{"name":"hello","exec":"bin/hello"}]})");
    testing::write_file(pkg_ + "/bin/hello", "#!/bin/sh\necho hello\n", 0755);
  }
  Result<LaunchRecord> record() const {
    const std::string path = Layout(config_).launch_record(id_);
    return LaunchRecord::parse(testing::read_file(path), path);
  }

  const std::string pkg_ = pkgs_ / "hello";
  const AppId id_ = *AppId::parse("hello.me_hello_1.0");
};

TEST_F(LayerRegistry, ItIsARowInLaunchOrderWithAConfigurationKey) {
  std::vector<std::string> order;
  for (const LayerInfo& row : layer_table()) order.push_back(row.name);
  EXPECT_EQ(order, (std::vector<std::string>{"devices", "landlock", "fake", "apparmor", "seccomp"}));
  EXPECT_EQ(find_layer("fake"), fake());

  EXPECT_EQ(layer_mode(Config{}, fake()), LayerMode::IfAvailable);
  auto c = parse_config(R"({"fake": "required"})", "config.json");
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(layer_mode(*c, fake()), LayerMode::Required);
  auto bad = parse_config(R"({"fake": "sometimes"})", "config.json");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().describe().find("config.json: fake: must be"), std::string::npos)
      << bad.error().describe();
}

TEST_F(LayerRegistry, InstallWritesItsArtifactAndNamesItInTheRecordRemoveDeletesIt) {
  install::install_package(config_, pkg_, "me");
  const std::string artifact = config_.policy_dir + "/fake/hello.me_hello_1.0";
  EXPECT_EQ(testing::read_file(artifact), "fake rules of hello.me_hello_1.0\n");
  auto r = record();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->has_layer(fake()));
  // The record lists the layers in the table's order.
  EXPECT_EQ(r->layers,
            (std::vector<std::string>{"devices", "landlock", "fake", "apparmor", "seccomp"}));

  install::remove_package(config_, PackageKey{"hello", "me"}, "");
  struct stat st {};
  EXPECT_NE(::lstat(artifact.c_str(), &st), 0) << "remove left the fake artifact";
}

TEST_F(LayerRegistry, LaunchRunsItInItsPlaceAndRequiresItInTheRecord) {
  std::vector<std::string> steps;
  for (const auto& s : launch::launch_steps()) steps.emplace_back(s->name());
  EXPECT_EQ(steps, (std::vector<std::string>{"device cgroup", "privileges", "landlock", "fake",
                                             "apparmor", "seccomp"}));

  install::install_package(config_, pkg_, "me");
  auto r = record();
  ASSERT_TRUE(r) << r.error().describe();
  const Layout layout(config_);
  auto all = launch::launch_steps();
  auto& step = all[3];
  launch::LaunchContext ctx{config_, layout, *r, getuid(), getgid(), false, {}, {}};
  ASSERT_TRUE(step->prepare(ctx).ok());
  EXPECT_EQ(ctx.applied, std::vector<std::string>{"fake"});

  // A record written without the layer (an older install) fails it.
  LaunchRecord without = *r;
  std::erase(without.layers, "fake");
  auto reparsed = LaunchRecord::parse(without.serialize(), "rec");
  ASSERT_TRUE(reparsed);
  launch::LaunchContext ctx2{config_, layout, *reparsed, getuid(), getgid(), false, {}, {}};
  EXPECT_FALSE(step->prepare(ctx2).ok());
}

TEST_F(LayerRegistry, CheckProbesItAndPolicyShowsIt) {
  diagnose::SystemFacts facts;
  auto has_line = [](const diagnose::CheckReport& r, const std::string& l) {
    return std::find(r.lines.begin(), r.lines.end(), l) != r.lines.end();
  };
  g_fake_available = true;
  EXPECT_TRUE(has_line(diagnose::evaluate(facts, config_), "fake      available"));
  g_fake_available = false;
  auto r = diagnose::evaluate(facts, config_);
  EXPECT_TRUE(has_line(r, "fake      not in this kernel"));
  EXPECT_EQ(std::count(r.missing_required.begin(), r.missing_required.end(),
                       "fake (not in this kernel)"),
            0);
  set_layer_mode(config_, fake(), LayerMode::Required);
  r = diagnose::evaluate(facts, config_);
  EXPECT_EQ(std::count(r.missing_required.begin(), r.missing_required.end(),
                       "fake (not in this kernel)"),
            1);
  g_fake_available = true;

  install::install_package(config_, pkg_, "me");
  auto rec = record();
  ASSERT_TRUE(rec);
  auto layers = diagnose::app_layers(config_, id_, &*rec);
  ASSERT_EQ(layers.size(), 5u);
  EXPECT_EQ(layers[2].name, "fake");
  EXPECT_TRUE(layers[2].in_record);
  EXPECT_EQ(layers[2].mode, LayerMode::Required);
  EXPECT_EQ(layers[2].artifact, config_.policy_dir + "/fake/hello.me_hello_1.0");
  EXPECT_FALSE(diagnose::app_layers(config_, id_, nullptr)[2].in_record);
}

TEST_F(LayerRegistry, ARowThatWouldClashIsRefused) {
  auto row = [](std::string name, std::string dir, int order) {
    LayerInfo r{};
    r.name = std::move(name);
    r.artifact_dir = std::move(dir);
    r.launch_order = order;
    r.launch_step = [] { return std::make_unique<FakeLaunchStep>(); };
    r.install_step = [] { return std::make_unique<FakeInstallStep>(); };
    r.check = [](const diagnose::SystemFacts&, const Config&, diagnose::CheckReport&) {};
    return r;
  };
  auto why = [](Result<Layer> r) { return r ? std::string("accepted") : r.error().describe(); };
  EXPECT_NE(why(register_layer(row("fake", "other", 36))).find("name is taken"),
            std::string::npos);
  EXPECT_NE(why(register_layer(row("seccomp", "other", 36))).find("name is taken"),
            std::string::npos);
  EXPECT_NE(why(register_layer(row("privileges", "other", 36))).find("name is taken"),
            std::string::npos);
  EXPECT_NE(why(register_layer(row("Other", "other", 36))).find("a-z"), std::string::npos);
  EXPECT_NE(why(register_layer(row("nice", "other", 36))).find("name is taken"),
            std::string::npos);
  LayerInfo slash = row("other", "other", 36);
  slash.artifact_suffix = "/../x";
  EXPECT_NE(why(register_layer(slash)).find("artifact_suffix"), std::string::npos);
  EXPECT_NE(why(register_layer(row("other", "grants", 36))).find("artifact_dir"),
            std::string::npos);
  EXPECT_NE(why(register_layer(row("other", "launch", 36))).find("artifact_dir"),
            std::string::npos);
  EXPECT_NE(why(register_layer(row("other", "a/b", 36))).find("artifact_dir"),
            std::string::npos);
  EXPECT_NE(why(register_layer(row("other", "other", 35))).find("launch order"),
            std::string::npos);
  EXPECT_NE(why(register_layer(row("other", "other", kPrivilegesLaunchOrder))).find("launch order"),
            std::string::npos);
  EXPECT_NE(why(register_layer(row("other", "other", 60))).find("below seccomp"),
            std::string::npos);
  LayerInfo partless = row("other", "other", 36);
  partless.check = nullptr;
  EXPECT_NE(why(register_layer(partless)).find("needs a launch step"), std::string::npos);
  EXPECT_EQ(layer_table().size(), 5u);
}

}  // namespace
}  // namespace confine
