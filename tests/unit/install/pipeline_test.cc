// install / upgrade / reinstall / remove / list, and all-or-nothing: every
// failure leaves the previous state byte for byte.
#include "install/pipeline.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "bad_metadata.h"
#include "core/error.h"
#include "core/launch_record.h"
#include "install/units_step.h"
#include "install_fixture.h"

namespace confine::install::testing_support {
namespace {

using FailIn = FakeStep::FailIn;

bool exists(const std::string& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0;
}
mode_t mode_of(const std::string& p) {
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}
std::string link_of(const std::string& p) {
  char buf[4096];
  ssize_t n = ::readlink(p.c_str(), buf, sizeof buf);
  return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}
std::vector<std::string> strs(const std::vector<AppId>& ids) {
  std::vector<std::string> out;
  for (const auto& id : ids) out.push_back(id.str());
  return out;
}

TEST_F(InstallTest, InstallCopiesFilesAndWritesArtifacts) {
  auto r = install(make_package("1.0"));
  EXPECT_EQ(r.key.str(), "hello.example");
  EXPECT_EQ(r.version, "1.0");
  EXPECT_EQ(strs(r.apps),
            (std::vector<std::string>{"hello.example_daemon_1.0", "hello.example_hello_1.0"}));
  EXPECT_EQ(r.previous_version, "");
  EXPECT_FALSE(r.files_unchanged);

  EXPECT_EQ(testing::read_file(apps("hello.example/1.0/bin/hello")), "#!/bin/sh\necho hello\n");
  EXPECT_EQ(mode_of(apps("hello.example/1.0/bin/hello")), 0755u);
  EXPECT_EQ(link_of(apps("hello.example/current")), "1.0");
  EXPECT_EQ(mode_of(config_.data_dir + "/hello.example/1.0"), 0755u);
  // No staging leftovers beside the versions.
  for (const auto& [path, v] : snapshot(apps("hello.example")))
    EXPECT_EQ(path.find("/.staging"), std::string::npos) << path;

  // The launch record is what confine-run reads; it lists the layers the
  // steps before it generated.
  EXPECT_EQ(testing::read_file(record("hello.example_hello_1.0")),
            "format=1\napp_id=hello.example_hello_1.0\ntype=app\nexec=bin/hello\nlayers=devices\n");
  EXPECT_EQ(mode_of(record("hello.example_hello_1.0")), 0644u);
  EXPECT_EQ(mode_of(config_.policy_dir + "/launch"), 0755u);
  EXPECT_TRUE(
      LaunchRecord::parse(testing::read_file(record("hello.example_daemon_1.0")), "r").ok());
  EXPECT_EQ(log_.calls, (std::vector<std::string>{"prepare", "commit"}));
}

TEST_F(InstallTest, ServicesGetSystemdUnits) {
  install(make_package("1.0"));
  const std::string unit = config_.units_dir + "/confine-hello.example_daemon_1.0.service";
  std::string text = testing::read_file(unit);
  EXPECT_NE(text.find("\n[Unit]\nDescription=100%% sample\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n[Service]\nExecStart=" CONFINE_TEST_RUN_PATH " hello.example_daemon_1.0\n"
                      "Restart=on-failure\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\n[Install]\nWantedBy=multi-user.target\n"), std::string::npos) << text;
  EXPECT_EQ(mode_of(unit), 0644u);
  EXPECT_FALSE(exists(config_.units_dir + "/confine-hello.example_hello_1.0.service"))
      << "binaries get no unit";
}

TEST_F(InstallTest, UnitNamesEscapeWhatSystemdRejects) {
  auto id = value_or_throw(AppId::parse("hello.example_daemon_1.0+git~1"));
  EXPECT_EQ(unit_name(id), "confine-hello.example_daemon_1.0\\x2bgit\\x7e1.service");
}

TEST_F(InstallTest, PackageModesAreSanitized) {
  std::string pkg = make_package("1.0");
  testing::write_file(pkg + "/share/data", "x", 0666);
  ASSERT_EQ(::chmod((pkg + "/bin/hello").c_str(), 06777), 0);
  ASSERT_EQ(::chmod((pkg + "/share").c_str(), 03777), 0);
  install(pkg);
  EXPECT_EQ(mode_of(apps("hello.example/1.0/bin/hello")), 0755u) << "setuid/setgid stripped";
  EXPECT_EQ(mode_of(apps("hello.example/1.0/share/data")), 0644u);
  EXPECT_EQ(mode_of(apps("hello.example/1.0/share")), 0755u);
  struct stat st;
  ASSERT_EQ(::lstat(apps("hello.example/1.0/bin/hello").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, ::geteuid());
}

TEST_F(InstallTest, SymlinksInsideThePackageAreKept) {
  std::string pkg = make_package("1.0");
  ASSERT_EQ(::symlink("../bin/hello", (pkg + "/meta/hello-link").c_str()), 0);
  install(pkg);
  EXPECT_EQ(link_of(apps("hello.example/1.0/meta/hello-link")), "../bin/hello");
}

struct AttackCase {
  const char* what;
  const char* link_path;  // inside the package
  const char* target;
  const char* message;
};

TEST_F(InstallTest, EscapingSymlinksAreRefusedAndNothingIsWritten) {
  const AttackCase cases[] = {
      {"absolute", "lib/passwd", "/etc/passwd",
       "lib/passwd: symlink to \"/etc/passwd\" points "
       "outside the package (absolute)"},
      {"dot-dot", "lib/up", "../../../etc/passwd",
       "lib/up: symlink to \"../../../etc/passwd\" points outside the package"},
      {"dangling", "lib/nothing", "missing", "lib/nothing: symlink does not resolve"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    std::string pkg = make_package("1.0", std::string("attack-") + c.what);
    testing::write_file(pkg + "/lib/.keep", "");
    ASSERT_EQ(::symlink(c.target, (pkg + "/" + c.link_path).c_str()), 0);
    auto before = state();
    std::string err = install_error(pkg);
    EXPECT_NE(err.find(c.message), std::string::npos) << err;
    EXPECT_EQ(state(), before);
  }
}

// A link that looks contained lexically but escapes through another link:
// lib/dot -> "." makes "dot/../.." one level above the package.
TEST_F(InstallTest, SymlinkEscapingThroughAnotherSymlinkIsRefused) {
  std::string pkg = make_package("1.0");
  testing::write_file(pkg + "/lib/.keep", "");
  ASSERT_EQ(::symlink(".", (pkg + "/lib/dot").c_str()), 0);
  ASSERT_EQ(::symlink("dot/../..", (pkg + "/lib/evil").c_str()), 0);
  auto before = state();
  std::string err = install_error(pkg);
  EXPECT_NE(err.find("lib/evil: symlink points outside the package"), std::string::npos) << err;
  EXPECT_EQ(state(), before);
}

TEST_F(InstallTest, FifosSocketsAndDevicesAreRefused) {
  std::string fifo_pkg = make_package("1.0", "fifo");
  ASSERT_EQ(::mkfifo((fifo_pkg + "/bin/pipe").c_str(), 0644), 0);
  std::string sock_pkg = make_package("1.0", "sock");
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string sock_path = sock_pkg + "/bin/sock";
  ASSERT_LT(sock_path.size(), sizeof addr.sun_path);
  std::strcpy(addr.sun_path, sock_path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  auto before = state();
  for (const auto& pkg : {fifo_pkg, sock_pkg}) {
    std::string err = install_error(pkg);
    EXPECT_NE(err.find(": device nodes, fifos and sockets are not allowed in a package"),
              std::string::npos)
        << err;
  }
  EXPECT_EQ(state(), before);

  CONFINE_REQUIRE(testing::is_root(), "mknod needs root");
  std::string dev_pkg = make_package("1.0", "dev");
  ASSERT_EQ(::mknod((dev_pkg + "/bin/mem").c_str(), S_IFCHR | 0666, makedev(1, 1)), 0);
  std::string err = install_error(dev_pkg);
  EXPECT_NE(err.find(dev_pkg + "/bin/mem: device nodes"), std::string::npos) << err;
  EXPECT_EQ(state(), before);
}

TEST_F(InstallTest, BadMetadataWritesNothing) {
  std::string pkg = make_package("1.0");
  write_meta(pkg, R"({"name":"hello","version":"1.0","binaries":[{"name":"x","exec":"bin/x"}]})");
  auto before = state();
  EXPECT_NE(install_error(pkg).find("binaries[0].exec: \"bin/x\" does not exist in the package"),
            std::string::npos);
  EXPECT_EQ(state(), before);
  EXPECT_FALSE(exists(config_.apps_dir));
  EXPECT_TRUE(log_.calls.empty()) << "no step ran";
}

// Every bad metadata case of the parser table, through the whole pipeline
// on top of an installed version: the same message, and nothing written.
TEST_F(InstallTest, EveryBadMetadataCaseLeavesThePreviousInstall) {
  install(make_package("1.0"));
  auto before = state();
  std::string pkg = make_package("1.0", "bad");
  testing::write_file(pkg + "/bin/cli", "#!/bin/sh\n", 0755);
  for (const auto& c : bad_cases()) {
    SCOPED_TRACE(c.what);
    write_meta(pkg, c.text);
    try {
      install_package(config_, pkg, c.origin, steps());
      ADD_FAILURE() << "accepted";
    } catch (const ConfineError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(pkg + "/meta/package.json: " + c.expected, 0), 0u)
          << e.what();
    }
    EXPECT_EQ(state(), before);
  }
}

TEST_F(InstallTest, UpgradeReplacesThePreviousVersion) {
  install(make_package("1.0"));
  testing::write_file(config_.data_dir + "/hello.example/1.0/state", "kept\n", 0600);
  // 2.0 drops the service.
  std::string pkg2 = make_package("2.0");
  write_meta(
      pkg2, R"({"name":"hello","version":"2.0","binaries":[{"name":"hello","exec":"bin/hello"}]})");
  log_.calls.clear();
  auto r = install(pkg2);
  EXPECT_EQ(r.previous_version, "1.0");
  EXPECT_EQ(strs(r.apps), std::vector<std::string>{"hello.example_hello_2.0"});
  EXPECT_EQ(strs(r.removed),
            (std::vector<std::string>{"hello.example_daemon_1.0", "hello.example_hello_1.0"}));
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(link_of(apps("hello.example/current")), "2.0");
  EXPECT_FALSE(exists(apps("hello.example/1.0")));
  EXPECT_FALSE(exists(record("hello.example_hello_1.0")));
  EXPECT_FALSE(exists(record("hello.example_daemon_1.0")));
  EXPECT_TRUE(exists(record("hello.example_hello_2.0")));
  EXPECT_FALSE(exists(config_.units_dir + "/confine-hello.example_daemon_1.0.service"));
  EXPECT_FALSE(exists(config_.policy_dir + "/fake/hello.example_hello_1.0"));
  // Data moves to the new version.
  EXPECT_EQ(testing::read_file(config_.data_dir + "/hello.example/2.0/state"), "kept\n");
  EXPECT_EQ(mode_of(config_.data_dir + "/hello.example/2.0/state"), 0600u);
  EXPECT_FALSE(exists(config_.data_dir + "/hello.example/1.0"));
  // Stale artifacts go only after the new ones are committed.
  EXPECT_EQ(log_.calls,
            (std::vector<std::string>{"prepare", "commit",
                                      "remove hello.example_daemon_1.0 hello.example_hello_1.0"}));
}

TEST_F(InstallTest, FailedCleanupOfThePreviousVersionIsAWarning) {
  install(make_package("1.0"));
  auto r = install(make_package("2.0"), FailIn::Remove);
  EXPECT_EQ(r.warnings, std::vector<std::string>{"fake: fake: remove failed"});
  EXPECT_EQ(link_of(apps("hello.example/current")), "2.0") << "the install itself succeeded";
  EXPECT_FALSE(exists(record("hello.example_hello_1.0"))) << "the other steps still cleaned up";
  EXPECT_FALSE(exists(apps("hello.example/1.0")));
}

TEST_F(InstallTest, AppsDirBelowASymlinkedParentWorks) {
  // Like /var/lib being a symlink on some systems.
  ASSERT_EQ(::mkdir((root_ / "real").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("real", (root_ / "lib").c_str()), 0);
  config_.apps_dir = root_ / "lib/apps";
  install(make_package("1.0"));
  EXPECT_EQ(link_of(root_ / "real/apps/hello.example/current"), "1.0");
}

TEST_F(InstallTest, ReinstallingIdenticalContentChangesNoFiles) {
  std::string pkg = make_package("1.0");
  install(pkg);
  auto apps_before = snapshot(config_.apps_dir);
  auto data_before = snapshot(config_.data_dir);
  auto r = install(pkg);
  EXPECT_TRUE(r.files_unchanged);
  EXPECT_EQ(r.previous_version, "1.0");
  EXPECT_TRUE(r.removed.empty());
  EXPECT_EQ(snapshot(config_.apps_dir), apps_before);
  EXPECT_EQ(snapshot(config_.data_dir), data_before);
  EXPECT_TRUE(exists(record("hello.example_hello_1.0")));
}

TEST_F(InstallTest, LeftoversOfAKilledInstallGoWithTheNextOne) {
  install(make_package("1.0"));
  testing::write_file(apps("hello.example/.staging-AbC123/tree/bin/x"), "partial");
  ASSERT_EQ(::symlink("2.0", apps("hello.example/current.new-99-0").c_str()), 0);
  EXPECT_EQ(list_packages(config_)[0].versions.size(), 1u) << "leftovers are not versions";
  install(make_package("2.0"));
  EXPECT_FALSE(exists(apps("hello.example/.staging-AbC123")));
  EXPECT_FALSE(exists(apps("hello.example/current.new-99-0")));
}

TEST_F(InstallTest, InstallingFromTheInstallDirReusesIt) {
  install(make_package("1.0"));
  auto apps_before = snapshot(config_.apps_dir);
  auto r = install(apps("hello.example/1.0"));
  EXPECT_TRUE(r.files_unchanged);
  EXPECT_EQ(snapshot(config_.apps_dir), apps_before);
}

TEST_F(InstallTest, SameVersionWithDifferentContentIsRefused) {
  install(make_package("1.0"));
  auto before = state();
  std::string err = install_error(make_package("1.0", "changed", "echo changed\n"));
  EXPECT_EQ(err,
            "hello.example 1.0 is already installed with different content; give the changed "
            "package a new version");
  EXPECT_EQ(state(), before);
}

TEST_F(InstallTest, BadMetadataOnUpgradeLeavesThePreviousInstall) {
  install(make_package("1.0"));
  auto before = state();
  std::string pkg2 = make_package("2.0");
  write_meta(
      pkg2,
      R"({"name":"hello","version":"2.0","binaries":[{"name":"hello","exec":"bin/hello","capz":[]}]})");
  EXPECT_NE(install_error(pkg2).find("binaries[0].capz: unknown key"), std::string::npos);
  EXPECT_EQ(state(), before);
}

TEST_F(InstallTest, FailedCommitOnUpgradeRollsEverythingBack) {
  install(make_package("1.0"));
  auto before = state();
  log_.calls.clear();
  // The units step commits the 2.0 unit, then the fake step fails half-way.
  EXPECT_EQ(install_error(make_package("2.0"), FailIn::Commit), "fake: commit failed");
  EXPECT_EQ(state(), before);
  EXPECT_EQ(log_.calls,
            (std::vector<std::string>{"prepare", "commit", "abort",
                                      "remove hello.example_daemon_2.0 hello.example_hello_2.0"}));
}

TEST_F(InstallTest, FailedPrepareOnUpgradeRollsEverythingBack) {
  install(make_package("1.0"));
  auto before = state();
  log_.calls.clear();
  EXPECT_EQ(install_error(make_package("2.0"), FailIn::Prepare), "fake: prepare failed");
  EXPECT_EQ(state(), before);
  EXPECT_EQ(log_.calls, (std::vector<std::string>{"prepare", "abort"}));
}

TEST_F(InstallTest, FailedFirstInstallLeavesNothing) {
  ASSERT_EQ(::mkdir(config_.apps_dir.c_str(), 0755), 0);
  auto before = state();
  EXPECT_EQ(install_error(make_package("1.0"), FailIn::Commit), "fake: commit failed");
  EXPECT_EQ(state(), before);
}

TEST_F(InstallTest, UnwritableDataDirRollsBackTheCopy) {
  // data_dir is a file: creating the data dir fails after the package was
  // copied into apps_dir, which must be undone.
  install(make_package("1.0"));
  testing::write_file(root_ / "datafile", "not a directory");
  config_.data_dir = root_ / "datafile";
  auto before = state();
  std::string err = install_error(make_package("2.0"));
  EXPECT_EQ(err, root_ / "datafile" + " exists and is not a directory");
  EXPECT_EQ(state(), before);
}

TEST_F(InstallTest, DataDirThatIsAFileIsRefused) {
  install(make_package("1.0"));
  testing::write_file(config_.data_dir + "/hello.example/2.0", "not a directory");
  auto before = state();
  EXPECT_EQ(install_error(make_package("2.0")),
            config_.data_dir + "/hello.example/2.0 exists and is not a directory");
  EXPECT_EQ(state(), before);
}

// Sets the immutable flag on a directory for the guard's lifetime: even root
// cannot add entries then, which makes "apps_dir is not writable" testable.
class Immutable {
 public:
  explicit Immutable(const std::string& dir)
      : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    int flags = 0;
    ok_ = fd_ >= 0 && ::ioctl(fd_, FS_IOC_GETFLAGS, &flags) == 0 &&
          (flags |= FS_IMMUTABLE_FL, ::ioctl(fd_, FS_IOC_SETFLAGS, &flags) == 0);
  }
  ~Immutable() {
    int flags = 0;
    if (ok_ && ::ioctl(fd_, FS_IOC_GETFLAGS, &flags) == 0) {
      flags &= ~FS_IMMUTABLE_FL;
      ::ioctl(fd_, FS_IOC_SETFLAGS, &flags);
    }
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return ok_; }

 private:
  int fd_;
  bool ok_ = false;
};

TEST_F(InstallTest, UnwritableAppsDirChangesNothing) {
  install(make_package("1.0"));
  std::string pkg2 = make_package("2.0");
  auto before = state();
  {
    Immutable frozen(apps("hello.example"));
    CONFINE_REQUIRE(frozen.ok(), "setting the immutable flag needs root and ext4/xfs/btrfs");
    std::string err = install_error(pkg2);
    EXPECT_NE(err.find("cannot create " + apps("hello.example/.staging-")), std::string::npos)
        << err;
  }
  EXPECT_EQ(state(), before);
  {
    // A first install into an apps_dir that cannot take the package dir.
    Immutable frozen(config_.apps_dir);
    ASSERT_TRUE(frozen.ok());
    write_meta(pkg2,
               R"({"name":"other","version":"1","binaries":[{"name":"x","exec":"bin/hello"}]})");
    EXPECT_EQ(install_error(pkg2), "cannot create directory " + apps("other.example"));
  }
  EXPECT_EQ(state(), before);
}

TEST_F(InstallTest, PackageDirThatIsAFileIsRefused) {
  ASSERT_EQ(::mkdir(config_.apps_dir.c_str(), 0755), 0);
  testing::write_file(apps("hello.example"), "");
  auto before = state();
  EXPECT_EQ(install_error(make_package("1.0")),
            apps("hello.example") + " exists and is not a directory");
  EXPECT_EQ(state(), before);
}

TEST_F(InstallTest, RemoveDeletesArtifactsThenFiles) {
  install(make_package("1.0"));
  log_.calls.clear();
  auto r = remove_package(config_, value_or_throw(PackageKey::parse("hello.example")), "", steps());
  EXPECT_EQ(r.versions, std::vector<std::string>{"1.0"});
  EXPECT_EQ(strs(r.apps),
            (std::vector<std::string>{"hello.example_daemon_1.0", "hello.example_hello_1.0"}));
  EXPECT_FALSE(exists(apps("hello.example")));
  EXPECT_FALSE(exists(config_.data_dir + "/hello.example"));
  EXPECT_FALSE(exists(record("hello.example_hello_1.0")));
  EXPECT_FALSE(exists(config_.units_dir + "/confine-hello.example_daemon_1.0.service"));
  EXPECT_FALSE(exists(config_.policy_dir + "/fake/hello.example_hello_1.0"));
  EXPECT_EQ(log_.calls,
            std::vector<std::string>{"remove hello.example_daemon_1.0 hello.example_hello_1.0"});
  try {
    remove_package(config_, r.apps[0].key, "", steps());
    ADD_FAILURE() << "second remove succeeded";
  } catch (const ConfineError& e) {
    EXPECT_STREQ(e.what(), "hello.example is not installed");
  }
}

TEST_F(InstallTest, RemoveOneVersion) {
  install(make_package("1.0"));
  auto key = value_or_throw(PackageKey::parse("hello.example"));
  try {
    remove_package(config_, key, "9.9", steps());
    ADD_FAILURE() << "removed a version that is not installed";
  } catch (const ConfineError& e) {
    EXPECT_STREQ(e.what(), "hello.example 9.9 is not installed");
  }
  auto r = remove_package(config_, key, "1.0", steps());
  EXPECT_EQ(r.versions, std::vector<std::string>{"1.0"});
  EXPECT_FALSE(exists(apps("hello.example")));
}

TEST_F(InstallTest, FailedStepRemovalKeepsTheFiles) {
  install(make_package("1.0"));
  auto key = value_or_throw(PackageKey::parse("hello.example"));
  try {
    remove_package(config_, key, "", steps(FailIn::Remove));
    ADD_FAILURE() << "remove succeeded";
  } catch (const ConfineError& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot remove the policy of hello.example: fake: fake: remove failed (its files "
              "are kept; run the removal again)");
  }
  EXPECT_TRUE(exists(apps("hello.example/1.0/bin/hello")));
  EXPECT_EQ(link_of(apps("hello.example/current")), "1.0");
  remove_package(config_, key, "", steps());
  EXPECT_FALSE(exists(apps("hello.example")));
}

TEST_F(InstallTest, ListShowsPackagesVersionsAndAppIds) {
  EXPECT_TRUE(list_packages(config_).empty());
  install(make_package("1.0"));
  std::string fw = pkgs_ / "fw";
  write_meta(
      fw,
      R"({"name":"base","version":"3","type":"framework","binaries":[{"name":"tool","exec":"tool"}]})");
  testing::write_file(fw + "/tool", "#!/bin/sh\n", 0755);
  install_package(config_, fw, "", steps());

  auto list = list_packages(config_);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].key.str(), "base");
  ASSERT_EQ(list[0].versions.size(), 1u);
  EXPECT_EQ(list[0].versions[0].version, "3");
  EXPECT_TRUE(list[0].versions[0].current);
  EXPECT_EQ(strs(list[0].versions[0].apps), std::vector<std::string>{"base_tool_3"});
  EXPECT_EQ(list[1].key.str(), "hello.example");
  EXPECT_EQ(strs(list[1].versions[0].apps),
            (std::vector<std::string>{"hello.example_daemon_1.0", "hello.example_hello_1.0"}));
  EXPECT_EQ(testing::read_file(record("base_tool_3")),
            "format=1\napp_id=base_tool_3\ntype=framework\nexec=tool\nlayers=devices\n");
}

}  // namespace
}  // namespace confine::install::testing_support
