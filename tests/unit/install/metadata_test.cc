// meta/package.json parsing: every rule of confine-package(5), each bad case asserting the
// message a package author would see.
#include "install/metadata.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bad_metadata.h"
#include "core/error.h"
#include "test_support.h"

namespace confine::install {
namespace {

const char* kFile = "pkg/meta/package.json";

TEST(MetadataTest, BadMetadataIsRejectedWithFileJsonPathAndProblem) {
  auto cases = bad_cases();
  ASSERT_GE(cases.size(), 30u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    try {
      parse_package_meta(c.text, kFile, c.origin);
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const ConfineError& e) {
      std::string msg = e.what();
      std::string want = std::string(kFile) + ": " + c.expected;
      EXPECT_EQ(msg.substr(0, want.size()), want) << "full message: " << msg;
    }
  }
}

TEST(MetadataTest, FullExampleParses) {
  auto m = parse_package_meta(R"({
    "name": "foo", "version": "1.0~rc1", "type": "app", "description": "what it is",
    "services": [ { "name": "bar", "start": "bin/bar", "description": "a daemon",
                    "caps": ["network-service"] } ],
    "binaries": [ { "name": "cli", "exec": "bin/cli", "caps": [] } ] })",
                              kFile, "example");
  EXPECT_EQ(m.name, "foo");
  EXPECT_EQ(m.version, "1.0~rc1");
  EXPECT_EQ(m.type, PackageType::App);
  EXPECT_EQ(m.origin, "example");
  EXPECT_EQ(m.description, "what it is");
  EXPECT_EQ(m.key().str(), "foo.example");
  ASSERT_EQ(m.services.size(), 1u);
  ASSERT_EQ(m.binaries.size(), 1u);
  EXPECT_EQ(m.services[0].kind, AppEntry::Kind::Service);
  EXPECT_EQ(m.services[0].exec, "bin/bar");
  EXPECT_EQ(m.services[0].description, "a daemon");
  EXPECT_EQ(m.services[0].caps, std::vector<std::string>{"network-service"});
  EXPECT_EQ(m.services[0].json_path, "services[0]");
  EXPECT_EQ(m.binaries[0].kind, AppEntry::Kind::Binary);
  EXPECT_TRUE(m.binaries[0].caps.empty()) << "caps [] means none";
  EXPECT_EQ(m.binaries[0].security_template, "default");
  auto apps = m.apps();
  ASSERT_EQ(apps.size(), 2u);
  EXPECT_EQ(m.app_id(*apps[0]).str(), "foo.example_bar_1.0~rc1");
  EXPECT_EQ(m.app_id(*apps[1]).str(), "foo.example_cli_1.0~rc1");
}

TEST(MetadataTest, DefaultsForCapsAndTemplate) {
  auto none = parse_package_meta(with_binary(R"("name":"cli","exec":"bin/cli")"), kFile, "o1");
  EXPECT_EQ(none.binaries[0].caps, std::vector<std::string>{"network-client"});
  EXPECT_EQ(none.binaries[0].security_template, "default");

  auto tmpl = parse_package_meta(
      with_binary(R"("name":"cli","exec":"bin/cli","security-template":"unconfined")"), kFile,
      "o1");
  EXPECT_TRUE(tmpl.binaries[0].caps.empty()) << "a template without caps means caps []";
  EXPECT_EQ(tmpl.binaries[0].security_template, "unconfined");

  auto both = parse_package_meta(
      with_binary(R"("name":"cli","exec":"bin/cli","security-template":"t","caps":["g"])"), kFile,
      "o1");
  EXPECT_EQ(both.binaries[0].caps, std::vector<std::string>{"g"});
  EXPECT_EQ(both.binaries[0].security_template, "t");

  auto over = parse_package_meta(
      with_binary(R"("name":"cli","exec":"bin/cli","security-override":{"seccomp":"meta/s"})"),
      kFile, "o1");
  ASSERT_TRUE(over.binaries[0].security_override.has_value());
  EXPECT_EQ(over.binaries[0].security_override->seccomp, "meta/s");
  EXPECT_EQ(over.binaries[0].security_override->apparmor, "");
  EXPECT_EQ(over.binaries[0].caps, std::vector<std::string>{"network-client"});
  EXPECT_EQ(over.binaries[0].security_template, "default");

  auto raw = parse_package_meta(
      with_binary(
          R"("name":"cli","exec":"bin/cli","security-policy":{"apparmor":"meta/a","seccomp":"meta/s"})"),
      kFile, "o1");
  ASSERT_TRUE(raw.binaries[0].security_policy.has_value());
  EXPECT_EQ(raw.binaries[0].security_policy->apparmor, "meta/a");
  EXPECT_TRUE(raw.binaries[0].caps.empty()) << "raw policy uses no groups";
}

