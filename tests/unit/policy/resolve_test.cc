// resolve_app: template + caps, security-override, security-policy, and the
// text format of seccomp override/raw files.
#include "policy/resolve.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "core/error.h"
#include "policy/syscall_rules.h"
#include "test_support.h"

namespace confine::policy {
namespace {

using testing::TempDir;
using testing::write_file;

class ResolveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config.templates_dir = testing::source_path("policy-templates");
    config.flags_dir = tmp / "flags.d";
    meta.file = tmp / "pkg/meta/package.json";
    meta.name = "foo";
    meta.version = "1.0";
    meta.origin = "bar";
    app.name = "app";
    app.exec = "bin/app";
    app.json_path = "binaries[0]";
    app.caps = {"network-client"};
    mkdir((tmp / "pkg").c_str(), 0755);
  }
  std::string error() {
    try {
      resolve_app(config, meta, app, tmp / "pkg");
    } catch (const ConfineError& e) {
      return e.what();
    }
    return "";
  }
  static bool allows(const Policy& p, const std::string& s) {
    return std::any_of(p.allow.syscalls.begin(), p.allow.syscalls.end(),
                       [&](const SyscallRule& r) { return r.name == s; });
  }

  TempDir tmp;
  Config config;
  install::PackageMeta meta;
  install::AppEntry app;
};

TEST_F(ResolveTest, DefaultTemplateAndDefaultCap) {
  ResolvedApp r = resolve_app(config, meta, app, tmp / "pkg");
  EXPECT_TRUE(allows(r.policy, "execve"));
  EXPECT_TRUE(allows(r.policy, "connect"));
  EXPECT_EQ(r.policy.sources.front(), "template default");
  EXPECT_NE(std::find(r.policy.sources.begin(), r.policy.sources.end(), "group network-client"),
            r.policy.sources.end());
  EXPECT_TRUE(r.raw_apparmor.empty());
  EXPECT_TRUE(r.raw_seccomp.empty());
}

TEST_F(ResolveTest, NoCapsMeansNoNetwork) {
  app.caps = {};
  ResolvedApp r = resolve_app(config, meta, app, tmp / "pkg");
  EXPECT_FALSE(allows(r.policy, "socket"));
  EXPECT_FALSE(allows(r.policy, "connect"));
}

TEST_F(ResolveTest, UnknownTemplateAndCapAreErrors) {
  app.security_template = "defualt";
  EXPECT_EQ(error(), meta.file +
                         ": binaries[0].security-template: unknown template \"defualt\" "
                         "(see confine templates)");
  app.security_template = "default";
  app.caps = {"network-client", "netwrok-service"};
  EXPECT_EQ(error(), meta.file +
                         ": binaries[0].caps[1]: unknown policy group \"netwrok-service\" "
                         "(see confine templates)");
}

TEST_F(ResolveTest, CapsMayNameAnAdministratorsFlag) {
  mkdir((tmp / "flags.d").c_str(), 0755);
  write_file(tmp / "flags.d/site-vpn.json",
             R"({"description": "the site VPN", "category": "networking",
                 "include": ["outgoing"], "network": {"allow": ["netlink raw"]}})");
  app.caps = {"site-vpn"};
  ResolvedApp r = resolve_app(config, meta, app, tmp / "pkg");
  EXPECT_EQ(r.policy.allow.network.count("netlink raw"), 1u);
  EXPECT_TRUE(allows(r.policy, "connect"));
}

TEST_F(ResolveTest, RestrictedTemplateDeniesSocketsWhateverTheCaps) {
  app.security_template = "restricted";
  ResolvedApp r = resolve_app(config, meta, app, tmp / "pkg");
  EXPECT_FALSE(allows(r.policy, "socket"));
  EXPECT_TRUE(std::any_of(r.policy.deny.syscalls.begin(), r.policy.deny.syscalls.end(),
                          [](const SyscallRule& s) { return s.name == "socket"; }));
}

