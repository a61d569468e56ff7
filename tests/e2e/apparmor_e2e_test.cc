// AppArmor through the real binaries on a kernel without AppArmor (the build
// hosts): `confine install` still generates and validates the profile, and
// confine-run follows the `apparmor` config key. With AppArmor in the kernel
// the same paths are tested in the VM (tests/vm).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "sample_install.h"

namespace confine::testing {
namespace {

bool kernel_has_apparmor() {
  std::string enabled = read_file("/sys/module/apparmor/parameters/enabled");
  return !enabled.empty() && enabled[0] == 'Y';
}

std::string confine_bin() {
  return build_path("launcher/confine");
}

class AppArmorE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(is_root(), "confine-run honours --config only for root");
    CONFINE_REQUIRE(access("/usr/sbin/apparmor_parser", X_OK) == 0 ||
                        access("/sbin/apparmor_parser", X_OK) == 0,
                    "apparmor_parser is not installed");
    if (kernel_has_apparmor()) GTEST_SKIP() << "AppArmor is enabled here: tests/vm covers it";
  }

  // The sample's config with `apparmor` set to `mode`.
  std::string config_with_apparmor(const std::string& mode) {
    std::string text = read_file(s_.config_path());
    const std::string from = "\"apparmor\": \"if-available\"";
    auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << text;
    if (at != std::string::npos) text.replace(at, from.size(), "\"apparmor\": \"" + mode + "\"");
    const std::string path = s_.dir() / ("config-" + mode + ".json");
    write_file(path, text);
    return path;
  }

  // A package "bad.<origin>" with one binary and the given extra security
  // JSON and files; returns confine install's result.
  RunResult install_package(const std::string& security_json,
                            const std::map<std::string, std::string>& files) {
    const std::string src = s_.dir() / "bad-src";
    write_file(src + "/bin/app", "#!/bin/sh\necho ran\n", 0755);
    for (const auto& [rel, text] : files) write_file(src + "/" + rel, text);
    write_file(src + "/meta/package.json",
               "{ \"name\": \"bad\", \"version\": \"1.0\", \"binaries\": [ { \"name\": \"app\", "
               "\"exec\": \"bin/app\", " +
                   security_json + " } ] }\n");
    return run({confine_bin(), "--config", s_.config_path(), "install", "--origin", "aae2e", src});
  }

  SampleInstall s_{0};
};

TEST_F(AppArmorE2E, InstallWritesTheProfileNamedByTheAppId) {
  ASSERT_TRUE(s_.install("1.0", {{"show", "bin/show"}}));
  const std::string id = s_.app_id("show", "1.0");
  const std::string profile = s_.config().policy_dir + "/apparmor/" + id;
  const std::string text = read_file(profile);
  EXPECT_NE(text.find("\nprofile " + id + " {\n"), std::string::npos) << text;
  EXPECT_NE(text.find("@{CONFINE_APP_PATH}=" + s_.install_dir("1.0") + "\n"), std::string::npos)
      << text;
  // The launch record says the layer exists, so an AppArmor kernel requires it.
  EXPECT_NE(read_file(s_.launch_record("show", "1.0")).find("apparmor"), std::string::npos);
}

TEST_F(AppArmorE2E, IfAvailableRunsTheAppWithAOneLineNotice) {
  ASSERT_TRUE(s_.install("1.0", {{"show", "bin/show"}}));
  RunResult r = s_.run({s_.key() + "_show"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("argv0="), std::string::npos) << "the app ran";
  // The rest of the line says what confines the filesystem instead
  // (Landlock, where the kernel has it) or that nothing does.
  const std::string notice = "confine-run: skipped: apparmor: not enabled in the kernel; ";
  auto at = r.err.find(notice);
  ASSERT_NE(at, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(notice, at + 1), std::string::npos) << "printed once:\n" << r.err;
}

TEST_F(AppArmorE2E, RequiredFailsWith125AndTheAppNeverRuns) {
  ASSERT_TRUE(s_.install("1.0", {{"show", "bin/show"}}));
  const std::string config = config_with_apparmor("required");
  RunResult r = run({build_path("launcher/confine-run"), "--config", config, s_.key() + "_show"},
                    {"PATH=/usr/bin:/bin"});
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_EQ(r.out, "") << "the app must not run";
  EXPECT_NE(r.err.find("confine-run: error: apparmor: AppArmor is required by the configuration (" +
                       config + ") but not enabled in the kernel"),
            std::string::npos)
      << r.err;
}

TEST_F(AppArmorE2E, ReloadCommandLoadsNothingWithoutAppArmor) {
  ASSERT_TRUE(s_.install("1.0", {{"show", "bin/show"}}));
  RunResult r = run({confine_bin(), "--config", s_.config_path(), "apparmor-reload"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "AppArmor is not enabled in the kernel; no profile loaded\n");
  RunResult help = run({confine_bin(), "apparmor-reload", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("Usage: confine apparmor-reload"), std::string::npos);
}

TEST_F(AppArmorE2E, OverrideTheParserRejectsFailsTheInstall) {
  RunResult r = install_package("\"security-override\": { \"apparmor\": \"meta/app.apparmor\" }",
                                {{"meta/app.apparmor", "/srv/data rz,\n"}});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("rejected by apparmor_parser"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("AppArmor parser error"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(s_.config().policy_dir + "/apparmor/bad.aae2e_app_1.0"));
  EXPECT_FALSE(std::filesystem::exists(s_.config().apps_dir + "/bad.aae2e"));
}

TEST_F(AppArmorE2E, OverrideCannotRunProgramsUnconfined) {
  RunResult r = install_package("\"security-override\": { \"apparmor\": \"meta/app.apparmor\" }",
                                {{"meta/app.apparmor", "/usr/bin/** ux,\n"}});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("unconfined execution and profile transitions are not allowed"),
            std::string::npos)
      << r.err;
}

TEST_F(AppArmorE2E, RawProfileMustBeNamedTheAppId) {
  RunResult r = install_package(
      "\"security-policy\": { \"apparmor\": \"meta/app.apparmor\", \"seccomp\": "
      "\"meta/app.seccomp\" }",
      {{"meta/app.apparmor", "profile somebody_else_1.0 { /** rw, }\n"},
       {"meta/app.seccomp", "read\nwrite\nexit_group\nexecve\n"}});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("declares profile \"somebody_else_1.0\"; only the profile "
                       "\"bad.aae2e_app_1.0\""),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace confine::testing
