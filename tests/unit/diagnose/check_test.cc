// confine check: the verdict an administrator reads must match what
// confine-run would do with the same kernel and configuration.
#include "diagnose/check.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "apparmor/launch_step.h"
#include "test_support.h"

namespace confine::diagnose {
namespace {

using confine::testing::build_path;
using confine::testing::run;
using confine::testing::TempDir;
using confine::testing::write_file;

// A kernel with everything: AppArmor (stacking, namespaces), seccomp,
// cgroup v2, Landlock.
SystemFacts everything() {
  SystemFacts f;
  f.seccomp = true;
  f.apparmor = true;
  f.apparmor_stacking = true;
  f.apparmor_namespaces = true;
  f.apparmor_signal = true;
  f.apparmor_ptrace = true;
  f.parser = "/usr/sbin/apparmor_parser";
  f.devices = devices::Backend::V2;
  f.devices_where = "/sys/fs/cgroup";
  f.landlock_abi = 3;
  f.launcher = "/usr/bin/confine-run";
  f.launcher_exists = true;
  return f;
}

bool has_line_with(const CheckReport& r, const std::string& needle) {
  return std::any_of(r.lines.begin(), r.lines.end(),
                     [&](const std::string& l) { return l.find(needle) != std::string::npos; });
}

TEST(Check, EverythingAvailableStartsApps) {
  Config c;
  c.apparmor = LayerMode::Required;
  CheckReport r = evaluate(everything(), c);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(has_line_with(r, "cgroup v2 device programs in /sys/fs/cgroup"));
  EXPECT_TRUE(has_line_with(r, "stacking: yes; policy namespaces: yes"));
  EXPECT_TRUE(has_line_with(r, "available (ABI 3)"));
  EXPECT_TRUE(has_line_with(r, "confine-run can start apps"));
}

// The coverage matrix of a Landlock kernel (no AppArmor, ABI 7): everything
// held for root-run apps; file metadata a gap for user-run ones, which
// confine-run refuses until accept_gaps lists it.
TEST(Check, CoverageMatrixNamesTheGapAndWhatItRefuses) {
  SystemFacts f = everything();
  f.apparmor = false;
  f.landlock_abi = 7;
  Config c;
  CheckReport r = evaluate(f, c);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(has_line_with(r, "  file-access       landlock"));
  // seccomp's root program refuses every metadata call, for user-run apps
  // too where no AppArmor profile checks them.
  EXPECT_NE(std::find(r.lines.begin(), r.lines.end(), "  file-metadata     seccomp"),
            r.lines.end());
  EXPECT_TRUE(has_line_with(r, "  signals           landlock"));
  EXPECT_TRUE(has_line_with(r, "  unix-pathname     granted by the policy"));
  EXPECT_TRUE(r.refused_for.empty());
  EXPECT_TRUE(has_line_with(r, "confine-run can start apps"));
  // Accepting the gap drops that program for user-run apps: they may change
  // their user's files' metadata, and run partially confined.
  c.accept_gaps = {AccessClass::FileMetadata};
  r = evaluate(f, c);
  EXPECT_TRUE(has_line_with(r, "  file-metadata     root-run: seccomp; user-run: GAP: needs AppArmor"));
  EXPECT_TRUE(has_line_with(r, "[accept_gaps: runs partially confined]"));
  EXPECT_TRUE(r.refused_for.empty());
  EXPECT_TRUE(has_line_with(r, "confine-run can start apps"));
  // Without seccomp at all (if-available, a kernel without it), nothing
  // holds them for user-run apps: refused.
  f.seccomp = false;
  c = Config{};
  c.seccomp = LayerMode::IfAvailable;
  r = evaluate(f, c);
  EXPECT_NE(std::find(r.refused_for.begin(), r.refused_for.end(), "user-run apps (file-metadata)"),
            r.refused_for.end());
  f.seccomp = true;
  // Under AppArmor with its signal and ptrace mediation nothing is a gap
  // with the default caps; with unix sockets, abstract ones are (ABI 3: no
  // Landlock scope; the policy's `network unix,` allows them all).
  r = evaluate(everything(), Config{});
  EXPECT_TRUE(r.refused_for.empty());
  EXPECT_TRUE(has_line_with(r, "  unix-abstract     GAP: needs Landlock ABI 6"));
  EXPECT_TRUE(has_line_with(r, "  file-metadata     root-run: apparmor, seccomp; user-run: apparmor"));
  EXPECT_TRUE(has_line_with(r, "  file-access       apparmor, landlock"));
  // AppArmor without Landlock: the ptys its profile names are open to the
  // app by name; file-access is a gap and launches fail.
  f = everything();
  f.landlock_abi = 0;
  r = evaluate(f, Config{});
  EXPECT_TRUE(has_line_with(r, "  file-access       GAP: needs Landlock under AppArmor")) << r.lines[0];
  EXPECT_FALSE(r.refused_for.empty());
}

// --json carries the same verdict and matrix as the text.
TEST(Check, JsonHasTheFactsTheVerdictAndTheMatrix) {
  SystemFacts f = everything();
  f.apparmor = false;
  f.landlock_abi = 7;
  Config c;
  const nlohmann::json j = check_json(f, c, "/etc/confine/config.json");
  EXPECT_EQ(j["schema"], "confine-check/1");
  EXPECT_EQ(j["config"], "/etc/confine/config.json");
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["refused_for"], nlohmann::json::array());
  EXPECT_EQ(j["layers"]["landlock"]["abi"], 7);
  EXPECT_EQ(j["layers"]["landlock"]["mode"], "if-available");
  EXPECT_EQ(j["layers"]["seccomp"]["mode"], "required");
  EXPECT_EQ(j["layers"]["apparmor"]["available"], false);
  ASSERT_EQ(j["coverage"].size(), access_classes().size());
  EXPECT_EQ(j["coverage"][0]["class"], "file-access");
  EXPECT_EQ(j["coverage"][0]["root_run"]["layers"], nlohmann::json({"landlock"}));
  const auto& meta = j["coverage"][1];
  EXPECT_EQ(meta["class"], "file-metadata");
  EXPECT_EQ(meta["root_run"]["holding"], "held");
  EXPECT_EQ(meta["user_run"]["holding"], "held");
  EXPECT_EQ(meta["user_run"]["layers"], nlohmann::json({"seccomp"}));
  c.accept_gaps = {AccessClass::FileMetadata};
  const auto accepted = check_json(f, c, "")["coverage"][1]["user_run"];
  EXPECT_EQ(accepted["holding"], "gap");
  EXPECT_EQ(accepted["launch_refused"], false);
  EXPECT_EQ(j["coverage_unix_sockets"][2]["root_run"]["holding"], "granted");
}

TEST(Check, MissingAppArmorFailsOnlyWhenRequired) {
  SystemFacts f = everything();
  f.apparmor = false;
  f.apparmor_problem = "not enabled in the kernel";
  Config c;  // apparmor: if-available
  CheckReport r = evaluate(f, c);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(has_line_with(r, "if-available: apps run without filesystem confinement"));
  c.apparmor = LayerMode::Required;
  r = evaluate(f, c);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_line_with(
      r,
      "confine-run would refuse to start apps: apparmor (not enabled in the kernel) is required"));
}

