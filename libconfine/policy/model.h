// The one policy representation that every backend consumes.
//
// A Policy is a set of allow and deny rules. Policies combine with merge()
// (a union of both lists); effective() applies "deny always overrides allow"
// whatever the order the rules arrived in. An empty Policy allows nothing.
//
// Paths may use the AppArmor variables the profile generator defines:
//   @{CONFINE_APP_PATH} @{CONFINE_APP_DATA_PATH} @{CONFINE_APP_USER_DATA_PATH}
//   @{CONFINE_APP_TMPDIR} @{CONFINE_APP_RUNTIME_PATH} @{HOME}
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace confine::policy {

// One comparison on a syscall argument. `value` and `mask` are resolved
// numbers; `symbol` keeps the name it was written with (e.g. "AF_INET") for
// display.
struct ArgCondition {
  enum class Op { Eq, Ne, Lt, Le, Gt, Ge, MaskedEq };
  unsigned index = 0;  // 0..5
  Op op = Op::Eq;
  uint64_t value = 0;
  uint64_t mask = 0;  // MaskedEq only: (arg & mask) == value
  std::string symbol;
  bool operator==(const ArgCondition&) const = default;
  auto operator<=>(const ArgCondition&) const = default;
};

// A syscall, allowed or denied when all `conditions` hold (none = always).
// Several rules for one syscall are alternatives (OR).
struct SyscallRule {
  std::string name;
  std::vector<ArgCondition> conditions;
  bool optional = false;  // unknown to this kernel/libseccomp: skip instead of error
  std::string source;     // "template default", "group network-client", "flag dns", ...
  bool operator==(const SyscallRule& o) const {
    return name == o.name && conditions == o.conditions;
  }
};

// An AppArmor path rule. `access` holds letters from "rwalkm" plus "ix" (as
// the two characters "ix"), e.g. "r", "rw", "rk", "mr", "rix".
struct FileRule {
  std::string path;  // AppArmor glob, absolute or starting with @{VAR}
  std::string access;
  bool audit = false;  // "log on write": emitted as an audit rule
  std::string source;
  bool operator==(const FileRule& o) const {
    return path == o.path && access == o.access && audit == o.audit;
  }
};

// A device the app may open beyond the defaults: 'c' or 'b', major/minor
// (-1 = any), access letters from "rwm".
struct DeviceRule {
  char type = 'c';
  int major = -1;
  int minor = -1;
  std::string access = "rw";
  std::string source;
  bool operator==(const DeviceRule& o) const {
    return type == o.type && major == o.major && minor == o.minor && access == o.access;
  }
};

struct RuleSet {
  std::vector<SyscallRule> syscalls;
  std::vector<FileRule> files;
  std::set<std::string> capabilities;  // lower-case names without CAP_: "net_raw"
  std::set<std::string> network;  // AppArmor network rules: "inet stream", "unix", "netlink raw"
  std::vector<DeviceRule> devices;
};

struct Policy {
  RuleSet allow;
  RuleSet deny;
  std::vector<std::string> apparmor_raw;  // verbatim profile lines (escape hatch)
  std::vector<std::string> sources;       // what was merged in, in order

  // Union of both policies' allow and deny lists (deduplicated).
  void merge(const Policy& other);
  // The allow list minus everything denied: an unconditional syscall deny
  // removes every allow rule of that syscall; a conditional deny stays in
  // `deny` for the backends to emit before the allows; file deny rules stay in
  // `deny.files` (AppArmor's `deny` wins at the kernel); a denied capability,
  // network rule or device is removed from `allow`.
  Policy effective() const;
  bool empty() const;
};

}  // namespace confine::policy
