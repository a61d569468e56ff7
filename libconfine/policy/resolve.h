// Resolution: package metadata (template + caps, or overrides, or raw policy)
// -> one resolved Policy per APP_ID. Install path only.
#pragma once

#include <optional>
#include <string>

#include "core/config.h"
#include "install/metadata.h"
#include "policy/library.h"
#include "policy/model.h"

namespace confine::policy {

struct ResolvedApp {
  Policy policy;             // effective(): deny already applied
  std::string raw_apparmor;  // security-policy.apparmor file text ("" unless given)
  std::string raw_seccomp;   // security-policy.seccomp file text ("" unless given)
};

// Loads the shipped templates/groups/flags (config.templates_dir) and the
// administrator's flags (config.flags_dir), then resolves `app` of `meta`
// whose package files are under `package_dir`. Throws ConfineError naming the
// file and field for unknown names, bad policy files or bad override files.
ResolvedApp resolve_app(const Config& config, const install::PackageMeta& meta,
                        const install::AppEntry& app, const std::string& package_dir);
// The same with the library loaded once for several apps: `library` is
// loaded on first need (an app with security-policy needs none) and reused.
ResolvedApp resolve_app(const Config& config, std::optional<PolicyLibrary>& library,
                        const install::PackageMeta& meta, const install::AppEntry& app,
                        const std::string& package_dir);

// An installed app with its resolved policy, as `confine install` resolved it
// (confine policy, confine explain).
struct InstalledApp {
  install::PackageMeta meta;
  install::AppEntry app;  // its entry in meta
  std::string dir;        // its install dir
  ResolvedApp resolved;
};
// Throws ConfineError when `id` is not installed or its metadata has no such
// app.
InstalledApp resolve_installed_app(const Config& config, const AppId& id);

}  // namespace confine::policy
