#include "launch/steps.h"

namespace confine::launch {

std::vector<std::unique_ptr<LaunchStep>> launch_steps() {
  std::vector<std::unique_ptr<LaunchStep>> steps;
  // The order is the contract (see steps.h); each layer adds exactly one line
  // in its slot below, calling the factory declared in steps.h.
  steps.push_back(make_device_cgroup_step());  // 1. device cgroup
  steps.push_back(make_privileges_step());     // 2. privileges
  steps.push_back(make_landlock_step());       // 3. Landlock
  steps.push_back(make_apparmor_step());       // 4. AppArmor
  steps.push_back(make_seccomp_step());        // 5. seccomp (last)
  return steps;
}

}  // namespace confine::launch
