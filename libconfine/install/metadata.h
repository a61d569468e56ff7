// meta/package.json: parsed into typed structs, every rule of confine-package(5) checked.
// Errors are ConfineError with "<file>: <json path>: <problem>".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/names.h"

namespace confine::install {

// Paths of policy files inside the package (relative, contained); empty when absent.
struct SecurityFiles {
  std::string apparmor;
  std::string seccomp;
};

struct AppEntry {
  enum class Kind { Service, Binary };
  // Who the app runs as (confine-package(5), "user"). Caller: whoever
  // launches it (binaries' default). Package: the package's own system user
  // (services' default; for a binary, only when root launches it). Root:
  // declared root-run (services only).
  enum class User { Caller, Package, Root };
  Kind kind = Kind::Binary;
  std::string name;
  std::string exec;  // services[].start or binaries[].exec, relative to the package dir
  std::string description;
  // Resolved defaults: no caps and no template -> ["network-client"]; a
  // template without caps -> [].
  std::vector<std::string> caps;
  std::string security_template = "default";
  std::optional<SecurityFiles> security_override;
  std::optional<SecurityFiles> security_policy;
  User user = User::Caller;
  // Supplementary groups (names, existing when installed); only with
  // User::Package. The app gets these and no others.
  std::vector<std::string> groups;
  std::string json_path;  // "services[0]" / "binaries[2]", for messages
};

struct PackageMeta {
  std::string file;  // path of meta/package.json, for messages
  std::string name;
  std::string version;
  PackageType type = PackageType::App;
  std::string origin;  // from --origin; required for type app, forbidden otherwise
  std::string description;
  std::vector<AppEntry> services;
  std::vector<AppEntry> binaries;

  PackageKey key() const { return PackageKey{name, type == PackageType::App ? origin : ""}; }
  AppId app_id(const AppEntry& a) const { return AppId{key(), a.name, version}; }
  // services then binaries
  std::vector<const AppEntry*> apps() const;
};

// Parses `text` (the contents of `file`). `origin` comes from --origin.
PackageMeta parse_package_meta(const std::string& text, const std::string& file,
                               const std::string& origin);
// Reads <package_dir>/meta/package.json and parses it; also checks that every
// exec and security file exists inside package_dir and does not escape it
// through symlinks.
PackageMeta load_package_meta(const std::string& package_dir, const std::string& origin);

}  // namespace confine::install
