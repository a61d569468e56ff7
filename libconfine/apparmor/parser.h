// Runs apparmor_parser, the only tool that compiles AppArmor policy and
// loads it into the kernel. Install path only (confine).
//
// The parser is run from a fixed path (never looked up in PATH: confine runs
// as root), with a fixed argument list and an empty environment apart from
// PATH, and its stderr is captured so that a rejected profile fails the
// install with the parser's own message.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/names.h"

namespace confine::apparmor {

// Absolute path of apparmor_parser, or "" when it is not installed.
std::string parser_path();

// True when the running kernel enforces AppArmor (aa_is_enabled()), so that
// profiles can and must be loaded; false when it lacks AppArmor or has it
// disabled (profiles are then only validated).
bool kernel_enforces_apparmor();

struct ParserRun {
  int status = -1;  // exit status, or 128+signal
  std::string err;  // stderr without the parser's cache noise
};
// Runs apparmor_parser with `args`. Throws ConfineError when it cannot be
// started; a non-zero exit is reported in the result.
ParserRun run_parser(const std::vector<std::string>& args);

// Options every run shares: "-n NS" when the config names a namespace, so
// that hand-written profiles land in the same namespace as generated ones.
std::vector<std::string> namespace_args(const Config& config);

// Compiles `profile_file` without loading it (apparmor_parser -Q) and checks
// that it declares the profile of `id` and nothing else (child profiles and
// hats of it are fine): a policy snippet must not be able to replace another
// app's profile. Throws ConfineError quoting the parser's message, naming
// `what` (e.g. the package file the policy came from).
void validate_profile(const std::string& profile_file, const AppId& id, const Config& config,
                      const std::string& what);

// The profile names declared in `profile_file` as the kernel will see them
// (apparmor_parser -N): "APP_ID", ":NS://APP_ID", "APP_ID//hat".
std::vector<std::string> declared_profiles(const std::string& profile_file, const Config& config);

// Loads or atomically replaces the profiles in `profile_file` (-r), writing
// the compiled form to the cache under <policy_dir>/apparmor-cache. Throws
// ConfineError with the parser's message; the old profile then stays loaded.
void load_profile(const std::string& profile_file, const Config& config);

// Unloads the profiles in `profile_file` (-R). A profile that is not loaded
// is not an error.
void unload_profile(const std::string& profile_file, const Config& config);

// Whether any task on the system is confined by `id`'s profile (scans
// /proc/*/task/*/attr/current). Unloading a profile makes the tasks it
// confines unconfined, so a profile in use is never unloaded.
bool profile_in_use(const AppId& id);

// The result of reloading every profile under <policy_dir>/apparmor.
struct ReloadReport {
  std::vector<std::string> loaded;
  std::vector<std::string> failed;  // "APP_ID: parser message"
};
// Loads every profile file under <policy_dir>/apparmor (confine
// apparmor-reload, run at boot). Keeps going after a failure so that one bad
// profile does not leave the others unloaded.
ReloadReport reload_all(const Config& config);

}  // namespace confine::apparmor
