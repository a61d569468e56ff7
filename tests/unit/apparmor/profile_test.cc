// The profile emitter: what ends up in the text the kernel will enforce.
// Every emitted profile is also compiled by the real apparmor_parser.
#include "apparmor/profile.h"

#include <gtest/gtest.h>

#include "apparmor/label.h"
#include "apparmor/parser.h"
#include "apparmor_test_util.h"
#include "core/error.h"

namespace confine::apparmor {
namespace {

using testing_util::app_id;
using testing_util::contains_line;
using testing_util::expect_parser_accepts;

policy::FileRule file(std::string path, std::string access, bool audit = false) {
  return policy::FileRule{std::move(path), std::move(access), audit, "test"};
}

TEST(ProfileEmitter, DeclaresTheAppIdAndIncludesTunablesAndBase) {
  Config c;
  policy::Policy p;
  const std::string text = emit_profile(app_id(), p, c);
  EXPECT_TRUE(contains_line(text, "profile foo.acme_cli_1.0 {")) << text;
  EXPECT_TRUE(contains_line(text, "include <tunables/global>")) << text;
  EXPECT_TRUE(contains_line(text, "  include <abstractions/base>")) << text;
  EXPECT_TRUE(contains_line(text, "abi <abi/3.0>,")) << text;
  expect_parser_accepts(text, app_id(), c);
}

TEST(ProfileEmitter, DefinesThePathVariablesFromTheLayout) {
  Config c;
  c.apps_dir = "/srv/apps";
  c.data_dir = "/srv/data";
  c.tmp_dir = "/var/tmp";
  const std::string text = emit_profile(app_id(), policy::Policy{}, c);
  EXPECT_TRUE(contains_line(text, "@{CONFINE_APP_PATH}=/srv/apps/foo.acme/1.0")) << text;
  EXPECT_TRUE(contains_line(text, "@{CONFINE_APP_DATA_PATH}=/srv/data/foo.acme/1.0")) << text;
  EXPECT_TRUE(contains_line(
      text, "@{CONFINE_APP_USER_DATA_PATH}=@{HOME}/.local/share/confine/foo.acme/1.0"))
      << text;
  EXPECT_TRUE(contains_line(text, "@{CONFINE_APP_TMPDIR}=/var/tmp/confine/[0-9]*/foo.acme_cli_1.0"))
      << text;
  // systemd's RuntimeDirectory= of the package's services, whatever the config.
  EXPECT_TRUE(contains_line(text, "@{CONFINE_APP_RUNTIME_PATH}=/run/confine/foo.acme")) << text;
}

TEST(ProfileEmitter, FrameworkAppIdHasNoOrigin) {
  Config c;
  AppId id{PackageKey{"fw", ""}, "svc", "2.0+git~1:3"};
  const std::string text = emit_profile(id, policy::Policy{}, c);
  EXPECT_TRUE(contains_line(text, "profile fw_svc_2.0+git~1:3 {")) << text;
  EXPECT_TRUE(contains_line(text, "@{CONFINE_APP_PATH}=/var/lib/confine/apps/fw/2.0+git~1:3"));
  expect_parser_accepts(text, id, c);
}

TEST(ProfileEmitter, FileRulesDenyAndAudit) {
  Config c;
  policy::Policy p;
  p.allow.files = {file("@{CONFINE_APP_PATH}/**", "mrix"),
                   file("@{CONFINE_APP_DATA_PATH}/**", "rwk"),
                   file("/var/log/foo.log", "w", /*audit=*/true)};
  p.deny.files = {file("@{CONFINE_APP_PATH}/**", "w"), file("/etc/shadow", "r")};
  const std::string text = emit_profile(app_id(), p, c);
  EXPECT_TRUE(contains_line(text, "  @{CONFINE_APP_PATH}/** mrix,")) << text;
  EXPECT_TRUE(contains_line(text, "  @{CONFINE_APP_DATA_PATH}/** rwk,")) << text;
  EXPECT_TRUE(contains_line(text, "  audit /var/log/foo.log w,")) << text;
  EXPECT_TRUE(contains_line(text, "  deny @{CONFINE_APP_PATH}/** w,")) << text;
  EXPECT_TRUE(contains_line(text, "  deny /etc/shadow r,")) << text;
  expect_parser_accepts(text, app_id(), c);
}

TEST(ProfileEmitter, CapabilitiesAndNetwork) {
  Config c;
  policy::Policy p;
  p.allow.capabilities = {"net_bind_service", "net_raw"};
  p.allow.network = {"inet stream", "inet6 dgram", "unix"};
  p.deny.capabilities = {"sys_admin"};
  p.deny.network = {"netlink raw"};
  const std::string text = emit_profile(app_id(), p, c);
  EXPECT_TRUE(contains_line(text, "  capability net_bind_service,")) << text;
  EXPECT_TRUE(contains_line(text, "  capability net_raw,")) << text;
  EXPECT_TRUE(contains_line(text, "  network inet stream,")) << text;
  EXPECT_TRUE(contains_line(text, "  network inet6 dgram,")) << text;
  EXPECT_TRUE(contains_line(text, "  network unix,")) << text;
  EXPECT_TRUE(contains_line(text, "  deny capability sys_admin,")) << text;
  EXPECT_TRUE(contains_line(text, "  deny network netlink raw,")) << text;
  expect_parser_accepts(text, app_id(), c);
}

TEST(ProfileEmitter, NoCapabilityOrNetworkUnlessGranted) {
  const std::string text = emit_profile(app_id(), policy::Policy{}, Config{});
  EXPECT_EQ(text.find("  capability"), std::string::npos) << text;
  EXPECT_EQ(text.find("  network"), std::string::npos) << text;
}

TEST(ProfileEmitter, RefusesMalformedCapabilityAndNetworkWords) {
  policy::Policy p;
  p.allow.capabilities = {"net_raw, /** rw"};
  EXPECT_THROW(emit_profile(app_id(), p, Config{}), ConfineError);
  policy::Policy q;
  q.allow.network = {"inet,\n  /** rw"};
  EXPECT_THROW(emit_profile(app_id(), q, Config{}), ConfineError);
}

TEST(ProfileEmitter, SelfRulesNameTheAppAndStacksContainingIt) {
  const std::string peer =
      "\"{foo.acme_cli_1.0,foo.acme_cli_1.0//&**,**//&foo.acme_cli_1.0,"
      "**//&foo.acme_cli_1.0//&**}\"";
  for (const char* global : {"", "global"}) {
    Config c;
    c.global_profile = global;  // makes no difference: no reinstall needed
    const std::string text = emit_profile(app_id(), policy::Policy{}, c);
    EXPECT_TRUE(contains_line(text, "  signal (send, receive) peer=" + peer + ",")) << text;
    EXPECT_TRUE(contains_line(text, "  ptrace (read, readby) peer=" + peer + ",")) << text;
    EXPECT_TRUE(contains_line(text, "  unix peer=(label=" + peer + "),")) << text;
    // The profile itself is the app's alone: stacking happens at launch.
    EXPECT_TRUE(contains_line(text, "profile foo.acme_cli_1.0 {")) << text;
    expect_parser_accepts(text, app_id(), c);
  }
  Config c;
  c.global_profile = "global";
  EXPECT_EQ(launch_label(app_id(), c), "foo.acme_cli_1.0//&global");
}

TEST(ProfileEmitter, NamespaceIsPartOfTheProfileName) {
  Config c;
  c.apparmor_namespace = "confine";
  const std::string text = emit_profile(app_id(), policy::Policy{}, c);
  EXPECT_TRUE(contains_line(text, "profile :confine:foo.acme_cli_1.0 {")) << text;
  EXPECT_EQ(profile_name(app_id(), c), ":confine:foo.acme_cli_1.0");
  EXPECT_EQ(launch_label(app_id(), c), ":confine:foo.acme_cli_1.0");
  c.global_profile = "global";
  // The global profile is in the root namespace: it is named first so that
  // the namespace of the app's component does not apply to it.
  EXPECT_EQ(launch_label(app_id(), c), "global//&:confine:foo.acme_cli_1.0");
  expect_parser_accepts(emit_profile(app_id(), policy::Policy{}, c), app_id(), c);
}

TEST(ProfileEmitter, QuotesPathsWithSpacesAndEscapesQuotes) {
  EXPECT_EQ(quote_path("/srv/my apps/**"), "\"/srv/my apps/**\"");
  EXPECT_EQ(quote_path("/a\"b"), "\"/a\\\"b\"");
  EXPECT_EQ(quote_path("/a,b"), "\"/a,b\"");
  EXPECT_EQ(quote_path("/usr/{lib,share}/**"), "/usr/{lib,share}/**");  // glob kept
  EXPECT_THROW(quote_path("relative/path"), ConfineError);
  EXPECT_THROW(quote_path("/a\nb"), ConfineError);
  EXPECT_THROW(quote_path(""), ConfineError);

  Config c;
  c.apps_dir = "/srv/my apps";
  c.tmp_dir = "/tmp/x*y";
  policy::Policy p;
  p.allow.files = {file("@{CONFINE_APP_PATH}/data dir/**", "r")};
  const std::string text = emit_profile(app_id(), p, c);
  EXPECT_TRUE(contains_line(text, "@{CONFINE_APP_PATH}=\"/srv/my apps/foo.acme/1.0\"")) << text;
  // A glob character in a configured directory matches only itself.
  EXPECT_TRUE(
      contains_line(text, "@{CONFINE_APP_TMPDIR}=/tmp/x\\*y/confine/[0-9]*/foo.acme_cli_1.0"))
      << text;
  EXPECT_TRUE(contains_line(text, "  \"@{CONFINE_APP_PATH}/data dir/**\" r,")) << text;
  expect_parser_accepts(text, app_id(), c);
}

TEST(ProfileEmitter, RefusesUnknownOrEscapingAccessModes) {
  for (const char* bad : {"ux", "rUx", "px", "rPx", "cx", "x", "q", ""}) {
    policy::Policy p;
    p.allow.files = {file("/bin/sh", bad)};
    EXPECT_THROW(emit_profile(app_id(), p, Config{}), ConfineError) << bad;
  }
}

TEST(ProfileEmitter, RawLinesPassThroughButCannotEscape) {
  policy::Policy p;
  p.apparmor_raw = {"include <abstractions/nameservice>", "dbus (send) bus=session,",
                    "/usr/{lib,share}/foo/** r,  # comment with ux and ->"};
  const std::string text = emit_profile(app_id(), p, Config{});
  EXPECT_TRUE(contains_line(text, "  include <abstractions/nameservice>")) << text;
  EXPECT_TRUE(contains_line(text, "  dbus (send) bus=session,")) << text;
  expect_parser_accepts(text, app_id(), Config{});

  for (const char* bad :
       {"/bin/sh ux,", "/bin/sh rPUx,", "/** Cux,", "/usr/bin/foo px,", "/usr/bin/foo Pix,",
        "/bin/x cx,", "change_profile -> **,", "/bin/sh px -> other_app,",
        "include \"/etc/shadow\"", "#include </etc/shadow>", "include if exists \"/root/x\"",
        "include <../../etc/shadow>", "profile x flags=(unconfined) {"}) {
    policy::Policy q;
    q.apparmor_raw = {bad};
    EXPECT_THROW(emit_profile(app_id(), q, Config{}), ConfineError) << bad;
  }
}

TEST(ProfileEmitter, AssignedDevicesAreLiteralNodeRulesThatDenyStillBeats) {
  Config c;
  policy::Policy p;
  p.deny.files = {file("/dev/sd*", "w")};
  const std::string text = emit_profile(app_id(), p, c,
                                        {{"/dev/loop-control", "rw"},
                                         {"/dev/sda", "w"},
                                         {"/dev/only-mknod", "m"},
                                         {"/dev/v4l/by-id/usb-0:1.2@x+y_z", "r"}});
  EXPECT_TRUE(contains_line(text, "  /dev/loop-control rwk,")) << text;
  EXPECT_TRUE(contains_line(text, "  /dev/sda wk,")) << text;
  EXPECT_TRUE(contains_line(text, "  /dev/v4l/by-id/usb-0:1.2@x+y_z r,")) << text;
  EXPECT_EQ(text.find("only-mknod"), std::string::npos) << "m is not an AppArmor file access";
  // The policy's deny is still in the profile (AppArmor's deny wins).
  EXPECT_TRUE(contains_line(text, "  deny /dev/sd* w,")) << text;
  expect_parser_accepts(text, app_id(), c);
  // No assignment: no section.
  EXPECT_EQ(emit_profile(app_id(), p, c).find("hw-assign"), std::string::npos);
}

TEST(ProfileEmitter, RefusesAssignedPathsAppArmorWouldNotTakeLiterally) {
  Config c;
  for (const std::string bad :
       {"/dev/*",    "/dev/sd?",     "/dev/{sda,sdb}",     "/dev/a b",    "/dev/a,",
        "/dev/a\"x", "/dev/@{HOME}", "/dev/../etc/shadow", "/dev/./null", "/dev//null",
        "/dev/",     "/dev",         "/etc/shadow",        "dev/null",    "/dev/a\nb",
        "/dev/a#b",  "/dev/[ab]",    "/dev/a^b",           "/dev/x -> y", "/dev/a\\b"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(check_device_node_path(bad), ConfineError);
    EXPECT_THROW(emit_profile(app_id(), policy::Policy{}, c, {{bad, "rw"}}), ConfineError);
  }
  for (const std::string good : {"/dev/loop-control", "/dev/bus/usb/001/002", "/dev/snd/pcmC0D0p",
                                 "/dev/v4l/by-id/usb-0:1.2", "/dev/mapper/vg-lv_home+x@y"})
    EXPECT_NO_THROW(check_device_node_path(good)) << good;
  EXPECT_THROW(emit_profile(app_id(), policy::Policy{}, c, {{"/dev/null", "rx"}}), ConfineError);
}

}  // namespace
}  // namespace confine::apparmor
