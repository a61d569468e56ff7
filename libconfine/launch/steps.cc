#include "launch/steps.h"

#include "core/layers.h"

namespace confine::launch {
namespace {

// The built-in layers' launch steps; a registered layer's row brings its own.
std::unique_ptr<LaunchStep> builtin_step(Layer layer) {
  switch (layer) {
    case Layer::Devices: return make_device_cgroup_step();
    case Layer::Landlock: return make_landlock_step();
    case Layer::AppArmor: return make_apparmor_step();
    case Layer::Seccomp: return make_seccomp_step();
  }
  return nullptr;
}

}  // namespace

std::vector<std::unique_ptr<LaunchStep>> launch_steps() {
  std::vector<std::unique_ptr<LaunchStep>> steps;
  bool privileges = false;
  for (const LayerInfo& row : layer_table()) {
    if (!privileges && row.launch_order > kPrivilegesLaunchOrder) {
      steps.push_back(make_privileges_step());
      privileges = true;
    }
    steps.push_back(row.launch_step ? row.launch_step() : builtin_step(row.layer));
  }
  if (!privileges) steps.push_back(make_privileges_step());
  return steps;
}

}  // namespace confine::launch
