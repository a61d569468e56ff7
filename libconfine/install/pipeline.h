// confine install / remove: the pipeline of install steps (install/step.h).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "install/step.h"
#include "install/users.h"

namespace confine::install {

// The steps in the order they run: the package user, one step per row of
// the layer table (core/layers.h) in its order, the units, the launch records.
std::vector<std::unique_ptr<InstallStep>> install_steps();
using Steps = std::vector<std::unique_ptr<InstallStep>>;

struct InstallResult {
  PackageKey key;
  std::string version;
  std::vector<AppId> apps;
  std::vector<std::string> units;  // per app: its systemd unit's name, "" for binaries
  std::string previous_version;  // the version `current` pointed to before ("" = none)
  bool files_unchanged = false;  // this version's files were already installed
  std::vector<AppId> removed;    // APP_IDs of the previous version that went away
  // What failed after the new version was committed (the install itself
  // succeeded): a service that did not start, clean-up of the previous
  // version; printed as warnings.
  std::vector<std::string> warnings;
};

// Installs the package in `package_dir` (see confine(8)). All or nothing:
//  1. metadata is validated before anything is written;
//  2. the package is copied into <apps_dir>/<key>/.staging-*/ (untrusted
//     content refused: devices, fifos, sockets, symlinks leaving it; setuid
//     and group/other write bits stripped), then its metadata is loaded again
//     from the copy, which is what gets installed. A version already
//     installed must have identical content (then the files are reused);
//  3. the data dir <data_dir>/<key>/<version> is created (carrying the
//     previous version's data over on upgrade);
//  4. each app's policy is resolved, every step prepares, the copy is
//     renamed to <apps_dir>/<key>/<version>, every step commits and
//     `current` is swapped. Any failure up to here undoes all of it (steps'
//     abort(), and remove() of the new APP_IDs on the steps that committed
//     when those APP_IDs did not exist before) and leaves the previous
//     install as it was;
//  5. then every step's activate() starts or restarts services, and only
//     after that the previous version's APP_IDs are removed from every step
//     (InstallContext::stale) and its files and data dir deleted.
// Installs and removals are serialized by an flock on apps_dir.
InstallResult install_package(const Config& config, const std::string& package_dir,
                              const std::string& origin);
// Same with explicit steps (tests inject failing ones).
InstallResult install_package(const Config& config, const std::string& package_dir,
                              const std::string& origin, const Steps& steps);

struct RemoveResult {
  std::vector<std::string> versions;  // versions whose files were removed
  std::vector<AppId> apps;            // APP_IDs whose artifacts were removed
  std::vector<std::string> warnings;  // files of the removed package left behind
};

// Removes `key` (all versions when `version` is empty): first every step's
// artifacts of its APP_IDs (in reverse step order, so the launch record goes
// first), then its install dirs, data dirs and `current` link. Per-user data
// under $HOME is never touched. All or nothing: when any of that fails, what
// was removed comes back (directories renamed back, the link restored, the
// policy generated again from the installed copy and loaded; stopped
// services stay stopped) and ConfineError says so. Deleting the files of the
// removed package afterwards is best effort (warnings; the next install or
// remove of the package deletes what is left). With `keep_data` the data
// dirs stay (dpkg's remove; purge_data deletes them later).
RemoveResult remove_package(const Config& config, const PackageKey& key,
                            const std::string& version, bool keep_data = false);
RemoveResult remove_package(const Config& config, const PackageKey& key, const std::string& version,
                            const Steps& steps, bool keep_data = false);

// Deletes <data_dir>/<key> of a package that is no longer installed (what
// `remove --keep-data` left; dpkg's purge). ConfineError when it is still
// installed; nothing to delete is success. Returns whether anything was there.
bool purge_data(const Config& config, const PackageKey& key);

// confine remove --purge, after the package is removed: deletes its package
// user (install/users.h) and that uid's tmp dirs; files it owns elsewhere
// stay. Returns the account deleted, nullopt when it had none. Refused while
// a version of `key` is installed.
std::optional<Account> purge_package_user(const Config& config, const PackageKey& key);

// Regenerates the artifacts of the installed current version of `key` after
// an input of its policy outside the package changed (hw-assign: the device
// assignments), as a reinstall of that version would, under the lock of
// install and remove: `change` runs first (with the lock held), then every
// step prepares and commits for the version's apps (metadata read again
// from the installed copy, policies resolved again). All or nothing: when a
// step fails, every step is aborted, `undo` runs, the steps run once more so
// that artifacts a partial commit replaced match the restored input again,
// and a ConfineError naming the failed step is thrown. Returns the APP_IDs
// regenerated (none when the package has no current version).
std::vector<AppId> regenerate_policy(const Config& config, const PackageKey& key,
                                     const Steps& steps, const std::function<void()>& change,
                                     const std::function<void()>& undo);

struct InstalledVersion {
  std::string version;
  bool current = false;
  std::vector<AppId> apps;  // from the launch records
};
struct InstalledPackage {
  PackageKey key;
  std::vector<InstalledVersion> versions;
};
// Packages under apps_dir, sorted by key then version.
std::vector<InstalledPackage> list_packages(const Config& config);

}  // namespace confine::install
