// confine install with the users step: services run as the package user
// (named in the launch record and the unit), its data dir is its own across
// an update, plain remove keeps the user and purge deletes it.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/launch_record.h"
#include "install/launch_record_step.h"
#include "install/pipeline.h"
#include "install/units_step.h"
#include "install/users_step.h"
#include "install_fixture.h"
#include "test_support.h"

namespace confine::install::testing_support {
namespace {

class UsersInstall : public InstallTest {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(testing::is_root(), "useradd and chown need root");
    CONFINE_REQUIRE(::access("/usr/sbin/useradd", X_OK) == 0, "useradd not installed");
    config_.accounts_root = testing::make_accounts_root(root_ / "accounts");
  }
  InstallResult install_with_users(const std::string& pkg) {
    Steps s;
    s.push_back(make_users_step());
    s.push_back(make_units_step());
    s.push_back(make_launch_record_step());
    return install_package(config_, pkg, "example", s);
  }
  LaunchRecord read_record(const std::string& id) {
    return value_or_throw(LaunchRecord::parse(testing::read_file(record(id)), id));
  }
  struct stat stat_of(const std::string& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st;
  }
};

TEST_F(UsersInstall, ServiceRunsAsThePackageUser) {
  install_with_users(make_package("1.0"));
  const auto daemon = read_record("hello.example_daemon_1.0");
  ASSERT_TRUE(daemon.user.has_value());
  EXPECT_EQ(daemon.user->name, "c_hello_example");
  EXPECT_NE(daemon.user->uid, 0u);
  EXPECT_TRUE(daemon.user->groups.empty());
  EXPECT_FALSE(read_record("hello.example_hello_1.0").user) << "a binary runs as its caller";

  const std::string unit =
      testing::read_file(config_.units_dir + "/confine-hello.example_daemon.service");
  EXPECT_NE(unit.find("\n[Service]\nUser=c_hello_example\nGroup=c_hello_example\nExecStart=+" +
                      std::string(CONFINE_TEST_RUN_PATH) + " hello.example_daemon_1.0\n"),
            std::string::npos)
      << unit;
  EXPECT_NE(unit.find("\nRuntimeDirectory=confine/hello.example\nRuntimeDirectoryMode=0700\n"),
            std::string::npos)
      << unit;

  const auto data = stat_of(config_.data_dir + "/hello.example/1.0");
  EXPECT_EQ(data.st_uid, daemon.user->uid);
  EXPECT_EQ(data.st_gid, daemon.user->gid);
  EXPECT_EQ(data.st_mode & 07777, 0700u);
}

TEST_F(UsersInstall, UpdateKeepsTheUserAndItsData) {
  install_with_users(make_package("1.0"));
  const auto u1 = *read_record("hello.example_daemon_1.0").user;
  // What the service wrote as its user, and a file root put there.
  const std::string d1 = config_.data_dir + "/hello.example/1.0";
  testing::write_file(d1 + "/state", "1");
  ASSERT_EQ(::chown((d1 + "/state").c_str(), u1.uid, u1.gid), 0);
  install_with_users(make_package("2.0"));
  const auto u2 = *read_record("hello.example_daemon_2.0").user;
  EXPECT_EQ(u2, u1) << "the same user";
  const std::string d2 = config_.data_dir + "/hello.example/2.0";
  EXPECT_EQ(testing::read_file(d2 + "/state"), "1");
  EXPECT_EQ(stat_of(d2 + "/state").st_uid, u1.uid);
  EXPECT_EQ(stat_of(d2).st_uid, u1.uid);
  EXPECT_EQ(stat_of(d2).st_mode & 07777, 0700u);
}

TEST_F(UsersInstall, RemoveKeepsTheUserPurgeDeletesIt) {
  install_with_users(make_package("1.0"));
  const auto u = *read_record("hello.example_daemon_1.0").user;
  const std::string passwd = config_.accounts_root + "/etc/passwd";
  EXPECT_THROW(purge_package_user(config_, value_or_throw(PackageKey::parse("hello.example"))),
               ConfineError)
      << "not while installed";
  Steps s;
  s.push_back(make_users_step());
  remove_package(config_, value_or_throw(PackageKey::parse("hello.example")), "", s);
  EXPECT_NE(testing::read_file(passwd).find("c_hello_example:"), std::string::npos);
  // Its tmp dirs go with it: a later user of that uid must not get them.
  const std::string tmp = config_.tmp_dir + "/confine/" + std::to_string(u.uid);
  testing::write_file(tmp + "/x/file", "");
  auto gone = purge_package_user(config_, value_or_throw(PackageKey::parse("hello.example")));
  ASSERT_TRUE(gone.has_value());
  EXPECT_EQ(gone->uid, u.uid);
  EXPECT_EQ(testing::read_file(passwd).find("c_hello_example:"), std::string::npos);
  EXPECT_NE(::access(tmp.c_str(), F_OK), 0);
  EXPECT_FALSE(purge_package_user(config_, value_or_throw(PackageKey::parse("hello.example"))));
}

TEST_F(UsersInstall, RootServiceIsDeclaredAndWarned) {
  const std::string pkg = root_ / "pkgs/rooted";
  write_meta(pkg, R"({"name":"hello","version":"1.0",
    "services":[{"name":"daemon","start":"bin/daemon","user":"root"}]})");
  testing::write_file(pkg + "/bin/daemon", "#!/bin/sh\n", 0755);
  auto r = install_with_users(pkg);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "hello.example_daemon_1.0 (services[0]) runs as root, as its metadata declares "
            "(\"user\": \"root\"): it owns every root file its policy lets it write");
  EXPECT_FALSE(read_record("hello.example_daemon_1.0").user);
  const std::string unit =
      testing::read_file(config_.units_dir + "/confine-hello.example_daemon.service");
  EXPECT_EQ(unit.find("User="), std::string::npos) << unit;
  EXPECT_NE(unit.find("\nExecStart=" + std::string(CONFINE_TEST_RUN_PATH)), std::string::npos);
  EXPECT_EQ(testing::read_file(config_.accounts_root + "/etc/passwd").find("c_hello"),
            std::string::npos)
      << "no user for a package that does not use one";
}

