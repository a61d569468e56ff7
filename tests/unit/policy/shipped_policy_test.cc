// The shipped policy (policy-templates/) tested as data, like systemd's
// test_filter_sets_ordered: every item documented, names sorted and unique,
// every syscall known to libseccomp on x86_64, every path a valid glob, and
// no denylisted capability granted without a comment saying why. Then what
// the templates and groups must and must not grant.
#include <dirent.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "policy/describe.h"
#include "policy/glob.h"
#include "policy/library.h"
#include "test_support.h"

namespace confine::policy {
namespace {

using json = nlohmann::json;
using testing::source_path;

const PolicyLibrary& shipped() {
  static const PolicyLibrary lib = PolicyLibrary::load(source_path("policy-templates"), "");
  return lib;
}

std::vector<const PolicyItem*> all_items() {
  std::vector<const PolicyItem*> out;
  for (auto k : {PolicyKind::Template, PolicyKind::Group, PolicyKind::Flag})
    for (const auto* i : shipped().items(k)) out.push_back(i);
  return out;
}

Policy effective(PolicyKind kind, const std::string& name) {
  const PolicyItem* item = shipped().find(kind, name);
  EXPECT_NE(item, nullptr) << name;
  return item ? shipped().expand(*item).effective() : Policy{};
}

bool allows(const Policy& p, const std::string& syscall) {
  return std::any_of(p.allow.syscalls.begin(), p.allow.syscalls.end(),
                     [&](const SyscallRule& r) { return r.name == syscall; });
}

std::vector<const SyscallRule*> rules_for(const std::vector<SyscallRule>& rules,
                                          const std::string& name) {
  std::vector<const SyscallRule*> out;
  for (const auto& r : rules)
    if (r.name == name) out.push_back(&r);
  return out;
}

std::vector<std::string> dir_files(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') out.push_back(e->d_name);
  closedir(d);
  return out;
}

TEST(ShippedPolicy, LoadsAndHasTheRequiredItems) {
  for (const char* t : {"default", "restricted"})
    EXPECT_NE(shipped().find(PolicyKind::Template, t), nullptr) << t;
  for (const char* g :
       {"network-client", "network-service", "home", "system-observe", "audio-playback", "camera"})
    EXPECT_NE(shipped().find(PolicyKind::Group, g), nullptr) << g;
  for (const char* f : {"dns", "outgoing", "incoming", "ping", "tmp", "malloc"})
    EXPECT_NE(shipped().find(PolicyKind::Flag, f), nullptr) << f;
}

TEST(ShippedPolicy, EveryItemHasAOneLineDescription) {
  for (const auto* i : all_items()) {
    EXPECT_FALSE(i->description.empty()) << i->file;
    EXPECT_EQ(i->description.find('\n'), std::string::npos) << i->file;
    EXPECT_LE(i->description.size(), 60u) << i->file << ": keep it short for `confine templates`";
    EXPECT_NE(i->description.back(), '.') << i->file << ": descriptions are not sentences";
  }
}

TEST(ShippedPolicy, NamesAreValidUniqueAndEveryFileIsJson) {
  std::set<std::string> groups_and_flags;
  for (const char* sub : {"templates", "groups", "flags"}) {
    auto files = dir_files(source_path("policy-templates/") + sub);
    EXPECT_FALSE(files.empty()) << sub;
    for (const auto& f : files) {
      ASSERT_TRUE(f.ends_with(".json")) << sub << "/" << f << " would be ignored";
      std::string name = f.substr(0, f.size() - 5);
      EXPECT_TRUE(policy_name_valid(name)) << f;
      // A cap names a group or a flag: one name must not mean both.
      if (std::string(sub) != "templates") {
        EXPECT_TRUE(groups_and_flags.insert(name).second) << name << " is a group and a flag";
      }
    }
  }
}

// Lists inside each file are sorted and unique, so that a reviewer sees a
// duplicate or a missing entry at a glance.
TEST(ShippedPolicy, ListsInsideEachFileAreSortedAndUnique) {
  for (const auto* i : all_items()) {
    json doc = json::parse(testing::read_file(i->file));
    std::vector<std::pair<std::string, json>> lists;
    if (doc.contains("include")) lists.emplace_back("include", doc["include"]);
    for (const auto& c : categories())
      if (doc.contains(c))
        for (const auto& [k, v] : doc[c].items()) lists.emplace_back(c + "." + k, v);
    for (const char* low : {"capabilities", "network"})
      if (doc.contains(low))
        for (const auto& [k, v] : doc[low].items()) lists.emplace_back(low + ("." + k), v);
    for (const auto& [field, list] : lists) {
      std::vector<std::string> v = list.get<std::vector<std::string>>();
      EXPECT_TRUE(std::is_sorted(v.begin(), v.end())) << i->file << ": " << field;
      EXPECT_EQ(std::adjacent_find(v.begin(), v.end()), v.end()) << i->file << ": " << field;
    }
    if (doc.contains("syscalls"))
      for (const auto& [k, v] : doc["syscalls"].items()) {
        std::vector<std::string> names;
        for (const auto& e : v)
          names.push_back(e.is_string() ? e.get<std::string>() : e["name"].get<std::string>());
        EXPECT_TRUE(std::is_sorted(names.begin(), names.end())) << i->file << ": syscalls." << k;
      }
  }
}

TEST(ShippedPolicy, EverySyscallIsKnownToLibseccompOnX86_64) {
  size_t checked = 0;
  for (const auto* i : all_items())
    for (const auto* set : {&i->rules.allow, &i->rules.deny})
      for (const auto& r : set->syscalls) {
        ++checked;
        if (r.optional) continue;
        EXPECT_NE(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, r.name.c_str()),
                  __NR_SCMP_ERROR)
            << i->file << ": " << r.name;
      }
  EXPECT_GT(checked, 100u);
}

TEST(ShippedPolicy, EveryPathIsAValidAppArmorGlob) {
  size_t checked = 0;
  for (const auto* i : all_items())
    for (const auto* set : {&i->rules.allow, &i->rules.deny})
      for (const auto& f : set->files) {
        ++checked;
        EXPECT_EQ(glob_problem(f.path), std::nullopt) << i->file << ": " << f.path;
        EXPECT_FALSE(f.access.empty());
      }
  EXPECT_GT(checked, 50u);
}

TEST(ShippedPolicy, DenylistedCapabilitiesOnlyWithAComment) {
  for (const auto* i : all_items())
    for (const auto& c : i->rules.allow.capabilities) {
      EXPECT_TRUE(capability_known(c)) << i->file << ": " << c;
      const auto& deny = capability_denylist();
      if (std::find(deny.begin(), deny.end(), c) != deny.end()) {
        EXPECT_FALSE(i->comment.empty()) << i->file << " grants " << c << " without a comment";
      }
    }
  // No shipped template or group grants one at all, with or without comment.
  for (auto k : {PolicyKind::Template, PolicyKind::Group})
    for (const auto* i : shipped().items(k)) {
      Policy p = shipped().expand(*i);
      for (const auto& c : capability_denylist()) EXPECT_EQ(p.allow.capabilities.count(c), 0u);
    }
}

TEST(ShippedPolicy, DefaultTemplateRunsOrdinaryProgramsButNoKernelAdministration) {
  Policy p = effective(PolicyKind::Template, "default");
  for (const char* s : {"execve",
                        "brk",
                        "mmap",
                        "munmap",
                        "mprotect",
                        "futex",
                        "clone",
                        "rt_sigaction",
                        "rt_sigprocmask",
                        "rt_sigreturn",
                        "openat",
                        "read",
                        "write",
                        "close",
                        "fstat",
                        "newfstatat",
                        "statx",
                        "getdents64",
                        "ioctl",
                        "prctl",
                        "arch_prctl",
                        "set_tid_address",
                        "set_robust_list",
                        "rseq",
                        "prlimit64",
                        "getrandom",
                        "wait4",
                        "pipe2",
                        "dup2",
                        "fcntl",
                        "lseek",
                        "access",
                        "faccessat2",
                        "readlink",
                        "uname",
                        "getuid",
                        "exit_group"})
    EXPECT_TRUE(allows(p, s)) << s;
  for (const char* s : {"ptrace",
                        "mount",
                        "umount2",
                        "pivot_root",
                        "unshare",
                        "setns",
                        "keyctl",
                        "add_key",
                        "request_key",
                        "bpf",
                        "perf_event_open",
                        "kexec_load",
                        "init_module",
                        "finit_module",
                        "delete_module",
                        "open_by_handle_at",
                        "name_to_handle_at",
                        "userfaultfd",
                        "iopl",
                        "ioperm",
                        "swapon",
                        "reboot",
                        "settimeofday",
                        "acct",
                        "socket",
                        "socketpair",
                        "clone3"})
    EXPECT_FALSE(allows(p, s)) << s;

  // ioctl: never TIOCSTI.
  auto denies = rules_for(p.deny.syscalls, "ioctl");
  EXPECT_TRUE(std::any_of(denies.begin(), denies.end(), [](const SyscallRule* r) {
    return r->conditions.size() == 1 && r->conditions[0].index == 1 &&
           r->conditions[0].op == ArgCondition::Op::Eq && r->conditions[0].value == TIOCSTI;
  }));
  // personality: only PER_LINUX and the query.
  std::set<uint64_t> persona;
  for (const auto* r : rules_for(p.allow.syscalls, "personality")) {
    ASSERT_EQ(r->conditions.size(), 1u);
    EXPECT_EQ(r->conditions[0].index, 0u);
    EXPECT_EQ(r->conditions[0].op, ArgCondition::Op::Eq);
    persona.insert(r->conditions[0].value);
  }
  EXPECT_EQ(persona, (std::set<uint64_t>{0, 0xffffffff}));
  // clone never with a new user namespace.
  auto clone_denies = rules_for(p.deny.syscalls, "clone");
  EXPECT_TRUE(std::any_of(clone_denies.begin(), clone_denies.end(), [](const SyscallRule* r) {
    return r->conditions.size() == 1 && r->conditions[0].op == ArgCondition::Op::MaskedEq &&
           r->conditions[0].mask == CLONE_NEWUSER && r->conditions[0].value == CLONE_NEWUSER;
  }));
  EXPECT_TRUE(p.allow.capabilities.empty());
  EXPECT_TRUE(p.allow.network.empty());
}

TEST(ShippedPolicy, DefaultTemplateFilesCoverTheAppDirectories) {
  Policy p = effective(PolicyKind::Template, "default");
  auto access_of = [&](const std::string& path) {
    for (const auto& f : p.allow.files)
      if (f.path == path) return f.access;
    return std::string();
  };
  EXPECT_EQ(access_of("@{CONFINE_APP_PATH}/**"), "mrix");
  EXPECT_EQ(access_of("@{CONFINE_APP_DATA_PATH}/{,**}"), "rwk");
  EXPECT_EQ(access_of("@{CONFINE_APP_USER_DATA_PATH}/{,**}"), "rwk");
  EXPECT_EQ(access_of("@{CONFINE_APP_TMPDIR}/{,**}"), "rwk");
  EXPECT_EQ(access_of("/{usr/,}lib{,32,64}/**"), "mr");
  EXPECT_EQ(access_of("/{usr/,}{bin,sbin}/*"), "mrix");
  // The install dir is never writable, even if a cap tried.
  EXPECT_TRUE(std::any_of(p.deny.files.begin(), p.deny.files.end(), [](const FileRule& f) {
    return f.path == "@{CONFINE_APP_PATH}/{,**}" && f.access.find('w') != std::string::npos;
  }));
}

TEST(ShippedPolicy, RestrictedTemplateHasNoNetworkAndRunsNoSystemPrograms) {
  Policy p = effective(PolicyKind::Template, "restricted");
  EXPECT_TRUE(allows(p, "execve"));  // the launcher's own exec of the app
  EXPECT_FALSE(allows(p, "socket"));
  for (const auto& f : p.allow.files)
    if (f.access.find('x') != std::string::npos) {
      EXPECT_EQ(f.path, "@{CONFINE_APP_PATH}/**");
    }
  // Even with the network-client cap, sockets stay denied.
  Policy with_cap = shipped().expand(*shipped().find(PolicyKind::Template, "restricted"));
  with_cap.merge(shipped().expand(*shipped().find(PolicyKind::Group, "network-client")));
  Policy e = with_cap.effective();
  EXPECT_FALSE(allows(e, "socket"));
  EXPECT_EQ(e.allow.network.count("inet stream"), 0u);
}

// The default caps reach no unix socket outside the app: no socket(AF_UNIX)
// (pathname connects are unmediated on kernels without AppArmor's af_unix
// mediation), only stream and seqpacket pairs (a datagram end could
// sendto() any bound socket by address). Unix sockets are a group of their
// own.
TEST(ShippedPolicy, DefaultCapsGrantNoUnixSocketOutsideTheApp) {
  for (const char* g : {"network-client", "network-service"}) {
    Policy p = effective(PolicyKind::Group, g);
    for (const auto* r : rules_for(p.allow.syscalls, "socket"))
      EXPECT_NE(r->conditions.at(0).value, uint64_t{AF_UNIX}) << g;
    EXPECT_EQ(p.allow.network.count("unix"), 0u) << g;
    auto pairs = rules_for(p.allow.syscalls, "socketpair");
    ASSERT_EQ(pairs.size(), 2u) << g;
    std::set<uint64_t> types;
    for (const auto* r : pairs) {
      ASSERT_EQ(r->conditions.size(), 2u) << g;
      EXPECT_EQ(r->conditions[0].value, uint64_t{AF_UNIX}) << g;
      EXPECT_EQ(r->conditions[1].op, ArgCondition::Op::MaskedEq) << g;
      EXPECT_EQ(r->conditions[1].mask, 0xfu) << g;
      types.insert(r->conditions[1].value);
    }
    EXPECT_EQ(types, (std::set<uint64_t>{SOCK_STREAM, SOCK_SEQPACKET})) << g;
  }
  Policy u = effective(PolicyKind::Group, "unix-sockets");
  EXPECT_EQ(u.allow.network.count("unix"), 1u);
  EXPECT_EQ(rules_for(u.allow.syscalls, "socket").size(), 1u);
  EXPECT_TRUE(allows(u, "connect"));
}

TEST(ShippedPolicy, NetworkClientAllowsOnlyInetSockets) {
  Policy p = effective(PolicyKind::Group, "network-client");
  std::set<uint64_t> families;
  for (const auto* r : rules_for(p.allow.syscalls, "socket")) {
    ASSERT_FALSE(r->conditions.empty()) << "socket without conditions";
    EXPECT_EQ(r->conditions[0].index, 0u);
    EXPECT_EQ(r->conditions[0].op, ArgCondition::Op::Eq);
    families.insert(r->conditions[0].value);
  }
  EXPECT_EQ(families, (std::set<uint64_t>{AF_INET, AF_INET6}));
  for (const char* s : {"connect", "sendto", "recvfrom", "sendmsg", "recvmsg"})
    EXPECT_TRUE(allows(p, s)) << s;
  EXPECT_FALSE(allows(p, "listen"));
  for (const auto& n : p.allow.network) {
    EXPECT_FALSE(n.starts_with("netlink")) << n;
    EXPECT_FALSE(n.starts_with("packet")) << n;
  }
  // dns: resolv.conf readable.
  EXPECT_TRUE(std::any_of(p.allow.files.begin(), p.allow.files.end(),
                          [](const FileRule& f) { return f.path == "/etc/resolv.conf"; }));
}

TEST(ShippedPolicy, NetworkServiceListensAndAccepts) {
  Policy p = effective(PolicyKind::Group, "network-service");
  for (const char* s : {"bind", "listen", "accept", "accept4"}) EXPECT_TRUE(allows(p, s)) << s;
}

TEST(ShippedPolicy, PingGrantsNetRawAndRawSocketsOnly) {
  Policy p = effective(PolicyKind::Flag, "ping");
  EXPECT_EQ(p.allow.capabilities, (std::set<std::string>{"net_raw"}));
  for (const auto* r : rules_for(p.allow.syscalls, "socket")) {
    ASSERT_EQ(r->conditions.size(), 2u);
    const auto& type_or_proto = r->conditions[1];
    bool raw = type_or_proto.op == ArgCondition::Op::MaskedEq && type_or_proto.value == SOCK_RAW;
    bool icmp = type_or_proto.index == 2;
    EXPECT_TRUE(raw || icmp);
  }
}

TEST(ShippedPolicy, DeviceGroupsGrantTheirMajorsOnly) {
  Policy audio = effective(PolicyKind::Group, "audio-playback");
  ASSERT_EQ(audio.allow.devices.size(), 1u);
  EXPECT_EQ(audio.allow.devices[0].type, 'c');
  EXPECT_EQ(audio.allow.devices[0].major, 116);
  Policy camera = effective(PolicyKind::Group, "camera");
  ASSERT_EQ(camera.allow.devices.size(), 1u);
  EXPECT_EQ(camera.allow.devices[0].major, 81);
  EXPECT_TRUE(std::any_of(camera.allow.files.begin(), camera.allow.files.end(),
                          [](const FileRule& f) { return f.path == "/dev/video[0-9]*"; }));
}

TEST(ShippedPolicy, HomeIsReadOnlyAndOwnerOnly) {
  Policy p = effective(PolicyKind::Group, "home");
  ASSERT_FALSE(p.apparmor_raw.empty());
  for (const auto& line : p.apparmor_raw) {
    EXPECT_TRUE(line.starts_with("owner @{HOME}/")) << line;
    EXPECT_TRUE(line.ends_with(" r,")) << line;
  }
}

TEST(ShippedPolicy, ExpansionRecordsWhereEachRuleCameFrom) {
  Policy p = shipped().expand(*shipped().find(PolicyKind::Template, "default"));
  EXPECT_EQ(p.sources.front(), "template default");
  EXPECT_NE(std::find(p.sources.begin(), p.sources.end(), "flag malloc"), p.sources.end());
  for (const auto& r : p.allow.syscalls)
    if (r.name == "brk") {
      EXPECT_EQ(r.source, "flag malloc");
    }
}

}  // namespace
}  // namespace confine::policy

