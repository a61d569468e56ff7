// The confinement steps of the launch path, in their fixed order
// (docs/architecture.md, "Launch order"):
//
//   device cgroup -> privileges -> Landlock -> AppArmor -> seccomp -> execve
//
// Why this order: the device cgroup is joined while we still hold the
// privilege to write to the cgroup tree; privileges are then reduced to what
// the app may hold (and no-new-privs set where seccomp needs it); Landlock
// restricts this process from then on, so it comes after every step that
// opens files by path; AppArmor's change_onexec only takes effect at the
// execve; the seccomp filter comes
// last because it constrains everything after it, including the final
// execve, which it must allow.
//
// Each layer lives in its own component and provides one factory, declared
// here and defined in the layer's directory (which adds its launch half to
// confine_launch). The order comes from the layer table (core/layers.h):
// launch_steps() takes each row's step in its launch_order, the privileges
// step at kPrivilegesLaunchOrder; steps.cc binds the built-in rows to their
// factories in one table.
#pragma once

#include <memory>
#include <vector>

#include "launch/step.h"

namespace confine::launch {

// Defined by the layers (libconfine/<layer>/): each returns its launch step.
std::unique_ptr<LaunchStep> make_device_cgroup_step();  // devices/
std::unique_ptr<LaunchStep> make_privileges_step();     // launch/ (privilege handling)
std::unique_ptr<LaunchStep> make_landlock_step();       // landlock/
std::unique_ptr<LaunchStep> make_apparmor_step();       // apparmor/
std::unique_ptr<LaunchStep> make_seccomp_step();        // seccomp/

// The steps in launch order. confine-run runs every prepare() first, then
// every apply(), stopping at the first error (exit 125).
std::vector<std::unique_ptr<LaunchStep>> launch_steps();

}  // namespace confine::launch
