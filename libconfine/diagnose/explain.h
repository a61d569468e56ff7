// confine explain: AppArmor and seccomp denials from kernel/audit log text,
// explained in terms of the app that caused them and the policy that would
// allow them.
//
// Input is whatever the administrator has: dmesg, journalctl -k, or
// /var/log/audit/audit.log. Lines that are not denials are skipped. A line
// that is a denial record but lacks or garbles a field the explanation needs
// is an error naming FILE:LINE and the field; the other lines are still
// explained.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/names.h"

namespace confine::diagnose {

// key=value fields of an audit record. Quoted values are unquoted; the
// hex form AppArmor and audit use for strings with spaces (name=2F746D70...)
// is decoded for the string fields.
std::map<std::string, std::string> audit_fields(const std::string& line);

struct Denial {
  enum class Kind { AppArmor, Seccomp };
  Kind kind;
  size_t line = 0;
  std::map<std::string, std::string> fields;
};

// The denial records of `text` (origin names it in errors: "FILE:LINE").
// Malformed denial lines go to `errors`.
std::vector<Denial> find_denials(const std::string& text, const std::string& origin,
                                 std::vector<std::string>& errors);

// One denial explained, as data (`confine explain --json`, schema
// "confine-explain/1" in confine(8)).
struct ExplainedDenial {
  std::string where;    // "FILE:LINE"
  std::string layer;    // "apparmor" or "seccomp"
  std::string subject;  // the profile label, or the APP_ID or comm of a seccomp record
  std::optional<AppId> app;
  std::string denied;     // "capability net_raw", "\"r\" access to /etc/shadow", "socket"
  std::string operation;  // AppArmor's operation; the syscall number of a seccomp record
  std::vector<std::string> flags, groups, templates;  // shipped items that allow it
  std::vector<std::string> add_caps;                  // caps entries that would (any one)
  // "not-granted", "override-only", "denied-explicitly", "allowed-other-arguments",
  // "allowed" (another profile of a stack, or stale policy), "unreadable"
  // (its metadata), "unknown-app", "not-an-app", "system-wide", or "" when
  // the record says too little (no file, capability or network field).
  std::string verdict;
  std::string text;  // the lines `explain` prints for it
};

struct Explanation {
  std::string text;                 // for the user, several lines per denial
  std::vector<std::string> errors;  // malformed records, "FILE:LINE: field ...: problem"
  size_t denials = 0;
  std::vector<ExplainedDenial> items;  // one per denial explained, in input order
};

Explanation explain(const std::string& text, const std::string& origin, const Config& config);

}  // namespace confine::diagnose
