// confine hw-assign / hw-unassign / hw-info: what they record, and that bad
// input is a clear error that changes nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>

#include "test_support.h"

namespace confine::testing {
namespace {

namespace fs = std::filesystem;

class Hw : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = dir_ / "config.json";
    write_file(config_, "{\"apps_dir\": \"" + dir_ / "apps" + "\", \"policy_dir\": \"" +
                            dir_ / "policy" + "\"}\n");
    fs::create_directories(dir_ / "apps/pkg.me");
  }
  RunResult hw(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {build_path("launcher/confine"), "--config", config_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {"PATH=/usr/bin:/bin"});
  }
  std::string assigned() const {
    std::string p = dir_ / "policy/devices/pkg.me";
    return fs::exists(p) ? read_file(p) : "(none)";
  }
  TempDir dir_;
  std::string config_;
};

TEST_F(Hw, AssignRecordsTheNodesNumbersAndUnassignRemovesThem) {
  auto a = hw({"hw-assign", "pkg.me", "/dev/loop-control"});
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_NE(a.out.find("assigned c 10:237 rw (/dev/loop-control) to pkg.me"), std::string::npos)
      << a.out;
  EXPECT_NE(assigned().find("\nc 10:237 rw\n"), std::string::npos) << assigned();
  // Again: nothing changes; with other access: changed in place.
  auto again = hw({"hw-assign", "pkg.me", "/dev/loop-control"});
  EXPECT_EQ(again.status, 0);
  EXPECT_NE(again.out.find("already assigned"), std::string::npos) << again.out;
  ASSERT_EQ(hw({"hw-assign", "--access", "r", "pkg.me", "/dev/loop-control"}).status, 0);
  EXPECT_NE(assigned().find("\nc 10:237 r\n"), std::string::npos) << assigned();
  EXPECT_EQ(assigned().find("c 10:237 rw"), std::string::npos) << assigned();
  // A whole major, two ways.
  ASSERT_EQ(hw({"hw-assign", "--all-minors", "pkg.me", "/dev/null"}).status, 0);
  ASSERT_EQ(hw({"hw-assign", "--access=rwm", "pkg.me", "c 116:*"}).status, 0);
  EXPECT_NE(assigned().find("\nc 1:* rw\n"), std::string::npos) << assigned();
  EXPECT_NE(assigned().find("\nc 116:* rwm\n"), std::string::npos) << assigned();
  auto info = hw({"hw-info", "pkg.me"});
  ASSERT_EQ(info.status, 0) << info.err;
  EXPECT_NE(info.out.find("c 10:237 r  /dev/loop-control\n"), std::string::npos) << info.out;

  ASSERT_EQ(hw({"hw-unassign", "pkg.me", "/dev/loop-control"}).status, 0);
  ASSERT_EQ(hw({"hw-unassign", "pkg.me", "c 116:*"}).status, 0);
  ASSERT_EQ(hw({"hw-unassign", "--all-minors", "pkg.me", "/dev/zero"}).status, 0);
  EXPECT_EQ(assigned(), "(none)") << "the last unassign removes the file";
  auto none = hw({"hw-info", "pkg.me"});
  EXPECT_EQ(none.out, "no devices assigned to pkg.me\n");
}

TEST_F(Hw, BadInputIsAClearErrorAndChangesNothing) {
  ASSERT_EQ(hw({"hw-assign", "pkg.me", "/dev/loop-control"}).status, 0);
  const std::string before = assigned();
  write_file(dir_ / "regular", "x");
  fs::create_symlink(dir_ / "regular", dir_ / "link-to-regular");
  fs::create_symlink(dir_ / "missing", dir_ / "dangling");
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  const Case cases[] = {
      {{"hw-assign", "pkg.me", dir_ / "missing"}, "cannot use " + dir_ / "missing" + ": No such"},
      {{"hw-assign", "pkg.me", dir_ / "regular"}, "is a regular file, not a device node"},
      {{"hw-assign", "pkg.me", dir_ / "link-to-regular"},
       "is a symlink to a regular file, not a device node"},
      {{"hw-assign", "pkg.me", dir_ / "dangling"}, "is a symlink to a missing file"},
      {{"hw-assign", "pkg.me", "/dev"}, "is a directory, not a device node"},
      {{"hw-assign", "other.me", "/dev/null"}, "unknown package \"other.me\": not installed in"},
      {{"hw-assign", "Bad_Key", "/dev/null"}, "Bad_Key"},
      {{"hw-assign", "pkg.me", "c 116"}, "invalid DEVICE \"c 116\""},
      {{"hw-assign", "pkg.me", "c *:1"}, "a major number is required"},
      {{"hw-assign", "pkg.me", "x 1:1"}, "invalid DEVICE \"x 1:1\""},
      {{"hw-unassign", "pkg.me", "/dev/null"}, "c 1:3 is not assigned to pkg.me"},
      {{"hw-info", "nope.me"}, "unknown package \"nope.me\""},
  };
  for (const auto& c : cases) {
    auto r = hw(c.args);
    EXPECT_EQ(r.status, 1) << c.args[2] << ": " << r.err;
    EXPECT_EQ(r.err.rfind("confine " + c.args[0] + ": error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(c.error), std::string::npos) << "want \"" << c.error << "\" in " << r.err;
    EXPECT_EQ(assigned(), before) << c.args[2];
  }
  auto usage = hw({"hw-assign", "--access", "rx", "pkg.me", "/dev/null"});
  EXPECT_EQ(usage.status, 2) << usage.err;
  EXPECT_EQ(hw({"hw-assign", "pkg.me"}).status, 2);
  EXPECT_EQ(assigned(), before);
}

TEST_F(Hw, AssignedFileIsWhatTheLauncherTrusts) {
  CONFINE_REQUIRE(is_root(), "the assignments file must be root-owned");
  ASSERT_EQ(hw({"hw-assign", "pkg.me", "/dev/loop-control"}).status, 0);
  struct stat st;
  ASSERT_EQ(::stat((dir_ / "policy/devices/pkg.me").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
}

TEST_F(Hw, OnlyNodesUnderDevAreAssignedAndTheRecordIsReadStrictly) {
  CONFINE_REQUIRE(is_root(), "mknod needs root");
  const std::string node = dir_ / "null-elsewhere";
  ASSERT_EQ(::mknod(node.c_str(), S_IFCHR | 0600, makedev(1, 3)), 0);
  auto r = hw({"hw-assign", "pkg.me", node});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("is not under /dev/"), std::string::npos) << r.err;
  EXPECT_EQ(assigned(), "(none)");

  // A record hand-edited into something AppArmor would read as a glob, or a
  // #node line belonging to no rule: refused, naming the file and line.
  fs::create_directories(dir_ / "policy/devices");
  for (const auto& [text, error] : std::vector<std::pair<std::string, std::string>>{
           {"c 1:3 rw\n#node /dev/*\n", "pkg.me:2: device node \"/dev/*\""},
           {"#node /dev/null\nc 1:3 rw\n", "pkg.me:1: #node line before any rule"},
           {"c 1:3 rw\n#node /etc/shadow\n", "not an absolute path under /dev/"}}) {
    write_file(dir_ / "policy/devices/pkg.me", text);
    auto info = hw({"hw-info", "pkg.me"});
    EXPECT_EQ(info.status, 1) << text;
    EXPECT_NE(info.err.find(error), std::string::npos) << info.err;
  }
}

}  // namespace
}  // namespace confine::testing