TEST(MetadataTest, UserDefaults) {
  // Today's metadata (no "user") still parses: services now run as the
  // package's user, binaries as their caller.
  auto m = parse_package_meta(R"({"name":"foo","version":"1",
    "services":[{"name":"d","start":"bin/d"},
                {"name":"r","start":"bin/r","user":"root"},
                {"name":"g","start":"bin/g","groups":["audio","_x-1"]}],
    "binaries":[{"name":"cli","exec":"bin/cli"},{"name":"admin","exec":"bin/a","user":"package"}]})",
                              kFile, "o1");
  EXPECT_EQ(m.services[0].user, AppEntry::User::Package);
  EXPECT_TRUE(m.services[0].groups.empty());
  EXPECT_EQ(m.services[1].user, AppEntry::User::Root);
  EXPECT_EQ(m.services[2].user, AppEntry::User::Package);
  EXPECT_EQ(m.services[2].groups, (std::vector<std::string>{"audio", "_x-1"}));
  EXPECT_EQ(m.binaries[0].user, AppEntry::User::Caller);
  EXPECT_EQ(m.binaries[1].user, AppEntry::User::Package);
}

TEST(MetadataTest, FrameworkHasNoOrigin) {
  auto m = parse_package_meta(
      R"({"name":"fw","version":"2","type":"framework","binaries":[{"name":"x","exec":"x"}]})",
      kFile, "");
  EXPECT_EQ(m.type, PackageType::Framework);
  EXPECT_EQ(m.key().str(), "fw");
  EXPECT_EQ(m.app_id(m.binaries[0]).str(), "fw_x_2");
}

// load_package_meta: the files named by the metadata must exist inside the package.
class LoadMetaTest : public ::testing::Test {
 protected:
  void write_meta(const std::string& json) {
    testing::write_file(dir_ / "meta/package.json", json);
  }
  std::string load_error() {
    try {
      load_package_meta(dir_.path(), "example");
    } catch (const ConfineError& e) {
      return e.what();
    }
    return "(accepted)";
  }
  testing::TempDir dir_;
  testing::TempDir outside_;
};

TEST_F(LoadMetaTest, GoodPackageLoads) {
  write_meta(with_binary(R"("name":"cli","exec":"bin/cli")"));
  testing::write_file(dir_ / "bin/cli", "#!/bin/sh\n", 0755);
  auto m = load_package_meta(dir_.path(), "example");
  EXPECT_EQ(m.file, dir_ / "meta/package.json");
  EXPECT_EQ(m.binaries[0].exec, "bin/cli");
}

TEST_F(LoadMetaTest, MissingExecIsRejected) {
  write_meta(with_binary(R"("name":"cli","exec":"bin/cli")"));
  EXPECT_EQ(load_error(), dir_ / "meta/package.json" +
                              ": binaries[0].exec: \"bin/cli\" does not exist in the package");
}

TEST_F(LoadMetaTest, NonExecutableExecIsRejected) {
  write_meta(with_service(R"("name":"d","start":"bin/d")"));
  testing::write_file(dir_ / "bin/d", "#!/bin/sh\n", 0644);
  EXPECT_EQ(load_error(),
            dir_ / "meta/package.json" + ": services[0].start: \"bin/d\" is not executable");
}

TEST_F(LoadMetaTest, DirectoryExecIsRejected) {
  write_meta(with_binary(R"("name":"cli","exec":"bin")"));
  testing::write_file(dir_ / "bin/x", "", 0755);
  EXPECT_EQ(load_error(),
            dir_ / "meta/package.json" + ": binaries[0].exec: \"bin\" is not a regular file");
}

TEST_F(LoadMetaTest, ExecSymlinkOutsideIsRejected) {
  write_meta(with_binary(R"("name":"cli","exec":"bin/cli")"));
  testing::write_file(outside_ / "evil", "#!/bin/sh\n", 0755);
  ::mkdir((dir_ / "bin").c_str(), 0755);
  ASSERT_EQ(::symlink((outside_ / "evil").c_str(), (dir_ / "bin/cli").c_str()), 0);
  std::string err = load_error();
  EXPECT_NE(err.find(": binaries[0].exec: \"bin/cli\" resolves to"), std::string::npos) << err;
  EXPECT_NE(err.find("outside the package"), std::string::npos) << err;
}