TEST(Check, LandlockStandsInForAppArmorOnlyWhereAppArmorIsOff) {
  SystemFacts f = everything();
  Config c;  // landlock: if-available
  EXPECT_TRUE(has_line_with(evaluate(f, c), "if-available: not applied, AppArmor confines files"));
  f.apparmor = false;
  f.apparmor_problem = "not enabled in the kernel";
  EXPECT_TRUE(has_line_with(evaluate(f, c), "if-available: applied, AppArmor is not enabled"));
  f.landlock_abi = 0;
  CheckReport r = evaluate(f, c);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(has_line_with(r, "not available in the kernel"));
  EXPECT_TRUE(has_line_with(r, "if-available: apps run without filesystem confinement"));
  c.landlock = LayerMode::Required;
  r = evaluate(f, c);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_line_with(r, "landlock (not available in the kernel) is required"));
}

TEST(Check, AnUnexpectedAppArmorAnswerFailsWhateverTheConfig) {
  // confine-run fails closed on it (apparmor/launch_step.h), so check must too.
  SystemFacts f = everything();
  f.apparmor = false;
  f.apparmor_error = true;
  f.apparmor_problem = "cannot tell whether AppArmor is enabled: Permission denied";
  CheckReport r = evaluate(f, Config{});
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has_line_with(r, "every launch fails"));
}

