#include "launch/locate.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "test_support.h"

namespace confine::launch {
namespace {

using confine::testing::TempDir;
using confine::testing::write_file;

class LocateApp : public ::testing::Test {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(confine::testing::is_root(), "trusted paths must be root-owned");
    // apps_dir below a sticky, world-writable directory, like /var/tmp.
    std::filesystem::create_directory(dir_ / "sticky");
    ::chmod((dir_ / "sticky").c_str(), 01777);
    config_.apps_dir = dir_ / "sticky/apps";
    config_.policy_dir = dir_ / "policy";
    std::string inst = config_.apps_dir + "/hello.example/1.0";
    write_file(inst + "/bin/cli", "#!/bin/sh\n", 0755);
    std::filesystem::create_directory_symlink("1.0", config_.apps_dir + "/hello.example/current");
    LaunchRecord r{
        *AppId::parse("hello.example_cli_1.0"), PackageType::App, "bin/cli", {}, {}, {}, true};
    write_file(record_path(), r.serialize());
  }
  std::string record_path() const { return config_.policy_dir + "/launch/hello.example_cli_1.0"; }

  TempDir dir_;
  Config config_;
  Layout layout_{config_};
};

TEST_F(LocateApp, KeyAndAppUseTheCurrentVersion) {
  auto r = locate_app(layout_, "hello.example_cli");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->record.id.str(), "hello.example_cli_1.0");
  EXPECT_EQ(r->install_dir, config_.apps_dir + "/hello.example/1.0");
  EXPECT_EQ(r->exec_path, config_.apps_dir + "/hello.example/1.0/bin/cli");
  EXPECT_TRUE(r->install_fd.valid());
}

TEST_F(LocateApp, WorldWritableParentWithoutStickyBitIsRefused) {
  ::chmod((dir_ / "sticky").c_str(), 0777);
  auto r = locate_app(layout_, "hello.example_cli");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().exit_status, kExitCannotRun);
  EXPECT_NE(r.error().describe().find("sticky is writable by group or others"), std::string::npos)
      << r.error().describe();
}

TEST_F(LocateApp, SymlinkedAppsDirIsRefused) {
  std::filesystem::rename(config_.apps_dir, dir_ / "real-apps");
  std::filesystem::create_directory_symlink(dir_ / "real-apps", config_.apps_dir);
  auto r = locate_app(layout_, "hello.example_cli");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().exit_status, kExitCannotRun);
  EXPECT_NE(r.error().describe().find("apps is a symlink"), std::string::npos)
      << r.error().describe();
}

TEST_F(LocateApp, SymlinkedVersionDirIsRefused) {
  std::string pkg = config_.apps_dir + "/hello.example";
  std::filesystem::rename(pkg + "/1.0", pkg + "/real");
  std::filesystem::create_directory_symlink("real", pkg + "/1.0");
  auto r = locate_app(layout_, "hello.example_cli_1.0");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().exit_status, kExitCannotRun);
  EXPECT_NE(r.error().describe().find("1.0 is a symlink"), std::string::npos)
      << r.error().describe();
}

TEST_F(LocateApp, CurrentThatIsNotASymlinkIsRefused) {
  std::string cur = config_.apps_dir + "/hello.example/current";
  std::filesystem::remove(cur);
  std::filesystem::create_directory(cur);
  auto r = locate_app(layout_, "hello.example_cli");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().exit_status, kExitCannotRun);
  EXPECT_NE(r.error().describe().find("current"), std::string::npos) << r.error().describe();
}

TEST_F(LocateApp, OversizedLaunchRecordIsRefused) {
  write_file(record_path(), std::string(70000, 'x'));
  auto r = locate_app(layout_, "hello.example_cli");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().exit_status, kExitCannotRun);
  EXPECT_NE(r.error().describe().find("File too large"), std::string::npos) << r.error().describe();
}

TEST_F(LocateApp, RecordForAnotherPackageIsRefused) {
  LaunchRecord other{
      *AppId::parse("evil.example_cli_1.0"), PackageType::App, "bin/cli", {}, {}, {}, true};
  write_file(record_path(), other.serialize());
  auto r = locate_app(layout_, "hello.example_cli");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().exit_status, kExitCannotRun);
  EXPECT_NE(r.error().describe().find("does not match the file name"), std::string::npos)
      << r.error().describe();
}

TEST_F(LocateApp, NoSuchAppCases) {
  for (const char* app : {"other.example_cli", "hello.example_nope", "hello.example_cli_2.0",
                          "hello_cli", "not an app"}) {
    auto r = locate_app(layout_, app);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().exit_status, kExitNoSuchApp) << app << ": " << r.error().describe();
    EXPECT_TRUE(r.error().describe().starts_with("no such app")) << r.error().describe();
  }
}

}  // namespace
}  // namespace confine::launch
