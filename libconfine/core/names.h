// Names of confine-package(5): package, origin, app, version, type, package key
// and APP_ID. Every check is hand-written; errors quote the bad value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace confine {

enum class PackageType { App, Framework, Oem };

// "app", "framework", "oem"
std::string_view to_string(PackageType t);
std::optional<PackageType> parse_package_type(std::string_view s);

// Each is ok when `s` is valid, else an error whose message quotes it,
// e.g. `invalid package name "Foo": must match ^[a-z0-9](-?[a-z0-9])*$`.
Status check_package_name(std::string_view s);
Status check_origin(std::string_view s);
Status check_app_name(std::string_view s);
Status check_version(std::string_view s);

// `<name>.<origin>` for type app, `<name>` otherwise.
struct PackageKey {
  std::string name;
  std::string origin;  // empty unless the package is of type app

  std::string str() const { return origin.empty() ? name : name + "." + origin; }
  static Result<PackageKey> parse(std::string_view s);
  bool operator==(const PackageKey&) const = default;
};

// `<name>.<origin>_<app>_<version>` (type app) or `<name>_<app>_<version>`.
// Names contain neither '.' (package/origin) nor '_', so parsing is exact.
struct AppId {
  PackageKey key;
  std::string app;
  std::string version;

  std::string str() const { return key.str() + "_" + app + "_" + version; }
  // Type app iff an origin is present.
  bool has_origin() const { return !key.origin.empty(); }
  static Result<AppId> parse(std::string_view s);
  bool operator==(const AppId&) const = default;
};

// The APP argument of confine-run: either a full APP_ID or `<key>_<app>`
// (version resolved later through `<apps_dir>/<key>/current`).
struct AppRef {
  PackageKey key;
  std::string app;
  std::optional<std::string> version;

  static Result<AppRef> parse(std::string_view s);
};

}  // namespace confine
