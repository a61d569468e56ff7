// The install steps, in the order they run: the package user, then each
// layer's step in the layer table's order (each prepares its artifact for
// every app and records its layer name in AppPlan::layers), the units, and
// last the launch records.
#include "apparmor/install_step.h"
#include "core/layers.h"
#include "devices/install_step.h"
#include "install/launch_record_step.h"
#include "install/pipeline.h"
#include "install/units_step.h"
#include "install/users_step.h"
#include "landlock/install_step.h"
#include "seccomp/install_step.h"

namespace confine::install {
namespace {

// The built-in layers' install steps; a registered layer's row brings its own.
std::unique_ptr<InstallStep> builtin_step(Layer layer) {
  switch (layer) {
    case Layer::Devices: return devices::make_devices_install_step();
    case Layer::Landlock: return landlock::make_landlock_install_step();
    case Layer::AppArmor: return apparmor::make_apparmor_install_step();
    case Layer::Seccomp: return seccomp::make_seccomp_install_step();
  }
  return nullptr;
}

}  // namespace

std::vector<std::unique_ptr<InstallStep>> install_steps() {
  std::vector<std::unique_ptr<InstallStep>> steps;
  // First: the package user, which the units and launch records name.
  steps.push_back(make_users_step());
  for (const LayerInfo& row : layer_table())
    steps.push_back(row.install_step ? row.install_step() : builtin_step(row.layer));
  steps.push_back(make_units_step());
  // Last: the launch record lists the layers above and makes the app
  // launchable only once everything else is in place.
  steps.push_back(make_launch_record_step());
  return steps;
}

}  // namespace confine::install