TEST_F(UsersInstall, GroupsAreResolvedOrNamedInTheError) {
  const std::string pkg = root_ / "pkgs/groups";
  write_meta(pkg, R"({"name":"hello","version":"1.0",
    "services":[{"name":"daemon","start":"bin/daemon","groups":["audio"]}]})");
  testing::write_file(pkg + "/bin/daemon", "#!/bin/sh\n", 0755);
  install_with_users(pkg);
  EXPECT_EQ(read_record("hello.example_daemon_1.0").user->groups, std::vector<gid_t>{29});

  const std::string bad = root_ / "pkgs/badgroup";
  write_meta(bad, R"({"name":"hello","version":"2.0",
    "services":[{"name":"daemon","start":"bin/daemon","groups":["nosuchgroup"]}]})");
  testing::write_file(bad + "/bin/daemon", "#!/bin/sh\n", 0755);
  try {
    install_with_users(bad);
    ADD_FAILURE() << "no error";
  } catch (const ConfineError& e) {
    EXPECT_EQ(std::string(e.what()), bad +
                                         "/meta/package.json: services[0].groups[0]: no group "
                                         "\"nosuchgroup\" on this system");
  }
  EXPECT_TRUE(read_record("hello.example_daemon_1.0").user) << "1.0 stays";
}

TEST_F(UsersInstall, FailedFirstInstallTakesTheNewUserAway) {
  const std::string pkg = make_package("1.0");
  Steps s;
  s.push_back(make_users_step());
  s.push_back(std::make_unique<FakeStep>(&log_, FakeStep::FailIn::Prepare));
  EXPECT_THROW(install_package(config_, pkg, "example", s), ConfineError);
  EXPECT_EQ(testing::read_file(config_.accounts_root + "/etc/passwd").find("c_hello"),
            std::string::npos);
}

}  // namespace
}  // namespace confine::install::testing_support
