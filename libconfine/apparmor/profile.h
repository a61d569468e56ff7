// The AppArmor profile of one app, emitted from its resolved Policy.
// Install path only (confine); the text is validated by apparmor_parser
// (apparmor/parser.h) before anything is loaded.
//
// Shape of a generated profile (see tests/unit/apparmor/golden/):
//
//   abi <abi/3.0>,
//   include <tunables/global>
//   @{CONFINE_APP_PATH}=...            the five path variables of model.h,
//   ...                                defined from the config's layout
//   profile APP_ID {                   or :NS:APP_ID with apparmor_namespace
//     include <abstractions/base>      always: every dynamically linked
//                                      program needs it to start
//     <apparmor_raw lines>             template / group escape hatch
//     capability ..., network ...,     allow rules
//     /path access, audit /path w,     file rules; audit = log on write
//     /dev/NODE rwk,                   devices assigned with hw-assign
//     deny ...                         deny rules (AppArmor's deny wins)
//     signal/ptrace/unix peer=APP_ID   the app may talk to itself
//   }
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/names.h"
#include "policy/model.h"

namespace confine::apparmor {

// A device node assigned to the app's package with `confine hw-assign`
// (devices/assignments.h): a literal path and the device access letters
// ("rwm"). AppArmor rules: r -> r, w -> wk (write includes locking the
// node, as serial-port and modem users expect); m (mknod) has no file-rule
// counterpart, so an "m"-only assignment yields no rule.
struct AssignedDevice {
  std::string path;
  std::string access;
  bool operator==(const AssignedDevice&) const = default;
};

// Returns the profile text for `id` confined by `policy` (already
// effective()) plus the `assigned` device nodes. Throws ConfineError naming
// the rule's source for rules that cannot be expressed safely: unknown
// access letters, newlines or control characters, unconfined exec modes or
// profile transitions in raw lines, assigned paths check_device_node_path()
// refuses.
std::string emit_profile(const AppId& id, const policy::Policy& policy, const Config& config,
                         const std::vector<AssignedDevice>& assigned = {});

// Checks that `path` names a device node literally in an AppArmor rule:
// absolute, under /dev/, components of [A-Za-z0-9_.+:@-] only (no glob,
// quote, comma, space or variable characters), no empty, "." or ".."
// component. Throws ConfineError quoting the path otherwise.
void check_device_node_path(const std::string& path);

// The variable definitions placed above the profile, one per line, e.g.
// "@{CONFINE_APP_PATH}=/var/lib/confine/apps/foo.bar/1.0".
std::vector<std::string> variable_definitions(const AppId& id, const Config& config);

// A hand-written profile (security-policy.apparmor) as installed: `raw`
// preceded by the definitions of variable_definitions() that it does not
// define itself, so that raw profiles may use the same @{CONFINE_*}
// variables as templates. The text of `raw` is otherwise unchanged.
std::string raw_profile_with_variables(const AppId& id, const std::string& raw,
                                       const Config& config);

// `path` as an AppArmor file-rule path: quoted when it holds characters the
// parser would otherwise split on (spaces, commas, '#', quotes), with '"'
// and '\' escaped inside the quotes; glob characters are kept as globs.
// Throws ConfineError for an empty path, control characters or a path that
// is neither absolute nor starts with a variable.
std::string quote_path(const std::string& path);

// A literal directory (from the config) as an AppArmor value: AppArmor glob
// characters are escaped so that "/srv/a*b" only matches itself.
std::string literal_path(const std::string& path);

// Checks a verbatim profile line from a template, group or override
// (Policy::apparmor_raw). Throws ConfineError when the line could leave the
// profile's confinement: exec modes other than ix (px, cx, ux, Pix, ...),
// change_profile, or an include that is not a <search path> include.
void check_raw_line(const std::string& line);

}  // namespace confine::apparmor
