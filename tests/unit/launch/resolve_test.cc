#include "launch/resolve.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "test_support.h"

namespace confine::launch {
namespace {

using confine::testing::TempDir;
using confine::testing::write_file;

class Resolve : public ::testing::Test {
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
    LaunchRecord r{*AppId::parse("hello.example_cli_1.0"), PackageType::App, "bin/cli", {}, {}, {},
                   true};
    write_file(record_path(), r.serialize());
  }
  std::string record_path() const { return config_.policy_dir + "/launch/hello.example_cli_1.0"; }

  TempDir dir_;
  Config config_;
  Layout layout_{config_};
};

TEST_F(Resolve, KeyAndAppUseTheCurrentVersion) {
  Resolution r = resolve_app(layout_, "hello.example_cli");
  ASSERT_EQ(r.exit_code, 0) << r.message;
  EXPECT_EQ(r.app.record.id.str(), "hello.example_cli_1.0");
  EXPECT_EQ(r.app.install_dir, config_.apps_dir + "/hello.example/1.0");
  EXPECT_EQ(r.app.exec_path, config_.apps_dir + "/hello.example/1.0/bin/cli");
  EXPECT_TRUE(r.app.install_fd.valid());
}

TEST_F(Resolve, WorldWritableParentWithoutStickyBitIsRefused) {
  ::chmod((dir_ / "sticky").c_str(), 0777);
  Resolution r = resolve_app(layout_, "hello.example_cli");
  EXPECT_EQ(r.exit_code, kExitCannotRun);
  EXPECT_NE(r.message.find("sticky is writable by group or others"), std::string::npos)
      << r.message;
}

TEST_F(Resolve, SymlinkedAppsDirIsRefused) {
  std::filesystem::rename(config_.apps_dir, dir_ / "real-apps");
  std::filesystem::create_directory_symlink(dir_ / "real-apps", config_.apps_dir);
  Resolution r = resolve_app(layout_, "hello.example_cli");
  EXPECT_EQ(r.exit_code, kExitCannotRun);
  EXPECT_NE(r.message.find("apps is a symlink"), std::string::npos) << r.message;
}

TEST_F(Resolve, SymlinkedVersionDirIsRefused) {
  std::string pkg = config_.apps_dir + "/hello.example";
  std::filesystem::rename(pkg + "/1.0", pkg + "/real");
  std::filesystem::create_directory_symlink("real", pkg + "/1.0");
  Resolution r = resolve_app(layout_, "hello.example_cli_1.0");
  EXPECT_EQ(r.exit_code, kExitCannotRun);
  EXPECT_NE(r.message.find("1.0 is a symlink"), std::string::npos) << r.message;
}

TEST_F(Resolve, CurrentThatIsNotASymlinkIsRefused) {
  std::string cur = config_.apps_dir + "/hello.example/current";
  std::filesystem::remove(cur);
  std::filesystem::create_directory(cur);
  Resolution r = resolve_app(layout_, "hello.example_cli");
  EXPECT_EQ(r.exit_code, kExitCannotRun);
  EXPECT_NE(r.message.find("current"), std::string::npos) << r.message;
}

TEST_F(Resolve, OversizedLaunchRecordIsRefused) {
  write_file(record_path(), std::string(70000, 'x'));
  Resolution r = resolve_app(layout_, "hello.example_cli");
  EXPECT_EQ(r.exit_code, kExitCannotRun);
  EXPECT_NE(r.message.find("File too large"), std::string::npos) << r.message;
}

TEST_F(Resolve, RecordForAnotherPackageIsRefused) {
  LaunchRecord other{*AppId::parse("evil.example_cli_1.0"), PackageType::App, "bin/cli", {}, {},
                     {}, true};
  write_file(record_path(), other.serialize());
  Resolution r = resolve_app(layout_, "hello.example_cli");
  EXPECT_EQ(r.exit_code, kExitCannotRun);
  EXPECT_NE(r.message.find("does not match the file name"), std::string::npos) << r.message;
}

TEST_F(Resolve, NoSuchAppCases) {
  for (const char* app : {"other.example_cli", "hello.example_nope", "hello.example_cli_2.0",
                          "hello_cli", "not an app"}) {
    Resolution r = resolve_app(layout_, app);
    EXPECT_EQ(r.exit_code, kExitNoSuchApp) << app << ": " << r.message;
    EXPECT_TRUE(r.message.starts_with("no such app")) << r.message;
  }
}

}  // namespace
}  // namespace confine::launch