TEST(Check, SeccompAndDevicesAreRequiredByDefault) {
  SystemFacts f = everything();
  f.seccomp = false;
  f.seccomp_problem = "the kernel does not support seccomp";
  f.devices = devices::Backend::None;
  f.devices_problem = "no cgroup2 hierarchy and no v1 devices controller is mounted";
  Config c;
  CheckReport r = evaluate(f, c);
  // In launch order, as the report lists the layers.
  ASSERT_EQ(r.missing_required.size(), 2u);
  EXPECT_EQ(r.missing_required[0],
            "device cgroup (no cgroup2 hierarchy and no v1 devices controller is mounted)");
  EXPECT_EQ(r.missing_required[1], "seccomp (the kernel does not support seccomp)");
  c.seccomp = LayerMode::IfAvailable;
  c.devices = LayerMode::IfAvailable;
  EXPECT_TRUE(evaluate(f, c).ok());
}

TEST(Check, HybridAndV1AreNamed) {
  SystemFacts f = everything();
  f.devices_where = "/sys/fs/cgroup/unified";
  f.devices_v1_also = "/sys/fs/cgroup/devices";
  EXPECT_TRUE(has_line_with(evaluate(f, Config{}),
                            "v1 devices controller is mounted at "
                            "/sys/fs/cgroup/devices too"));
  f.devices = devices::Backend::V1;
  f.devices_where = "/sys/fs/cgroup/devices";
  f.devices_v1_also.clear();
  EXPECT_TRUE(has_line_with(evaluate(f, Config{}),
                            "cgroup v1 devices controller at "
                            "/sys/fs/cgroup/devices"));
}

TEST(Check, GlobalProfileNeedsStackingAndNamespaceNeedsNamespaces) {
  SystemFacts f = everything();
  f.apparmor_stacking = false;
  f.apparmor_namespaces = false;
  Config c;
  c.global_profile = "site-policy";
  c.apparmor_namespace = "apps";
  CheckReport r = evaluate(f, c);
  ASSERT_EQ(r.missing_required.size(), 2u);
  EXPECT_NE(r.missing_required[0].find("stacking"), std::string::npos);
  EXPECT_NE(r.missing_required[1].find("namespaces"), std::string::npos);
}

TEST(Check, LauncherFileCapabilitiesAreReported) {
  SystemFacts f = everything();
  EXPECT_TRUE(has_line_with(evaluate(f, Config{}), "only root can launch apps"));
  f.launcher_file_caps = true;
  EXPECT_TRUE(has_line_with(evaluate(f, Config{}), "ordinary users can launch apps"));
}

// The real command on this kernel: its verdict follows the kernel and the
// config the same way confine-run does.
TEST(CheckCommand, VerdictFollowsKernelAndConfig) {
  TempDir dir;
  write_file(dir / "if.json", "{}");
  write_file(dir / "req.json", R"({"apparmor": "required"})");
  auto r = run({build_path("launcher/confine"), "--config", dir / "if.json", "check"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("config: " + (dir / "if.json")), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("seccomp   available"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("launcher  " + build_path("launcher/confine-run")), std::string::npos)
      << r.out;

  auto aa = apparmor::kernel_support();
  ASSERT_TRUE(aa.ok());
  const bool enabled = *aa == apparmor::KernelSupport::Enabled;
  r = run({build_path("launcher/confine"), "--config", dir / "req.json", "check"});
  EXPECT_EQ(r.status, enabled ? 0 : 1) << r.out;
  if (!enabled) {
    EXPECT_NE(r.out.find("would refuse to start apps: apparmor"), std::string::npos) << r.out;
  }
  // --json: the same verdict, the exit status unchanged.
  r = run({build_path("launcher/confine"), "--config", dir / "req.json", "check", "--json"});
  EXPECT_EQ(r.status, enabled ? 0 : 1) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "confine-check/1");
  EXPECT_EQ(j["config"], dir / "req.json");
  EXPECT_EQ(j["ok"], enabled);
  EXPECT_EQ(j["layers"]["apparmor"]["mode"], "required");
}

TEST(CheckCommand, ExtraArgumentsAreAUsageError) {
  auto r = run({build_path("launcher/confine"), "check", "now"});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("confine check: error: unexpected argument \"now\""), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace confine::diagnose
