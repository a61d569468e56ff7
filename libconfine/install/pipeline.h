// confine install / remove: the pipeline of install steps (install/step.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "install/step.h"

namespace confine::install {

// The steps in the order they run. Layer owners add their factory here.
std::vector<std::unique_ptr<InstallStep>> install_steps();

struct InstallResult {
  PackageKey key;
  std::string version;
  std::vector<AppId> apps;
};

// Installs the package in `package_dir` (see confine(8)). All or nothing.
InstallResult install_package(const Config& config, const std::string& package_dir,
                              const std::string& origin);
// Removes `key` (all versions when `version` is empty).
void remove_package(const Config& config, const PackageKey& key, const std::string& version);

}  // namespace confine::install
