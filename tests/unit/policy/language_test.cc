// The policy language: one file at a time (each bad file with its exact
// message), then the library's cross-file checks: unknown names, wrong
// categories, include cycles, and the administrator's own flags.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "core/error.h"
#include "policy/library.h"
#include "test_support.h"

namespace confine::policy {
namespace {

using testing::TempDir;
using testing::write_file;

// The message parse_policy_item throws for `text` as flag "f" (or "" if none).
std::string flag_error(const std::string& text, PolicyKind kind = PolicyKind::Flag) {
  try {
    parse_policy_item(text, "f.json", kind, "f");
  } catch (const ConfineError& e) {
    return e.what();
  }
  return "";
}

struct BadFile {
  const char* text;
  const char* message;
  PolicyKind kind = PolicyKind::Flag;
};

// Flag files start with this; cases add one field.
#define FLAG R"("description": "d", "category": "misc")"

const BadFile kBadFiles[] = {
    {R"({"description": "d", "category": "misc",})",
     "f.json: invalid JSON: parse error at line 1, column 41: syntax error while parsing object "
     "key - unexpected '}'; expected string literal"},
    {R"([])", "f.json: (top level): must be an object, not array"},
    {R"({"category": "misc"})", "f.json: description: missing (every policy file has one)"},
    {R"({"description": "", "category": "misc"})", "f.json: description: must not be empty"},
    {R"({"description": "two\nlines", "category": "misc"})",
     "f.json: description: must be one line"},
    {R"({"description": "d"})",
     "f.json: category: missing (networking, filesystem, runtime, user or misc)"},
    {R"({"description": "d", "category": "disk"})",
     "f.json: category: unknown category \"disk\" (networking, filesystem, runtime, user or "
     "misc)"},
    {R"({"description": "d", "category": "misc"})",
     "f.json: category: only flags have a category (this is a template)", PolicyKind::Template},
    {"{" FLAG R"(, "flags": ["dns"]})", "f.json: flags: unknown key"},
    {"{" FLAG R"(, "description": "again"})", "f.json: description: duplicate key"},
    {"{" FLAG R"(, "include": "dns"})", "f.json: include: must be an array, not string"},
    {"{" FLAG R"(, "include": ["dns", "dns"]})", "f.json: include[1]: \"dns\" is listed twice"},
    {"{" FLAG R"(, "include": ["Bad_Name"]})",
     "f.json: include[0]: invalid flag name \"Bad_Name\""},
    {"{" FLAG R"(, "include": ["f"]})", "f.json: include[0]: a flag cannot include itself"},
    {"{" FLAG R"(, "runtime": {"read-only": ["/etc"]}})",
     "f.json: runtime.read-only: unknown key (a runtime section only has \"flags\")"},
    {"{" FLAG R"(, "filesystem": {"readonly": ["/etc"]}})",
     "f.json: filesystem.readonly: unknown key (filesystem has flags, read-only, map, execute, "
     "read-write, log-on-write, deny and deny-write)"},
    {"{" FLAG R"(, "filesystem": {"read-only": ["etc/passwd"]}})",
     "f.json: filesystem.read-only[0]: \"etc/passwd\": must be absolute or start with a @{...} "
     "path variable"},
    {"{" FLAG R"(, "filesystem": {"read-write": ["/srv/{a,b"]}})",
     "f.json: filesystem.read-write[0]: \"/srv/{a,b\": unbalanced '{'"},
    {"{" FLAG R"(, "filesystem": {"deny": ["/srv/[ab"]}})",
     "f.json: filesystem.deny[0]: \"/srv/[ab\": unbalanced '['"},
    {"{" FLAG R"(, "filesystem": {"map": ["@{SNAP}/lib/**"]}})",
     "f.json: filesystem.map[0]: \"@{SNAP}/lib/**\": must be absolute or start with "
     "@{CONFINE_APP_PATH}, @{CONFINE_APP_DATA_PATH}, @{CONFINE_APP_USER_DATA_PATH}, "
     "@{CONFINE_APP_TMPDIR}, @{CONFINE_APP_RUNTIME_PATH} or @{HOME} followed by '/'"},
    {"{" FLAG R"(, "filesystem": {"execute": ["/usr/../bin/*"]}})",
     "f.json: filesystem.execute[0]: \"/usr/../bin/*\": '..' path component"},
    {"{" FLAG R"(, "syscalls": {"allow": ["reed"]}})",
     "f.json: syscalls.allow[0]: unknown syscall \"reed\" (libseccomp does not know it on x86_64; "
     "mark it \"optional\" if it only exists on newer kernels)"},
    {"{" FLAG R"(, "syscalls": {"allow": ["Read"]}})",
     "f.json: syscalls.allow[0]: invalid syscall name \"Read\""},
    {"{" FLAG R"(, "syscalls": {"permit": ["read"]}})",
     "f.json: syscalls.permit: unknown key (use \"allow\" and \"deny\")"},
    {"{" FLAG
     R"(, "syscalls": {"allow": [{"name": "socket", "args": [{"index": 6, "op": "==", "value": 1}]}]}})",
     "f.json: syscalls.allow[0].args[0].index: must be an argument index from 0 to 5"},
    {"{" FLAG
     R"(, "syscalls": {"allow": [{"name": "socket", "args": [{"index": 0, "op": "=", "value": 1}]}]}})",
     "f.json: syscalls.allow[0].args[0].op: unknown operator \"=\" (== != < <= > >=)"},
    {"{" FLAG
     R"(, "syscalls": {"allow": [{"name": "socket", "args": [{"index": 0, "op": "==", "value": "AF_INTE"}]}]}})",
     "f.json: syscalls.allow[0].args[0].value: \"AF_INTE\": not a number or a known constant"},
    {"{" FLAG
     R"(, "syscalls": {"allow": [{"name": "socket", "args": [{"index": 0, "op": "=="}]}]}})",
     "f.json: syscalls.allow[0].args[0].value: missing"},
    {"{" FLAG
     R"(, "syscalls": {"allow": [{"name": "socket", "args": [{"index": 0, "op": "!=", "value": 1, "mask": 3}]}]}})",
     "f.json: syscalls.allow[0].args[0].mask: only with op \"==\""},
    {"{" FLAG
     R"(, "syscalls": {"allow": [{"name": "socket", "args": [{"index": 0, "op": "==", "value": 1}, {"index": 0, "op": "==", "value": 2}]}]}})",
     "f.json: syscalls.allow[0].args[1]: a second condition on argument 0 (write another rule for "
     "an alternative)"},
    {"{" FLAG R"(, "syscalls": {"allow": [{"name": "socket", "optional": "yes"}]}})",
     "f.json: syscalls.allow[0].optional: must be true or false"},
    {"{" FLAG R"(, "syscalls": {"allow": [{"nam": "socket"}]}})",
     "f.json: syscalls.allow[0].nam: unknown key (name, args, optional, comment)"},
    {"{" FLAG R"(, "capabilities": {"allow": ["CAP_NET_RAW"]}})",
     "f.json: capabilities.allow[0]: unknown capability \"CAP_NET_RAW\" (lower case without CAP_, "
     "e.g. net_raw)"},
    {"{" FLAG R"(, "capabilities": {"allow": ["sys_admin"]}})",
     "f.json: capabilities.allow[0]: granting sys_admin is as good as root: say why in a "
     "\"comment\" field before the capabilities"},
    {"{" FLAG R"(, "network": {"allow": ["inet streams"]}})",
     "f.json: network.allow[0]: unknown socket type \"streams\" (dgram packet raw rdm seqpacket "
     "stream)"},
    {"{" FLAG R"(, "network": {"allow": ["ipx"]}})",
     "f.json: network.allow[0]: unknown network domain \"ipx\" (alg bluetooth can inet inet6 "
     "netlink packet unix vsock xdp)"},
    {"{" FLAG R"(, "devices": {"allow": [{"type": "x", "major": 1}]}})",
     "f.json: devices.allow[0].type: must be \"c\" (character) or \"b\" (block)"},
    {"{" FLAG R"(, "devices": {"allow": [{"type": "c", "minor": 1}]}})",
     "f.json: devices.allow[0].minor: needs a major number"},
    {"{" FLAG R"(, "devices": {"allow": [{"type": "c", "major": 1, "access": "rwx"}]}})",
     "f.json: devices.allow[0].access: must be letters from \"rwm\""},
    {"{" FLAG R"(, "apparmor": ["ok,", "bad\tline,"]})",
     "f.json: apparmor[1]: contains a control character"},
    {"{" FLAG R"(, "comment": ""})", "f.json: comment: must not be empty"},
};

TEST(PolicyLanguage, BadFilesFailWithTheirMessage) {
  ASSERT_GE(std::size(kBadFiles), 20u);
  for (const auto& c : kBadFiles) EXPECT_EQ(flag_error(c.text, c.kind), c.message) << c.text;
}

TEST(PolicyLanguage, GoodFileParsesEveryField) {
  PolicyItem f = parse_policy_item(R"({
    "description": "everything", "comment": "why sys_ptrace: a debugger",
    "category": "runtime", "include": ["b"],
    "networking": {"flags": ["n"]},
    "filesystem": {"flags": ["x"], "read-only": ["/etc/hosts"], "log-on-write": ["@{HOME}/log/*"],
                   "deny": ["/etc/shadow"]},
    "syscalls": {"allow": ["read", {"name": "socket", "args": [
                   {"index": 0, "op": "==", "value": "AF_INET"},
                   {"index": 1, "op": "==", "value": "SOCK_RAW", "mask": "0xf"}]},
                 {"name": "futex_waitv_not_yet", "optional": true}],
                 "deny": [{"name": "ioctl", "args": [{"index": 1, "op": "==", "value": "TIOCSTI"}]}]},
    "capabilities": {"allow": ["sys_ptrace"], "deny": ["sys_admin"]},
    "network": {"allow": ["inet stream"], "deny": ["packet"]},
    "devices": {"allow": [{"type": "c", "major": 116, "access": "rw"}]},
    "apparmor": ["ptrace (read),"]
  })",
                                   "f.json", PolicyKind::Flag, "f");
  EXPECT_EQ(f.category, "runtime");
  ASSERT_EQ(f.flags.size(), 3u);
  EXPECT_EQ(f.rules.allow.syscalls.size(), 3u);
  const SyscallRule& sock = f.rules.allow.syscalls[1];
  ASSERT_EQ(sock.conditions.size(), 2u);
  EXPECT_EQ(sock.conditions[0].value, 2u);  // AF_INET
  EXPECT_EQ(sock.conditions[1].op, ArgCondition::Op::MaskedEq);
  EXPECT_EQ(sock.conditions[1].mask, 0xfu);
  EXPECT_EQ(sock.source, "flag f");
  EXPECT_TRUE(f.rules.allow.syscalls[2].optional);
  EXPECT_EQ(f.rules.deny.syscalls[0].conditions[0].symbol, "TIOCSTI");
  // log-on-write: read plus an audited write.
  int audited = 0;
  for (const auto& r : f.rules.allow.files)
    if (r.path == "@{HOME}/log/*" && r.audit && r.access == "w") ++audited;
  EXPECT_EQ(audited, 1);
  EXPECT_EQ(f.rules.deny.files.at(0).path, "/etc/shadow");
  EXPECT_EQ(f.rules.allow.capabilities.count("sys_ptrace"), 1u);
  EXPECT_EQ(f.rules.allow.devices.at(0).minor, -1);
  EXPECT_EQ(f.rules.apparmor_raw, std::vector<std::string>{"ptrace (read),"});
}

// A templates_dir in a temp dir, with files written per test.
class PolicyLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* d : {"t", "t/templates", "t/groups", "t/flags"})
      mkdir((tmp / d).c_str(), 0755);
    put("templates/plain", R"({"description": "t", "misc": {"flags": ["a"]}})");
    put("groups/grp", R"({"description": "g", "include": ["b"]})");
    put("flags/a", R"({"description": "a", "category": "misc", "syscalls": {"allow": ["read"]}})");
    put("flags/b", R"({"description": "b", "category": "networking",
                       "syscalls": {"allow": ["connect"]}})");
  }
  void put(const std::string& rel, const std::string& text) {
    write_file(tmp / ("t/" + rel + ".json"), text);
  }
  std::string load_error(const std::string& flags_dir = "") {
    try {
      PolicyLibrary::load(tmp / "t", flags_dir);
    } catch (const ConfineError& e) {
      return e.what();
    }
    return "";
  }
  TempDir tmp;
};

TEST_F(PolicyLibraryTest, ExpandsIncludesOnceWithSources) {
  put("flags/c", R"({"description": "c", "category": "misc", "include": ["a", "b"]})");
  put("templates/plain", R"({"description": "t", "misc": {"flags": ["a", "c"]}})");
  auto lib = PolicyLibrary::load(tmp / "t", "");
  Policy p = lib.expand(*lib.find(PolicyKind::Template, "plain"));
  EXPECT_EQ(p.sources, (std::vector<std::string>{"template plain", "flag a", "flag c", "flag b"}));
  ASSERT_EQ(p.allow.syscalls.size(), 2u);
  EXPECT_EQ(p.allow.syscalls[0].source, "flag a");
  EXPECT_EQ(p.allow.syscalls[1].source, "flag b");
}

TEST_F(PolicyLibraryTest, UnknownFlagIsAnError) {
  put("groups/grp", R"({"description": "g", "networking": {"flags": ["b", "nope"]}})");
  EXPECT_EQ(load_error(),
            tmp / "t/groups/grp.json" + ": networking.flags[1]: unknown flag \"nope\"");
}

TEST_F(PolicyLibraryTest, FlagUnderTheWrongCategoryIsAnError) {
  put("templates/plain", R"({"description": "t", "runtime": {"flags": ["b"]}})");
  EXPECT_EQ(load_error(), tmp / "t/templates/plain.json" +
                              ": runtime.flags[0]: \"b\" is a networking flag, not a runtime "
                              "flag (list it under networking or include)");
}

TEST_F(PolicyLibraryTest, IncludeCycleIsAnError) {
  put("flags/a", R"({"description": "a", "category": "misc", "include": ["c"]})");
  put("flags/c", R"({"description": "c", "category": "misc", "include": ["d"]})");
  put("flags/d", R"({"description": "d", "category": "misc", "include": ["a"]})");
  EXPECT_EQ(load_error(), tmp / "t/flags/d.json" + ": include[0]: include cycle: a -> c -> d -> a");
}

TEST_F(PolicyLibraryTest, BadFileNameAndNonJsonFiles) {
  write_file(tmp / "t/flags/README", "not policy");  // ignored
  EXPECT_EQ(load_error(), "");
  put("flags/Bad", R"({"description": "x", "category": "misc"})");
  EXPECT_EQ(load_error(), tmp / "t/flags/Bad.json" +
                              ": invalid flag name \"Bad\" (must match ^[a-z0-9](-?[a-z0-9])*$)");
}

TEST_F(PolicyLibraryTest, MissingShippedDirectoryIsAnError) {
  unlink((tmp / "t/groups/grp.json").c_str());
  ASSERT_EQ(rmdir((tmp / "t/groups").c_str()), 0);
  EXPECT_EQ(load_error(), "cannot open policy directory " + tmp / "t/groups");
}

TEST_F(PolicyLibraryTest, AdministratorFlagsAreLoadedAndUsable) {
  mkdir((tmp / "admin").c_str(), 0755);
  write_file(tmp / "admin/vpn.json", R"({"description": "our VPN", "category": "networking",
      "include": ["b"], "network": {"allow": ["netlink raw"]}})");
  // A missing flags_dir is fine.
  EXPECT_EQ(load_error(tmp / "nonexistent"), "");
  auto lib = PolicyLibrary::load(tmp / "t", tmp / "admin");
  const PolicyItem* vpn = lib.find(PolicyKind::Flag, "vpn");
  ASSERT_NE(vpn, nullptr);
  EXPECT_TRUE(vpn->administrator);
  Policy p = lib.expand(*vpn);
  EXPECT_EQ(p.sources, (std::vector<std::string>{"flag vpn (administrator)", "flag b"}));
  EXPECT_EQ(p.allow.network.count("netlink raw"), 1u);
}

TEST_F(PolicyLibraryTest, AdministratorFlagsMayNotShadowShippedNames) {
  mkdir((tmp / "admin").c_str(), 0755);
  write_file(tmp / "admin/a.json", R"({"description": "mine", "category": "misc"})");
  EXPECT_EQ(load_error(tmp / "admin"), tmp / "admin/a.json" +
                                           ": flag \"a\" shadows the shipped flag " +
                                           tmp / "t/flags/a.json" + " (choose another name)");
  write_file(tmp / "admin/a.json", R"({"description": "mine", "category": "misc"})");
  rename((tmp / "admin/a.json").c_str(), (tmp / "admin/grp.json").c_str());
  EXPECT_EQ(load_error(tmp / "admin"), tmp / "admin/grp.json" +
                                           ": flag \"grp\" shadows the shipped group " +
                                           tmp / "t/groups/grp.json" + " (choose another name)");
}

TEST_F(PolicyLibraryTest, AdministratorFlagsMustNotBeWritableByOthers) {
  mkdir((tmp / "admin").c_str(), 0755);
  write_file(tmp / "admin/vpn.json", R"({"description": "v", "category": "misc"})", 0666);
  EXPECT_EQ(load_error(tmp / "admin"),
            tmp / "admin/vpn.json" + ": writable by group or others (chmod go-w)");
  chmod((tmp / "admin/vpn.json").c_str(), 0644);
  chmod((tmp / "admin").c_str(), 0777);
  EXPECT_EQ(load_error(tmp / "admin"), tmp / "admin: writable by group or others (chmod go-w)");
}

TEST_F(PolicyLibraryTest, AdministratorFlagErrorsNameTheirFile) {
  mkdir((tmp / "admin").c_str(), 0755);
  write_file(tmp / "admin/vpn.json", R"({"description": "v", "category": "misc",
      "include": ["nosuch"]})");
  EXPECT_EQ(load_error(tmp / "admin"),
            tmp / "admin/vpn.json" + ": include[0]: unknown flag \"nosuch\"");
}

}  // namespace
}  // namespace confine::policy
