// What packaging/ ships for AppArmor: confine-run's own profile compiles and
// only lets the launcher out into app profiles; the boot unit runs the
// reload command.
#include <gtest/gtest.h>

#include "apparmor/parser.h"
#include "apparmor_test_util.h"

namespace confine::apparmor {
namespace {

using confine::testing::build_path;
using confine::testing::read_file;
using testing_util::contains_line;

TEST(AppArmorPackaging, LauncherProfileCompiles) {
  CONFINE_REQUIRE(testing_util::have_parser(), "apparmor_parser is not installed");
  const std::string path = build_path("packaging/confine-run.apparmor");
  std::vector<std::string> args = {"-Q", "-K"};
  if (!kernel_enforces_apparmor()) {
    args.push_back("--kernel-features");
    args.push_back("/usr/share/apparmor-features/features");
  }
  args.push_back(path);
  ParserRun r = run_parser(args);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(declared_profiles(path, Config{}), std::vector<std::string>{"confine-run"});
}

TEST(AppArmorPackaging, LauncherProfileLeavesOnlyIntoAppProfiles) {
  const std::string text = read_file(build_path("packaging/confine-run.apparmor"));
  ASSERT_FALSE(text.empty());
  // Every change_profile rule is tied to the apps' files and APP_ID-shaped
  // targets; no unconfined exec, no blanket transitions.
  size_t rules = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("change_profile") != std::string::npos && line.find('#') == std::string::npos) {
      ++rules;
      EXPECT_NE(line.find("change_profile @{CONFINE_APPS}/*/*/** -> "), std::string::npos) << line;
      EXPECT_TRUE(line.ends_with("*_*_*,")) << line;
    }
    EXPECT_EQ(line.find(" ux,"), std::string::npos) << line;
    EXPECT_EQ(line.find("Ux"), std::string::npos) << line;
    EXPECT_EQ(line.find("unconfined"), std::string::npos) << line;
  }
  EXPECT_EQ(rules, 2u) << "one change and one stack rule";
}

TEST(AppArmorPackaging, BootUnitRunsTheReloadCommand) {
  const std::string unit = read_file(build_path("packaging/confine-apparmor.service"));
  bool exec_line = false;
  std::istringstream in(unit);
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("ExecStart=") && line.ends_with("/confine apparmor-reload"))
      exec_line = true;
  EXPECT_TRUE(exec_line) << unit;
  EXPECT_TRUE(contains_line(unit, "Before=sysinit.target")) << unit;
  EXPECT_TRUE(contains_line(unit, "After=apparmor.service local-fs.target")) << unit;
  EXPECT_EQ(unit.find('@'), std::string::npos) << "unsubstituted variable\n" << unit;
}

}  // namespace
}  // namespace confine::apparmor
