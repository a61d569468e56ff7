// The launch record: everything confine-run needs to start one app, written
// by `confine install` to <policy_dir>/launch/<APP_ID> and read by the
// launcher, which never looks at the package's own metadata.
//
// Format (text, one `key=value` per line, no other lines):
//   format=1
//   app_id=<APP_ID>
//   type=app|framework|oem
//   exec=<path relative to the install dir>
//   layers=<comma-separated list of generated artifacts: seccomp,apparmor,devices>
//   seccomp_allows=<comma-separated access classes whose syscalls the app's
//                   filter lets through (core/coverage.h); optional, absent in
//                   records of older installs>
// and, for an app that runs as its package's user (confine-package(5), USERS):
//   user=<name>:<uid>:<gid>
//   groups=<gid>,...      (its supplementary groups; may be empty)
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "core/coverage.h"
#include "core/error.h"
#include "core/names.h"

namespace confine {

enum class Layer;  // core/layers.h

// The package user a root launch switches to (never uid or gid 0).
struct RunUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups, exactly these
  bool operator==(const RunUser&) const = default;
};

struct LaunchRecord {
  AppId id;
  PackageType type = PackageType::App;
  std::string exec;                 // e.g. "bin/cli"; never absolute, never "..".
  std::vector<std::string> layers;  // artifacts the install generated for this app
  std::optional<RunUser> user;      // none: the app runs as its caller
  std::vector<AccessClass> seccomp_allows;
  bool seccomp_allows_known = true;  // false: an older record without the key

  bool has_layer(Layer l) const;
  bool has_layer(std::string_view l) const;
  std::string serialize() const;
  // Strict: unknown keys, duplicates, missing keys, bad names or an exec path
  // leaving the install dir are errors naming `origin`.
  static Result<LaunchRecord> parse(const std::string& text, const std::string& origin);
};

// True when `rel` is a relative path that stays inside its base directory
// lexically: not empty, not absolute, no "..", "." or empty components, no NUL.
bool is_contained_relative_path(std::string_view rel);

}  // namespace confine
