// The devices InstallStep: writes each app's grants file
// (<policy_dir>/grants/<APP_ID>, grants.h) from its resolved policy: the
// capabilities the policy allows (a root-run app keeps exactly these; an
// ordinary user's app none) and the devices it allows beyond the defaults.
// Staged in prepare(), renamed into place on commit; records the "devices"
// layer in the app's launch record. remove() deletes the grants files and
// the apps' (empty) device cgroups, and the package's device assignments
// (<policy_dir>/devices/<KEY>) when no other version of it stays installed.
// A first install under a key removes a leftover assignments file
// (devices/assignments.h, assignments_are_stale()).
#pragma once

#include <memory>

#include "install/step.h"

namespace confine::devices {

std::unique_ptr<install::InstallStep> make_devices_install_step();

// Removes <base>/confine/<APP_ID> and the launch cgroups in it that are
// empty, for each device-cgroup hierarchy this process sees (at the mount
// root and under its own cgroup). Best effort: a cgroup still holding a
// process stays (rmdir EBUSY) and goes at that app's next launch.
void remove_app_cgroups(const AppId& id);
// Removes the cgroup directory `dir` and the empty cgroups below it.
void remove_cgroup_tree(const std::string& dir);

}  // namespace confine::devices
