// Devices assigned to a package with `confine hw-assign` (install path):
// <policy_dir>/devices/<KEY>, a root-owned rules file (rules.h format) read
// by the launcher at every launch of the package's apps. Changes are
// validated completely before the file is replaced atomically, serialized by
// an flock on <policy_dir>/devices/.lock, and take effect at the next launch.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/layout.h"
#include "core/names.h"
#include "devices/rules.h"

namespace confine::devices {

// The package KEY must be installed (<apps_dir>/<KEY> exists); throws
// ConfineError quoting KEY otherwise.
PackageKey installed_package(const Config& c, const std::string& key);

// The rule for DEVICE (throws ConfineError quoting it on bad input):
//  - a path: the node's type and major:minor from stat(2). Symlinks are
//    followed (/dev/disk/by-id/... and /dev/cdrom are symlinks to nodes); the
//    target must be a character or block device, so a missing path, a
//    directory, a regular file or a symlink to one is refused.
//    `all_minors` records the node's whole major ("c 116:*").
//  - a rule selector "c MAJOR:MINOR" or "c MAJOR:*" (also "b ..."), for a
//    device that is not present now or a whole major.
DeviceRule device_rule(const std::string& device, bool all_minors, uint8_t access);

std::vector<DeviceRule> read_assignments(const Layout& l, const PackageKey& k);

enum class AssignResult { Added, Updated, Unchanged };
// Adds `r` (or changes the access of the same device).
AssignResult assign_device(const Layout& l, const PackageKey& k, const DeviceRule& r);
// Removes the rule for the same device (type, major, minor); throws when it
// is not assigned.
void unassign_device(const Layout& l, const PackageKey& k, const DeviceRule& r);

// Nodes under /dev that `r` matches ("/dev/loop-control"), sorted; for
// hw-info. Symlinks are not followed.
std::vector<std::string> nodes_matching(const DeviceRule& r, const std::string& dev = "/dev");

}  // namespace confine::devices