TEST_F(ResolveTest, SecurityOverrideAddsAppArmorLinesAndSyscalls) {
  mkdir((tmp / "pkg/meta").c_str(), 0755);
  write_file(tmp / "pkg/meta/app.apparmor",
             "# extra access\n"
             "/srv/foo/** r,\n"
             "\tdbus (send) bus=session {  # a block\n"
             "}\n");
  write_file(tmp / "pkg/meta/app.seccomp",
             "# more syscalls\n"
             "mlock\n"
             "socket a0 == AF_NETLINK   # route queries\n"
             "optional no_such_syscall_yet\n");
  app.security_override = install::SecurityFiles{"meta/app.apparmor", "meta/app.seccomp"};
  ResolvedApp r = resolve_app(config, meta, app, tmp / "pkg");
  EXPECT_EQ(r.policy.apparmor_raw.back(), "}");
  EXPECT_NE(std::find(r.policy.apparmor_raw.begin(), r.policy.apparmor_raw.end(), "/srv/foo/** r,"),
            r.policy.apparmor_raw.end());
  EXPECT_NE(std::find(r.policy.apparmor_raw.begin(), r.policy.apparmor_raw.end(),
                      "dbus (send) bus=session {  # a block"),
            r.policy.apparmor_raw.end());
  EXPECT_TRUE(allows(r.policy, "mlock"));
  EXPECT_TRUE(allows(r.policy, "execve"));  // still the default template underneath
  bool netlink = false;
  for (const auto& s : r.policy.allow.syscalls)
    if (s.name == "socket" && s.conditions.size() == 1 && s.conditions[0].value == AF_NETLINK) {
      netlink = true;
      EXPECT_EQ(s.source, "security-override meta/app.seccomp");
    }
  EXPECT_TRUE(netlink);
  EXPECT_NE(std::find(r.policy.sources.begin(), r.policy.sources.end(),
                      "security-override meta/app.apparmor"),
            r.policy.sources.end());
}

TEST_F(ResolveTest, OverrideSnippetMayNotCloseTheProfile) {
  write_file(tmp / "pkg/evil.apparmor", "/srv/** r,\n}\nprofile free flags=(unconfined) {\n");
  app.security_override = install::SecurityFiles{"evil.apparmor", ""};
  EXPECT_EQ(error(), "evil.apparmor:2: '}' closes more than the snippet opened");
  write_file(tmp / "pkg/evil.apparmor", "dbus bus=session {\n");
  EXPECT_EQ(error(), "evil.apparmor: unbalanced '{' (a block is never closed)");
}

TEST_F(ResolveTest, OverrideSnippetKeepsHashIncludes) {
  // "#include <...>" is an include in AppArmor's older syntax, not a comment.
  write_file(
      tmp / "pkg/inc.apparmor",
      "# a comment\n#include <abstractions/nameservice>\ninclude <abstractions/ssl_certs>\n");
  app.security_override = install::SecurityFiles{"inc.apparmor", ""};
  ResolvedApp r = resolve_app(config, meta, app, tmp / "pkg");
  ASSERT_GE(r.policy.apparmor_raw.size(), 2u);
  const std::vector<std::string> tail(r.policy.apparmor_raw.end() - 2, r.policy.apparmor_raw.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"#include <abstractions/nameservice>",
                                            "include <abstractions/ssl_certs>"}));
}

TEST_F(ResolveTest, MissingOverrideFileIsAnError) {
  app.security_override = install::SecurityFiles{"", "meta/none.seccomp"};
  EXPECT_EQ(error(), meta.file + ": binaries[0].security-override.seccomp: cannot open " +
                         tmp / "pkg/meta/none.seccomp");
}

TEST_F(ResolveTest, OverrideFilesAreNeverReadThroughSymlinks) {
  // As if the package tree changed after load_package_meta checked it.
  mkdir((tmp / "outside").c_str(), 0755);
  write_file(tmp / "outside/secret", "read\n");
  ASSERT_EQ(symlink((tmp / "outside").c_str(), (tmp / "pkg/meta").c_str()), 0);
  app.security_override = install::SecurityFiles{"", "meta/secret"};
  EXPECT_EQ(error(), meta.file + ": binaries[0].security-override.seccomp: cannot open " +
                         tmp / "pkg/meta/secret");
  ASSERT_EQ(symlink((tmp / "outside/secret").c_str(), (tmp / "pkg/link").c_str()), 0);
  app.security_override = install::SecurityFiles{"", "link"};
  EXPECT_EQ(error(),
            meta.file + ": binaries[0].security-override.seccomp: cannot open " + tmp / "pkg/link");
  app.security_override = install::SecurityFiles{"", "../outside/secret"};
  EXPECT_EQ(error(), meta.file +
                         ": binaries[0].security-override.seccomp: \"../outside/secret\" "
                         "is not a plain relative path");
}