TEST_F(LoadMetaTest, ExecThroughSymlinkedDirOutsideIsRejected) {
  write_meta(with_binary(R"("name":"cli","exec":"bin/cli")"));
  testing::write_file(outside_ / "cli", "#!/bin/sh\n", 0755);
  ASSERT_EQ(::symlink(outside_.path().c_str(), (dir_ / "bin").c_str()), 0);
  EXPECT_NE(load_error().find("outside the package"), std::string::npos);
}

TEST_F(LoadMetaTest, ExecSymlinkInsideIsAccepted) {
  write_meta(with_binary(R"("name":"cli","exec":"bin/cli")"));
  testing::write_file(dir_ / "lib/real", "#!/bin/sh\n", 0755);
  ::mkdir((dir_ / "bin").c_str(), 0755);
  ASSERT_EQ(::symlink("../lib/real", (dir_ / "bin/cli").c_str()), 0);
  EXPECT_EQ(load_error(), "(accepted)");
}

TEST_F(LoadMetaTest, SecurityFileSymlinkOutsideIsRejected) {
  write_meta(with_binary(
      R"("name":"cli","exec":"bin/cli","security-policy":{"apparmor":"meta/aa","seccomp":"meta/sc"})"));
  testing::write_file(dir_ / "bin/cli", "#!/bin/sh\n", 0755);
  testing::write_file(dir_ / "meta/aa", "profile x {}\n");
  ASSERT_EQ(::symlink("/etc/passwd", (dir_ / "meta/sc").c_str()), 0);
  std::string err = load_error();
  EXPECT_NE(err.find(": binaries[0].security-policy.seccomp: \"meta/sc\" resolves to "
                     "\"/etc/passwd\", outside the package"),
            std::string::npos)
      << err;
}

TEST_F(LoadMetaTest, MissingSecurityFileIsRejected) {
  write_meta(
      with_binary(R"("name":"cli","exec":"bin/cli","security-override":{"apparmor":"meta/aa"})"));
  testing::write_file(dir_ / "bin/cli", "#!/bin/sh\n", 0755);
  EXPECT_EQ(load_error(), dir_ / "meta/package.json" +
                              ": binaries[0].security-override.apparmor: \"meta/aa\" does not "
                              "exist in the package");
}

TEST_F(LoadMetaTest, MetaDirSymlinkedOutsideIsRejected) {
  testing::write_file(outside_ / "package.json", with_binary(R"("name":"cli","exec":"bin/cli")"));
  ASSERT_EQ(::symlink(outside_.path().c_str(), (dir_ / "meta").c_str()), 0);
  EXPECT_NE(load_error().find("outside the package"), std::string::npos);
}

TEST_F(LoadMetaTest, MissingMetadataIsRejected) {
  EXPECT_EQ(load_error(), "cannot read " + dir_ / "meta/package.json");
}

}  // namespace
}  // namespace confine::install

namespace confine::install {
namespace {

// The parser's input is the package author's: random damage to a good file
// must end in a clean ConfineError naming the file, never another exception.
TEST(MetadataFuzzTest, DamagedInputFailsCleanly) {
  const std::string good = R"({"name":"foo","version":"1.0","description":"d",
    "services":[{"name":"s","start":"bin/s","caps":["network-service"],
                 "security-override":{"apparmor":"meta/aa"}}],
    "binaries":[{"name":"b","exec":"bin/b","security-template":"default"}]})";
  const char bytes[] = "{}[]\":,\\ 0aZ-_./\x01\xff";
  unsigned seed = 12345;
  auto rnd = [&seed](unsigned n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
  };
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = good;
    for (unsigned k = 0, edits = 1 + rnd(4); k < edits; ++k) {
      size_t pos = rnd(static_cast<unsigned>(text.size()));
      switch (rnd(3)) {
        case 0:
          text[pos] = bytes[rnd(sizeof bytes - 1)];
          break;
        case 1:
          text.erase(pos, 1 + rnd(8));
          break;
        default:
          text.insert(pos, 1, bytes[rnd(sizeof bytes - 1)]);
          break;
      }
    }
    try {
      parse_package_meta(text, kFile, "example");
      ++accepted;
    } catch (const ConfineError& e) {
      ASSERT_EQ(std::string(e.what()).rfind(std::string(kFile) + ": ", 0), 0u) << e.what();
    } catch (const std::exception& e) {
      FAIL() << "unexpected exception " << e.what() << " for input: " << text;
    }
  }
  EXPECT_LT(accepted, 3000) << "the damage must be noticed sometimes";
}

}  // namespace
}  // namespace confine::install
