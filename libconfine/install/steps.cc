// The install steps, in the order they run. Each layer's step prepares its
// artifact for every app and records its layer name in AppPlan::layers.
#include "apparmor/install_step.h"
#include "devices/install_step.h"
#include "install/launch_record_step.h"
#include "install/pipeline.h"
#include "install/units_step.h"
#include "install/users_step.h"
#include "landlock/install_step.h"
#include "seccomp/install_step.h"

namespace confine::install {

std::vector<std::unique_ptr<InstallStep>> install_steps() {
  std::vector<std::unique_ptr<InstallStep>> steps;
  // --- Confinement layer steps go here, one line each (seccomp, apparmor,
  // --- devices, ...), before the launch-record step.
  // First: the package user, which the units and launch records name.
  steps.push_back(make_users_step());
  steps.push_back(seccomp::make_seccomp_install_step());
  steps.push_back(apparmor::make_apparmor_install_step());
  steps.push_back(devices::make_devices_install_step());
  steps.push_back(landlock::make_landlock_install_step());

  steps.push_back(make_units_step());
  // Last: the launch record lists the layers above and makes the app
  // launchable only once everything else is in place.
  steps.push_back(make_launch_record_step());
  return steps;
}

}  // namespace confine::install