TEST_F(ResolveTest, SecurityPolicyReturnsRawTextsAndParsesSeccomp) {
  write_file(tmp / "pkg/profile", "profile x { }\n");
  write_file(tmp / "pkg/filter", "read\nwrite\nexit_group\ndeny ptrace\n");
  app.caps = {};
  app.security_policy = install::SecurityFiles{"profile", "filter"};
  ResolvedApp r = resolve_app(config, meta, app, tmp / "pkg");
  EXPECT_EQ(r.raw_apparmor, "profile x { }\n");
  EXPECT_EQ(r.raw_seccomp, "read\nwrite\nexit_group\ndeny ptrace\n");
  ASSERT_EQ(r.policy.allow.syscalls.size(), 3u);  // nothing from any template
  EXPECT_EQ(r.policy.deny.syscalls.at(0).name, "ptrace");
  EXPECT_EQ(r.policy.sources, std::vector<std::string>{"security-policy filter"});
  write_file(tmp / "pkg/filter", "read\nwirte\n");
  EXPECT_EQ(error(),
            "filter:2: unknown syscall \"wirte\" (libseccomp does not know it on x86_64; "
            "write \"optional wirte\" if it only exists on newer kernels)");
}

TEST(SyscallText, ParsesConditionsAndRoundTrips) {
  SyscallList l = parse_syscall_text(
      "socket a0 == AF_INET a1 & SOCK_TYPE_MASK == SOCK_STREAM\n"
      "ioctl a1 != 0x5412\n"
      "  personality   a0 <= 8   # spaces and comments\n"
      "deny optional kexec_file_load\n",
      "f", "src");
  ASSERT_EQ(l.allow.size(), 3u);
  EXPECT_EQ(to_text(l.allow[0]), "socket a0 == AF_INET a1 & 0xf == SOCK_STREAM");
  EXPECT_EQ(l.allow[0].conditions[1].op, ArgCondition::Op::MaskedEq);
  EXPECT_EQ(l.allow[1].conditions[0].value, 0x5412u);
  EXPECT_EQ(to_text(l.allow[2]), "personality a0 <= 8");
  ASSERT_EQ(l.deny.size(), 1u);
  EXPECT_TRUE(l.deny[0].optional);
  EXPECT_EQ(l.deny[0].source, "src");
}

TEST(SyscallText, ErrorsNameFileAndLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"read\nsocket a9 == 1\n", "f:2: expected an argument a0..a5, got \"a9\""},
      {"socket a0 =\n", "f:1: expected \"a0 OP VALUE\""},
      {"socket a0 => 1\n", "f:1: unknown operator \"=>\" (use == != < <= > >= or & MASK ==)"},
      {"socket a0 == AF_NOPE\n", "f:1: value: \"AF_NOPE\": not a number or a known constant"},
      {"socket a0 & 0xf = 1\n", "f:1: expected \"a0 & MASK == VALUE\""},
      {"socket a0 == 1 a0 == 2\n", "f:1: two conditions on a0 in one rule"},
      {"Socket\n", "f:1: invalid syscall name \"Socket\""},
      {"deny\n", "f:1: missing syscall name"},
      {"read\x01\n", "f:1: control character"},
  };
  for (const auto& [text, message] : cases) {
    try {
      parse_syscall_text(text, "f", "s");
      ADD_FAILURE() << "no error for " << text;
    } catch (const ConfineError& e) {
      EXPECT_EQ(std::string(e.what()), message);
    }
  }
}

}  // namespace
}  // namespace confine::policy
