// Devices assigned to a package with `confine hw-assign` (install path):
// <policy_dir>/devices/<KEY>, a root-owned rules file (rules.h format) read
// by the launcher at every launch of the package's apps (device cgroup), and
// read by `confine install` / hw-assign for the AppArmor profiles, which are
// path-based: each rule may be followed by lines
//   #node /dev/PATH
// naming the device nodes the apps' AppArmor profiles grant for it. To the
// launcher they are comments. Changes are validated completely before the
// file is replaced atomically, serialized by an flock on
// <policy_dir>/devices/.lock (taken after the install lock on apps_dir), and
// take effect at the next launch. The assignments belong to the package
// key only while a version of it is installed: removing its last version
// removes them (devices/install_step.h).
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/layout.h"
#include "core/names.h"
#include "devices/rules.h"

namespace confine::devices {

// One assignment: the rule the device cgroup applies and the device node
// paths (absolute, under /dev/, checked by apparmor::check_device_node_path)
// its AppArmor rules name. No nodes means no AppArmor rule: the device then
// only opens on a kernel without AppArmor.
struct Assignment {
  DeviceRule rule;
  std::vector<std::string> nodes;
  bool operator==(const Assignment&) const = default;
};

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

// The assignment of DEVICE (as given to hw-assign) with rule `r`
// (device_rule()) and the nodes AppArmor must grant. AppArmor checks the
// path a file resolves to, so:
//  - a path without --all-minors: the node it resolves to (realpath), which
//    must be under /dev/;
//  - a selector or --all-minors: every node under /dev that `r` matches now
//    (nodes_matching), plus the resolved path given, if any. Nodes created
//    later are not covered until hw-assign runs again.
// Throws ConfineError for a node whose name AppArmor cannot take literally.
Assignment make_assignment(const std::string& device, const DeviceRule& r);

// Reads <policy_dir>/devices/<KEY> strictly (an absent file is no
// assignment): bad rules, bad node paths or a #node line before any rule are
// errors naming the file and line.
std::vector<Assignment> read_assignments(const Layout& l, const PackageKey& k);
// Replaces the file with `list` (removes it when empty), under the lock.
void write_assignments(const Layout& l, const PackageKey& k, const std::vector<Assignment>& list);
// Removes the file (the package's last version is being removed).
void remove_assignments(const Layout& l, const PackageKey& k);

// Whether an install of `version` of `k` finds assignments it must not
// inherit: no other version of `k` is installed and `current` does not
// point to `version`, so the package is new under this key and any
// assignments file is a leftover (of a removal by an older confine, or of a
// crash). The install steps then ignore and remove it.
bool assignments_are_stale(const Layout& l, const PackageKey& k, const std::string& version);

enum class AssignResult { Added, Updated, Unchanged };
// Adds `a` (or replaces the access and nodes of the same device).
AssignResult assign_device(const Layout& l, const PackageKey& k, const Assignment& a);
// Removes the rule for the same device (type, major, minor) and its nodes;
// throws when it is not assigned.
void unassign_device(const Layout& l, const PackageKey& k, const DeviceRule& r);

// Nodes under `dev` that `r` matches ("/dev/loop-control"), sorted; for
// hw-info. Symlinks are not followed.
std::vector<std::string> nodes_matching(const DeviceRule& r, const std::string& dev = "/dev");

}  // namespace confine::devices
