// The AppArmor install step and the apparmor_parser runner: what a package
// author or an administrator sees when a profile is good, bad, or lies about
// its name.
#include "apparmor/install_step.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "apparmor/parser.h"
#include "apparmor/profile.h"
#include "apparmor_test_util.h"
#include "core/error.h"
#include "core/layout.h"

namespace confine::apparmor {
namespace {

using confine::testing::TempDir;
using testing_util::app_id;
using testing_util::have_parser;

bool exists(const std::string& p) {
  return access(p.c_str(), F_OK) == 0;
}

// One package with one binary, installed under a temporary policy_dir.
struct Fixture {
  TempDir dir;
  Config config;
  Layout layout{config};
  install::PackageMeta meta;
  install::AppEntry entry;

  Fixture() {
    config.apps_dir = dir / "apps";
    config.data_dir = dir / "data";
    config.policy_dir = dir / "policy";
    meta.file = dir / "pkg/meta/package.json";
    meta.name = "foo";
    meta.origin = "acme";
    meta.version = "1.0";
    entry.name = "cli";
    entry.exec = "bin/cli";
    entry.json_path = "binaries[0]";
    meta.binaries = {entry};
  }

  install::InstallContext context() {
    install::InstallContext ctx{config, layout, meta, layout.install_dir(meta.key(), "1.0"),
                                {},     {}};
    install::AppPlan plan{app_id(), &meta.binaries[0], {}, "", "", {}, {}};
    plan.policy.allow.files = {{"@{CONFINE_APP_PATH}/**", "mr", false, "test"}};
    ctx.apps.push_back(plan);
    return ctx;
  }

  // Runs prepare and returns the ConfineError message ("" when it passed).
  std::string prepare_error(install::InstallStep& step, install::InstallContext& ctx) {
    try {
      step.prepare(ctx);
    } catch (const ConfineError& e) {
      step.abort(ctx);
      return e.what();
    }
    return "";
  }

