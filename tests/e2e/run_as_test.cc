// Who an app runs as, through the real confine and confine-run: root's
// launch of a service (or of a binary declaring "user": "package") becomes
// the package user with exactly its ids and no capability; root's launch of
// any other binary stays root (an ordinary user's launch: launch_user in
// unit/launch/run_as_test.cc).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support.h"

namespace confine::testing {
namespace {

const char kReport[] = R"SH(#!/bin/sh
grep -E '^(Uid|Gid|Groups|CapEff|CapPrm|CapBnd):' /proc/self/status
echo "home=$HOME"
echo "data=$CONFINE_APP_DATA_PATH"
touch "$CONFINE_APP_DATA_PATH/mine" && echo "data write ok"
touch "$TMPDIR/t" && echo "tmp write ok"
exit 0
)SH";

class RunAs : public ::testing::Test {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(is_root(), "installs users and switches ids");
    CONFINE_REQUIRE(::access("/usr/sbin/useradd", X_OK) == 0, "useradd not installed");
    config_ = dir_ / "config.json";
    ::mkdir((dir_ / "tmp").c_str(), 01777);
    ::chmod((dir_ / "tmp").c_str(), 01777);
    write_file(config_, "{\"apps_dir\": \"" + dir_ / "apps" + "\", \"data_dir\": \"" +
                            dir_ / "data" + "\", \"policy_dir\": \"" + dir_ / "policy" +
                            "\", \"units_dir\": \"" + dir_ / "units" + "\", \"tmp_dir\": \"" +
                            dir_ / "tmp" + "\", \"accounts_root\": \"" +
                            make_accounts_root(dir_ / "accounts") + "\", \"templates_dir\": \"" +
                            source_path("policy-templates") +
                            "\", \"apparmor\": \"if-available\", \"devices\": \"if-available\", "
                            // A user-run app's chmod of its own files: no layer on a
                            // Landlock-only host (confine(8), COVERAGE).
                            "\"accept_gaps\": [\"file-metadata\"]}");
    const std::string pkg = dir_ / "pkg";
    write_file(pkg + "/meta/package.json", R"({"name": "runas", "version": "1.0",
      "services": [{"name": "svc", "start": "bin/report", "groups": ["audio"]}],
      "binaries": [{"name": "cli", "exec": "bin/report"},
                   {"name": "admin", "exec": "bin/report", "user": "package"}]})");
    write_file(pkg + "/bin/report", kReport, 0755);
    auto r = confine({"install", "--origin", "e2e", pkg});
    ASSERT_EQ(r.status, 0) << r.err;
    installed_ = true;
    const std::string passwd = read_file(dir_ / "accounts/etc/passwd");
    const size_t p = passwd.find("c_runas_e2e:x:");
    ASSERT_NE(p, std::string::npos) << passwd;
    uid_ = passwd.substr(p + 14, passwd.find(':', p + 14) - p - 14);
  }
  void TearDown() override {
    if (installed_) confine({"remove", "--purge", "runas.e2e"});
  }
  RunResult confine(const std::vector<std::string>& args) {
    std::vector<std::string> argv{build_path("launcher/confine"), "--config", config_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }
  RunResult launch(const std::string& app) {
    return run(
        {build_path("launcher/confine-run"), "--config", config_, "--verbose", "runas.e2e_" + app});
  }
  TempDir dir_;
  std::string config_, uid_;
  bool installed_ = false;
};

TEST_F(RunAs, RootsLaunchOfTheServiceIsThePackageUser) {
  auto r = launch("svc");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string u = uid_ + "\t" + uid_ + "\t" + uid_ + "\t" + uid_;
  EXPECT_NE(r.out.find("Uid:\t" + u + "\nGid:\t" + u + "\nGroups:\t29 \n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("CapEff:\t0000000000000000\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CapPrm:\t0000000000000000\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CapBnd:\t0000000000000000\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("home=" + dir_ / "data/runas.e2e/1.0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("data write ok\n"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("tmp write ok\n"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find("confine-run: applied: user c_runas_e2e (uid " + uid_ + ", gid " + uid_ +
                       ", groups: 29)\n"),
            std::string::npos)
      << r.err;
  struct stat st;
  ASSERT_EQ(::stat((dir_ / "data/runas.e2e/1.0/mine").c_str(), &st), 0);
  EXPECT_EQ(std::to_string(st.st_uid), uid_);
  ASSERT_EQ(::stat((dir_ / ("tmp/confine/" + uid_)).c_str(), &st), 0);
  EXPECT_EQ(std::to_string(st.st_uid), uid_) << "the user's own tmp dir";
}

// Its package user owns nothing outside what its policy lets it write, so
// the kernel's ownership rules hold its file metadata where Landlock cannot:
// the service starts with no gap accepted (a user-run app would not).
TEST_F(RunAs, ThePackageUserNeedsNoAcceptedGap) {
  std::string c = read_file(config_);
  const std::string accepted = "\"accept_gaps\": [\"file-metadata\"]";
  ASSERT_NE(c.find(accepted), std::string::npos) << c;
  c.replace(c.find(accepted), accepted.size(), "\"accept_gaps\": []");
  write_file(config_, c);
  auto r = launch("svc");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("partially confined"), std::string::npos) << r.err;
  EXPECT_TRUE(r.err.find("confine-run: holds: file-metadata: ownership\n") != std::string::npos ||
              r.err.find("confine-run: holds: file-metadata: apparmor, ownership\n") !=
                  std::string::npos)
      << r.err;
}

TEST_F(RunAs, CheckAndPolicySayWhoAppsRunAs) {
  auto r = confine({"check"});
  EXPECT_NE(r.out.find("\nusers     services run as their package's user, binaries as their "
                       "caller\n"),
            std::string::npos)
      << r.out;
  r = confine({"policy", "runas.e2e_svc_1.0"});
  EXPECT_NE(r.out.find("\nruns as: package user c_runas_e2e (uid " + uid_ +
                       ") when root "
                       "launches it, else its caller\n"),
            std::string::npos)
      << r.out << r.err;
  r = confine({"policy", "runas.e2e_cli_1.0"});
  EXPECT_NE(r.out.find("\nruns as: its caller"), std::string::npos) << r.out << r.err;
}

TEST_F(RunAs, ADeclaredBinaryToo) {
  auto r = launch("admin");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Uid:\t" + uid_ + "\t"), std::string::npos) << r.out;
}

TEST_F(RunAs, RootsLaunchOfAnyOtherBinaryStaysRoot) {
  auto r = launch("cli");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Uid:\t0\t0\t0\t0\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("applied: user "), std::string::npos) << r.err;
}

TEST_F(RunAs, DataDirMadeRootsAgainIsHandedBackOnLaunch) {
  const std::string data = dir_ / "data/runas.e2e/1.0";
  ASSERT_EQ(::chown(data.c_str(), 0, 0), 0);
  ASSERT_EQ(::chmod(data.c_str(), 0755), 0);
  auto r = launch("svc");
  ASSERT_EQ(r.status, 0) << r.err;
  struct stat st;
  ASSERT_EQ(::stat(data.c_str(), &st), 0);
  EXPECT_EQ(std::to_string(st.st_uid), uid_);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST_F(RunAs, DataDirOfSomeoneElseIsRefused) {
  const std::string data = dir_ / "data/runas.e2e/1.0";
  ASSERT_EQ(::chown(data.c_str(), 4242, 4242), 0);
  auto r = launch("svc");
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("data directory " + data + " is owned by uid 4242"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace confine::testing
