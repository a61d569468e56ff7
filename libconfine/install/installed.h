// What is installed, read from apps_dir (versions, `current`) and from the
// launch records under policy_dir (APP_IDs). Install path only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/layout.h"
#include "core/names.h"

namespace confine::install {

// The version <apps_dir>/<key>/current points to; nullopt when there is no
// link (or it does not hold a valid version name).
std::optional<std::string> current_version(const Layout& layout, const PackageKey& key);
// Version directories under <apps_dir>/<key>, sorted; staging dirs excluded.
std::vector<std::string> installed_versions(const Layout& layout, const PackageKey& key);
// APP_IDs of `key` that have a launch record, sorted by name.
std::vector<AppId> recorded_apps(const Layout& layout, const PackageKey& key);

}  // namespace confine::install
