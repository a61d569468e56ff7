// confine explain: audit records in, the app and the policy that would allow
// the call out; malformed records are errors naming FILE:LINE and the field.
#include "diagnose/explain.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace confine::diagnose {
namespace {

using confine::testing::build_path;
using confine::testing::run;
using confine::testing::source_path;
using confine::testing::TempDir;
using confine::testing::write_file;

TEST(AuditFields, QuotedHexAndPlainValues) {
  auto f = audit_fields(
      "[ 12.5] audit: type=1400 audit(1795475834.625:3): apparmor=\"DENIED\" operation=\"open\" "
      "profile=\"a.b_c_1\" name=2F746D702F6120622063 pid=123 requested_mask=\"r\"");
  EXPECT_EQ(f["type"], "1400");
  EXPECT_EQ(f["apparmor"], "DENIED");
  EXPECT_EQ(f["name"], "/tmp/a b c");  // hex: the path has spaces
  EXPECT_EQ(f["pid"], "123");          // numbers are not hex-decoded
  EXPECT_EQ(f["profile"], "a.b_c_1");
}

TEST(FindDenials, SkipsEverythingElse) {
  std::vector<std::string> errors;
  auto d = find_denials(
      "hello\n"
      "audit: type=1400 apparmor=\"ALLOWED\" operation=\"open\" profile=\"x\"\n"
      "audit: type=1400 apparmor=\"DENIED\" operation=\"open\" profile=\"x\"\n"
      "type=SECCOMP msg=audit(1.2:3): pid=1 syscall=1 arch=c000003e\n"
      "audit: type=1326 audit(1.2:3): pid=1 syscall=2 arch=c000003e\n",
      "log", errors);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].line, 3u);
  EXPECT_EQ(d[0].kind, Denial::Kind::AppArmor);
  EXPECT_EQ(d[1].kind, Denial::Kind::Seccomp);
  EXPECT_EQ(d[2].fields["syscall"], "2");
  EXPECT_TRUE(errors.empty());
}

// An installed examples/hello in a throw-away root, and `confine explain`.
class ExplainCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    ::chmod(dir.path().c_str(), 0755);
    config = dir / "config.json";
    write_file(config, "{\"apps_dir\": \"" + dir / "apps" + "\", \"data_dir\": \"" + dir / "data" +
                           "\", \"policy_dir\": \"" + dir / "policy" + "\", \"units_dir\": \"" +
                           dir / "units" + "\", \"templates_dir\": \"" +
                           source_path("policy-templates") + "\", \"flags_dir\": \"" +
                           dir / "flags" + "\", \"accounts_root\": \"" +
                           testing::make_accounts_root(dir / "accounts") + "\"}");
    auto r = run({build_path("launcher/confine"), "--config", config, "install", "--origin",
                  "example", source_path("examples/hello")});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  testing::RunResult explain(const std::string& log, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {build_path("launcher/confine"), "--config", config, "explain"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args, {}, log);
  }
  std::string exe() const { return dir / "apps/hello.example/1.0/bin/hello"; }
  TempDir dir;
  std::string config;
};

TEST_F(ExplainCommand, AppArmorFileDenialNamesTheAppAndWhatWouldAllowIt) {
  auto r = explain(
      "audit: type=1400 audit(1.1:1): apparmor=\"DENIED\" operation=\"open\" class=\"file\" "
      "profile=\"hello.example_hello_1.0\" name=\"/etc/shadow\" pid=9 comm=\"hello\" "
      "requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0\n"
      "audit: type=1400 audit(1.1:2): apparmor=\"DENIED\" operation=\"open\" class=\"file\" "
      "profile=\"site//&hello.example_hello_1.0\" name=\"/home/alice/notes.txt\" pid=9 "
      "requested_mask=\"r\" denied_mask=\"r\"\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("stdin:1: hello.example_hello_1.0: AppArmor denied \"r\" access to "
                       "/etc/shadow (operation open)\n"
                       "  no flag, group or template on this system allows it\n"
                       "  its policy does not allow it; only a security-override"),
            std::string::npos)
      << r.out;
  // A stacked label still names the app; the home group grants @{HOME}.
  EXPECT_NE(r.out.find("stdin:2: site//&hello.example_hello_1.0: AppArmor denied"),
            std::string::npos)
      << r.out;
  EXPECT_NE(
      r.out.find("caps of binaries[0] in " + dir / "apps/hello.example/1.0/meta/package.json"),
      std::string::npos)
      << r.out;
}

