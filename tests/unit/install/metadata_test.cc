// meta/package.json parsing: every SPEC.md rule, each bad case asserting the
// message a package author would see.
#include "install/metadata.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "test_support.h"

namespace confine::install {
namespace {

const char* kFile = "pkg/meta/package.json";

std::string with_binary(const std::string& fields) {
  return R"({"name":"foo","version":"1.0","binaries":[{)" + fields + "}]}";
}
std::string with_service(const std::string& fields) {
  return R"({"name":"foo","version":"1.0","services":[{)" + fields + "}]}";
}

struct BadCase {
  const char* what;
  std::string text;
  std::string origin;
  std::string expected;  // exact fragment of the message, after "pkg/meta/package.json: "
};

std::vector<BadCase> bad_cases() {
  const std::string ok_bin = R"("name":"cli","exec":"bin/cli")";
  return {
      {"not json", "{", "example", "invalid JSON: parse error at line 1, column 2"},
      {"top level array", "[]", "example", "(top level): must be an object, not array"},
      {"missing name", R"({"version":"1.0"})", "example", "name: required key is missing"},
      {"name not string", R"({"name":3,"version":"1.0"})", "example",
       "name: must be a string, not number"},
      {"upper case name", R"({"name":"Foo","version":"1.0"})", "example",
       R"(name: invalid package name "Foo": must match ^[a-z0-9](-?[a-z0-9])*$)"},
      {"short name", R"({"name":"f","version":"1.0"})", "example",
       R"(name: invalid package name "f": must be 2 to 40 characters long)"},
      {"name without letter", R"({"name":"123","version":"1.0"})", "example",
       R"(name: invalid package name "123": must contain at least one letter)"},
      {"empty name", R"({"name":"","version":"1.0"})", "example",
       R"(name: invalid package name "": must be 2 to 40 characters long)"},
      {"missing version", R"({"name":"foo"})", "example", "version: required key is missing"},
      {"version starts with _", R"({"name":"foo","version":"_1"})", "example",
       R"(version: invalid version "_1": must start with a letter or digit)"},
      {"version with slash", R"({"name":"foo","version":"1/2"})", "example",
       R"(version: invalid version "1/2": may only contain [A-Za-z0-9.+~:-])"},
      {"bad type", R"({"name":"foo","version":"1","type":"daemon"})", "example",
       R"(type: invalid type "daemon": must be app, framework or oem)"},
      {"app without origin", R"({"name":"foo","version":"1"})", "",
       "type: a package of type app needs --origin ORIGIN"},
      {"framework with origin", R"({"name":"foo","version":"1","type":"framework"})", "example",
       "type: --origin is only for packages of type app, not framework"},
      {"oem with origin", R"({"name":"foo","version":"1","type":"oem"})", "example",
       "type: --origin is only for packages of type app, not oem"},
      {"bad origin", R"({"name":"foo","version":"1"})", "Ex_ample",
       R"(--origin: invalid origin "Ex_ample": must match)"},
      {"origin key in file", R"({"name":"foo","version":"1","origin":"x"})", "example",
       "origin: unknown key (expected one of: name, version, type, description, services, "
       "binaries)"},
      {"typo in security field", with_binary(ok_bin + R"(,"secuirty-template":"default")"),
       "example", "binaries[0].secuirty-template: unknown key (expected one of: name, exec, "},
      {"service with exec", with_service(R"("name":"d","exec":"bin/d")"), "example",
       "services[0].exec: unknown key (expected one of: name, start, "},
      {"service without start", with_service(R"("name":"d")"), "example",
       "services[0].start: required key is missing"},
      {"binary without name", with_binary(R"("exec":"bin/cli")"), "example",
       "binaries[0].name: required key is missing"},
      {"bad app name", with_binary(R"("name":"a_b","exec":"bin/cli")"), "example",
       R"(binaries[0].name: invalid app name "a_b": must match ^[a-zA-Z0-9](-?[a-zA-Z0-9])*$)"},
      {"absolute exec", with_binary(R"("name":"cli","exec":"/bin/sh")"), "example",
       R"(binaries[0].exec: path "/bin/sh" must be relative to the package directory and stay inside it)"},
      {"exec with ..", with_binary(R"("name":"cli","exec":"../x")"), "example",
       R"(binaries[0].exec: path "../x" must be relative)"},
      {"exec with inner ..", with_binary(R"("name":"cli","exec":"bin/../../x")"), "example",
       R"(binaries[0].exec: path "bin/../../x" must be relative)"},
      {"exec with .", with_binary(R"("name":"cli","exec":"./bin/cli")"), "example",
       R"(binaries[0].exec: path "./bin/cli" must be relative)"},
      {"exec empty", with_binary(R"("name":"cli","exec":"")"), "example",
       R"(binaries[0].exec: path "" must be relative)"},
      {"exec not string", with_binary(R"("name":"cli","exec":["bin/cli"])"), "example",
       "binaries[0].exec: must be a string, not array"},
      {"caps not array", with_binary(ok_bin + R"(,"caps":"network-client")"), "example",
       "binaries[0].caps: must be an array, not string"},
      {"cap not string", with_binary(ok_bin + R"(,"caps":["network-client",7])"), "example",
       "binaries[0].caps[1]: must be a string, not number"},
      {"cap with path", with_binary(ok_bin + R"(,"caps":["../../etc/x"])"), "example",
       R"(binaries[0].caps[0]: invalid policy group "../../etc/x": must match)"},
      {"duplicate cap", with_binary(ok_bin + R"(,"caps":["network-client","network-client"])"),
       "example", R"(binaries[0].caps[1]: duplicate policy group "network-client")"},
      {"bad template", with_binary(ok_bin + R"(,"security-template":"Default")"), "example",
       R"(binaries[0].security-template: invalid template "Default": must match)"},
      {"template not string", with_binary(ok_bin + R"(,"security-template":null)"), "example",
       "binaries[0].security-template: must be a string, not null"},
      {"override with caps",
       with_binary(ok_bin + R"(,"caps":[],"security-override":{"apparmor":"a"})"), "example",
       "binaries[0].security-override: cannot be combined with caps"},
      {"override with template",
       with_binary(ok_bin +
                   R"(,"security-template":"default","security-override":{"apparmor":"a"})"),
       "example", "binaries[0].security-override: cannot be combined with security-template"},
      {"override with policy",
       with_binary(
           ok_bin +
           R"(,"security-override":{"apparmor":"a"},"security-policy":{"apparmor":"a","seccomp":"s"})"),
       "example", "binaries[0].security-override: cannot be combined with security-policy"},
      {"policy with caps",
       with_binary(
           ok_bin +
           R"(,"caps":["network-client"],"security-policy":{"apparmor":"a","seccomp":"s"})"),
       "example", "binaries[0].security-policy: cannot be combined with caps"},
      {"policy with template",
       with_binary(ok_bin +
                   R"(,"security-template":"x","security-policy":{"apparmor":"a","seccomp":"s"})"),
       "example", "binaries[0].security-policy: cannot be combined with security-template"},
      {"policy without seccomp", with_binary(ok_bin + R"(,"security-policy":{"apparmor":"a"})"),
       "example", "binaries[0].security-policy.seccomp: required key is missing"},
      {"policy without apparmor", with_binary(ok_bin + R"(,"security-policy":{"seccomp":"s"})"),
       "example", "binaries[0].security-policy.apparmor: required key is missing"},
      {"empty override", with_binary(ok_bin + R"(,"security-override":{})"), "example",
       "binaries[0].security-override: must name apparmor, seccomp or both"},
      {"override unknown key", with_binary(ok_bin + R"(,"security-override":{"selinux":"x"})"),
       "example",
       "binaries[0].security-override.selinux: unknown key (expected one of: apparmor, seccomp)"},
      {"override absolute file",
       with_binary(ok_bin + R"(,"security-override":{"apparmor":"/etc/shadow"})"), "example",
       R"(binaries[0].security-override.apparmor: path "/etc/shadow" must be relative)"},
      {"override not object", with_binary(ok_bin + R"(,"security-override":"x")"), "example",
       "binaries[0].security-override: must be an object, not string"},
      {"policy file escapes",
       with_binary(ok_bin + R"(,"security-policy":{"apparmor":"a","seccomp":"../s"})"), "example",
       R"(binaries[0].security-policy.seccomp: path "../s" must be relative)"},
      {"app name used twice",
       R"({"name":"foo","version":"1","services":[{"name":"x","start":"a"}],"binaries":[{"name":"x","exec":"b"}]})",
       "example", R"(binaries[0].name: app name "x" is already used by services[0])"},
      {"duplicate top-level key", R"({"name":"foo","name":"bar","version":"1"})", "example",
       "name: duplicate key"},
      {"duplicate caps key", with_binary(ok_bin + R"(,"caps":["network-client"],"caps":[])"),
       "example", "binaries[0].caps: duplicate key"},
      {"duplicate key in second entry",
       R"({"name":"foo","version":"1","binaries":[{"name":"a","exec":"a"},{"name":"b","exec":"b","exec":"c"}]})",
       "example", "binaries[1].exec: duplicate key"},
      {"services not array", R"({"name":"foo","version":"1","services":{}})", "example",
       "services: must be an array, not object"},
      {"service not object", R"({"name":"foo","version":"1","services":["x"]})", "example",
       "services[0]: must be an object, not string"},
      {"control char in description",
       with_binary(ok_bin + R"(,"description":"a\nExecStartPre=/x")"), "example",
       "binaries[0].description: must not contain control characters"},
      {"description not string", R"({"name":"foo","version":"1","description":1})", "example",
       "description: must be a string, not number"},
  };
}

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