  std::vector<std::string> staging_dirs() {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto& e : std::filesystem::directory_iterator(layout.apparmor_dir(), ec))
      if (e.path().filename().string().starts_with(".staging")) out.push_back(e.path());
    return out;
  }
};

#define REQUIRE_PARSER() CONFINE_REQUIRE(have_parser(), "apparmor_parser is not installed")

TEST(AppArmorInstallStep, PrepareValidatesAndCommitInstallsTheProfile) {
  REQUIRE_PARSER();
  Fixture f;
  auto step = make_apparmor_install_step();
  auto ctx = f.context();
  step->prepare(ctx);
  EXPECT_EQ(ctx.apps[0].layers, std::vector<std::string>{"apparmor"});
  const std::string final_path = f.layout.apparmor_profile(app_id());
  EXPECT_FALSE(exists(final_path)) << "prepare must not touch the live files";
  if (kernel_enforces_apparmor()) GTEST_SKIP() << "would load into this kernel";
  step->commit(ctx);
  ASSERT_TRUE(exists(final_path));
  const std::string text = confine::testing::read_file(final_path);
  EXPECT_TRUE(testing_util::contains_line(text, "profile foo.acme_cli_1.0 {")) << text;
  EXPECT_TRUE(testing_util::contains_line(text, "  @{CONFINE_APP_PATH}/** mr,")) << text;
  struct stat st;
  ASSERT_EQ(stat(final_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_TRUE(f.staging_dirs().empty());

  // remove: the file goes (nothing is loaded on this kernel).
  step->remove(f.config, f.layout, {app_id()});
  EXPECT_FALSE(exists(final_path));
}

TEST(AppArmorInstallStep, ParserRejectionFailsTheInstallWithTheParserMessage) {
  REQUIRE_PARSER();
  Fixture f;
  auto step = make_apparmor_install_step();
  auto ctx = f.context();
  // A rule the parser refuses (no such permission letter 'z' in an
  // otherwise harmless raw line).
  ctx.apps[0].policy.apparmor_raw = {"/srv/foo rz,"};
  const std::string err = f.prepare_error(*step, ctx);
  EXPECT_NE(err.find("AppArmor profile of foo.acme_cli_1.0: rejected by apparmor_parser"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("AppArmor parser error"), std::string::npos) << err;
  EXPECT_EQ(err.find("Cache read/write disabled"), std::string::npos) << err;
  EXPECT_TRUE(f.staging_dirs().empty()) << "abort removes the staging dir";
  EXPECT_FALSE(exists(f.layout.apparmor_profile(app_id())));
}

TEST(AppArmorInstallStep, SnippetCannotDeclareAnotherProfile) {
  REQUIRE_PARSER();
  Fixture f;
  auto step = make_apparmor_install_step();
  auto ctx = f.context();
  // Closing the app's profile early and opening another app's profile would
  // let one package replace another's confinement.
  ctx.apps[0].policy.apparmor_raw = {"}", "profile bar.evil_x_1 {", "/** rw,"};
  const std::string err = f.prepare_error(*step, ctx);
  EXPECT_NE(err.find("declares profile \"bar.evil_x_1\""), std::string::npos) << err;
}

TEST(AppArmorInstallStep, RawProfilePassesThroughWhenNamedTheAppId) {
  REQUIRE_PARSER();
  Fixture f;
  auto step = make_apparmor_install_step();
  auto ctx = f.context();
  f.meta.binaries[0].security_policy = install::SecurityFiles{"meta/cli.apparmor", ""};
  // It may use the layout variables, and define its own instead.
  ctx.apps[0].raw_apparmor =
      "#include <tunables/global>\n@{CONFINE_APP_DATA_PATH} = /srv/mine\n"
      "profile foo.acme_cli_1.0 {\n  @{CONFINE_APP_PATH}/** r,\n  @{CONFINE_APP_DATA_PATH}/** rw,\n"
      "  @{CONFINE_APP_USER_DATA_PATH}/** rw,\n  ^hat { }\n}\n";
  EXPECT_EQ(f.prepare_error(*step, ctx), "");
  if (kernel_enforces_apparmor()) GTEST_SKIP() << "would load into this kernel";
  step->commit(ctx);
  const std::string installed = confine::testing::read_file(f.layout.apparmor_profile(app_id()));
  EXPECT_TRUE(installed.ends_with(ctx.apps[0].raw_apparmor)) << installed;
  EXPECT_TRUE(testing_util::contains_line(
      installed, "@{CONFINE_APP_PATH}=" + f.layout.install_dir(f.meta.key(), "1.0")))
      << installed;
  EXPECT_EQ(installed.find("@{CONFINE_APP_DATA_PATH}="), std::string::npos) << installed;
}

TEST(AppArmorInstallStep, RawProfileWithTheWrongNameIsRefused) {
  REQUIRE_PARSER();
  Fixture f;
  f.meta.binaries[0].security_policy = install::SecurityFiles{"meta/cli.apparmor", ""};
  struct Case {
    const char* text;
    const char* expect;
  } cases[] = {
      {"profile foo.acme_cli_2.0 { /srv r, }\n", "declares profile \"foo.acme_cli_2.0\""},
      {"# only a comment\n", "does not declare a profile named \"foo.acme_cli_1.0\""},
      {"profile foo.acme_cli_1.0 { }\nprofile other { /** rw, }\n", "declares profile \"other\""},
      {"profile :ns:foo.acme_cli_1.0 { }\n", "declares profile \":ns://foo.acme_cli_1.0\""},
      {"this is not a profile\n", "rejected by apparmor_parser"},
  };
  for (const auto& c : cases) {
    auto step = make_apparmor_install_step();
    auto ctx = f.context();
    ctx.apps[0].raw_apparmor = c.text;
    const std::string err = f.prepare_error(*step, ctx);
    EXPECT_NE(err.find(c.expect), std::string::npos) << c.text << " -> " << err;
    // The message names the package file the policy came from.
    EXPECT_NE(err.find("binaries[0].security-policy.apparmor (meta/cli.apparmor)"),
              std::string::npos)
        << err;
  }
}

TEST(AppArmorInstallStep, NamespacedRawProfileLandsInTheNamespace) {
  REQUIRE_PARSER();
  Fixture f;
  f.config.apparmor_namespace = "confine";
  auto step = make_apparmor_install_step();
  auto ctx = f.context();
  ctx.apps[0].raw_apparmor = "profile foo.acme_cli_1.0 { /srv r, }\n";
  EXPECT_EQ(f.prepare_error(*step, ctx), "");
  auto ctx2 = f.context();  // and the generated one declares :confine:APP_ID
  auto step2 = make_apparmor_install_step();
  EXPECT_EQ(f.prepare_error(*step2, ctx2), "");
  step->abort(ctx);
  step2->abort(ctx2);
}

TEST(AppArmorInstallStep, AbortRemovesStagedFiles) {
  REQUIRE_PARSER();
  Fixture f;
  auto step = make_apparmor_install_step();
  auto ctx = f.context();
  step->prepare(ctx);
  EXPECT_EQ(f.staging_dirs().size(), 1u);
  step->abort(ctx);
  EXPECT_TRUE(f.staging_dirs().empty());
  EXPECT_FALSE(exists(f.layout.apparmor_profile(app_id())));
}

TEST(AppArmorParser, DeclaredProfilesIncludeNamespace) {
  REQUIRE_PARSER();
  TempDir d;
  confine::testing::write_file(d / "p", "profile a { ^h { } }\n");
  Config c;
  EXPECT_EQ(declared_profiles(d / "p", c), (std::vector<std::string>{"a", "a//h"}));
  c.apparmor_namespace = "ns";
  EXPECT_EQ(declared_profiles(d / "p", c), (std::vector<std::string>{":ns://a", ":ns://a//h"}));
}

TEST(AppArmorParser, ReloadSkipsUntrustedAndForeignFiles) {
  REQUIRE_PARSER();
  CONFINE_REQUIRE(confine::testing::is_root(), "needs root to own the profile files");
  if (kernel_enforces_apparmor()) GTEST_SKIP() << "would load into this kernel";
  Fixture f;
  const std::string dir = f.layout.apparmor_dir();
  confine::testing::write_file(dir + "/foo.acme_cli_1.0", "profile foo.acme_cli_1.0 { }\n", 0666);
  confine::testing::write_file(dir + "/README", "not a profile\n");
  confine::testing::write_file(dir + "/.staging-x/foo.acme_cli_1.0", "junk\n");
  chmod(dir.c_str(), 0755);
  ReloadReport r = reload_all(f.config);
  ASSERT_EQ(r.failed.size(), 1u);
  EXPECT_NE(r.failed[0].find("writable by group or others"), std::string::npos) << r.failed[0];
  EXPECT_TRUE(r.loaded.empty());
  // A directory others can write to is refused as a whole.
  chmod(dir.c_str(), 0777);
  EXPECT_THROW(reload_all(f.config), ConfineError);
  chmod(dir.c_str(), 0755);
}

}  // namespace
}  // namespace confine::apparmor