TEST_F(ExplainCommand, AppArmorDenialOfAnAllowedPathSaysThePolicyAllowsIt) {
  // resolv.conf comes with network-client, hello's default caps.
  auto r = explain(
      "apparmor=\"DENIED\" operation=\"open\" profile=\"hello.example_hello_1.0\" "
      "name=\"/etc/resolv.conf\" requested_mask=\"r\"\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("allowed by: flag dns; groups network-client"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("its policy allows it (/etc/resolv.conf r (flag dns))"), std::string::npos)
      << r.out;
}

TEST_F(ExplainCommand, SeccompDenialIsTracedToTheAppByItsExe) {
  auto r = explain(
      "audit: type=1326 audit(1.1:3): auid=4294967295 uid=0 gid=0 pid=9 "
      "comm=\"hello\" exe=\"" +
      exe() +
      "\" sig=0 arch=c000003e syscall=250 compat=0 ip=0x7f code=0x50000\n"
      "audit: type=1326 audit(1.1:4): pid=9 comm=\"hello\" exe=\"" +
      exe() + "\" sig=0 arch=c000003e syscall=41 compat=0 code=0x50000\n" +
      "audit: type=1326 audit(1.1:5): pid=9 comm=\"ls\" exe=\"/usr/bin/ls\" sig=0 "
      "arch=c000003e syscall=250 compat=0 code=0x50000\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("stdin:1: hello.example_hello_1.0: seccomp denied keyctl (syscall 250, "
                       "arch c000003e)\n  no flag, group or template on this system allows it"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("its policy allows socket for some arguments only"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("stdin:3: ls: seccomp denied keyctl"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("app: unknown: /usr/bin/ls is not under"), std::string::npos) << r.out;
}

TEST_F(ExplainCommand, NoDenialsIsSaidAndSucceeds) {
  auto r = explain("just a kernel line\n");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "no AppArmor or seccomp denials in stdin\n");
}

TEST_F(ExplainCommand, MalformedRecordsAreErrorsNamingLineAndField) {
  const std::string aa = "apparmor=\"DENIED\" ";
  const std::string sc = "audit: type=1326 pid=1 ";
  struct Case {
    std::string line;
    std::string error;
  } cases[] = {
      {aa + "operation=\"open\" name=\"/x\"", "field \"profile\": missing"},
      {aa + "profile=\"hello.example_hello_1.0\"", "field \"operation\": missing"},
      {aa + "operation=\"open\" profile=\"\"", "field \"profile\": missing"},
      {sc + "arch=c000003e", "field \"syscall\": missing in a seccomp record"},
      {sc + "syscall=250", "field \"arch\": missing in a seccomp record"},
      {sc + "syscall=abc arch=c000003e", "field \"syscall\": not a syscall number: \"abc\""},
      {sc + "syscall=-1 arch=c000003e", "field \"syscall\": not a syscall number: \"-1\""},
      {sc + "syscall=25x arch=c000003e", "field \"syscall\": not a syscall number: \"25x\""},
      {sc + "syscall=250 arch=zz", "field \"arch\": not an audit architecture: \"zz\""},
      {sc + "syscall=250 arch=", "field \"arch\": not an audit architecture: \"\""},
      {sc + "syscall=99999 arch=c000003e", "field \"syscall\": no syscall 99999 on architecture"},
      {sc + "syscall=1 arch=c000003e comm=\"a\x01\"", "control character in the record"},
  };
  for (const auto& c : cases) {
    auto r = explain("first line\n" + c.line + "\n");
    EXPECT_EQ(r.status, 2) << c.line;
    EXPECT_NE(r.err.find("confine explain: error: stdin:2: " + c.error), std::string::npos)
        << c.line << "\n"
        << r.err;
  }
  // The good records around a bad one are still explained.
  auto r = explain(cases[3].line + "\n" + sc + "syscall=250 arch=c000003e exe=\"" + exe() + "\"\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("stdin:2: hello.example_hello_1.0: seccomp denied keyctl"),
            std::string::npos)
      << r.out;
}

// The same explanations for scripts: one object, each denial's verdict and
// what would allow it as data, malformed records among the errors.
TEST_F(ExplainCommand, JsonCarriesTheVerdictAndWhatWouldAllowIt) {
  const std::string log =
      "apparmor=\"DENIED\" operation=\"open\" profile=\"hello.example_hello_1.0\" "
      "name=\"/etc/resolv.conf\" requested_mask=\"r\"\n"
      "audit: type=1326 pid=9 comm=\"hello\" exe=\"" +
      exe() +
      "\" sig=0 arch=c000003e syscall=250 code=0x50000\n"
      "apparmor=\"DENIED\" operation=\"open\" profile=\"hello.example_hello_1.0\" "
      "name=\"/home/alice/notes.txt\" requested_mask=\"r\"\n"
      "audit: type=1326 pid=1 arch=c000003e\n";
  auto r = explain(log, {"--json"});
  EXPECT_EQ(r.status, 2) << r.err;  // the last record lacks its syscall, as in the text form
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "confine-explain/1");
  EXPECT_EQ(j["source"], "stdin");
  EXPECT_EQ(j["records"], 4);
  ASSERT_EQ(j["denials"].size(), 3u) << r.out;
  const auto& resolv = j["denials"][0];
  EXPECT_EQ(resolv["where"], "stdin:1");
  EXPECT_EQ(resolv["layer"], "apparmor");
  EXPECT_EQ(resolv["app_id"], "hello.example_hello_1.0");
  EXPECT_EQ(resolv["denied"], "\"r\" access to /etc/resolv.conf");
  EXPECT_EQ(resolv["operation"], "open");
  EXPECT_EQ(resolv["verdict"], "allowed");
  EXPECT_EQ(resolv["allowed_by"]["flags"], nlohmann::json({"dns"}));
  const auto& keyctl = j["denials"][1];
  EXPECT_EQ(keyctl["layer"], "seccomp");
  EXPECT_EQ(keyctl["denied"], "keyctl");
  EXPECT_EQ(keyctl["operation"], "250");
  EXPECT_EQ(keyctl["verdict"], "override-only");
  EXPECT_EQ(keyctl["add_caps"], nlohmann::json::array());
  const auto& home = j["denials"][2];
  EXPECT_EQ(home["verdict"], "not-granted");
  EXPECT_NE(std::find(home["add_caps"].begin(), home["add_caps"].end(), "home"),
            home["add_caps"].end())
      << home;
  // The text of each denial is the text form's.
  EXPECT_EQ(resolv["text"].get<std::string>() + keyctl["text"].get<std::string>() +
                home["text"].get<std::string>(),
            explain(log).out);
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_EQ(j["errors"][0], "stdin:4: field \"syscall\": missing in a seccomp record");
  // Unknown options are usage errors.
  r = explain("", {"--jsn"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "confine explain: error: unknown option --jsn\nTry 'confine explain --help'.\n");
}

TEST(ExplainFile, MissingFileIsAnError) {
  auto r = run({build_path("launcher/confine"), "explain", "/nonexistent/kern.log"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("confine explain: error: cannot read /nonexistent/kern.log"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace confine::diagnose