namespace confine::policy {
namespace {

// `confine policy` says where the Landlock layer cannot hold a file rule
// exactly, and what it grants instead.
TEST(ShippedPolicy, DescribeSaysWhereLandlockIsNotExact) {
  Policy p = shipped().expand(*shipped().find(PolicyKind::Template, "default"));
  p.merge(shipped().expand(*shipped().find(PolicyKind::Group, "home")));
  const std::string d = describe_policy(p.effective(), &shipped());
  for (const char* line :
       {"@{HOME}/[^.]** r: one rule per non-dot entry of @{HOME}/, added at launch (exact)",
        "/dev/pts/[0-9]* rwk: not granted (the app keeps the terminal it inherited)",
        "@{HOME}/ r: listing @{HOME}/ lists every directory beneath it (names)",
        "/sys/devices/system/cpu/{,online,possible,present} r: listing /sys/devices/system/cpu/"})
    EXPECT_NE(d.find(line), std::string::npos) << line << "\n" << d;
  // Exact translations get no note.
  EXPECT_EQ(d.find("/usr/share/{,**} r:"), std::string::npos) << d;
  EXPECT_EQ(d.find("/etc/passwd r:"), std::string::npos) << d;
}

// confine-policy(5) documents every shipped item with its description.
TEST(ShippedPolicy, ManPageDocumentsEveryItem) {
  const std::string man = testing::read_file(testing::source_path("man/confine-policy.5"));
  for (const auto* i : all_items()) {
    EXPECT_NE(man.find("\n.B " + i->name + "\n" + i->description), std::string::npos)
        << i->file << " is missing from man/confine-policy.5 (or its description differs)";
  }
}

}  // namespace
}  // namespace confine::policy
