// The systemd-units step: one <units_dir>/confine-<APP_ID>.service per
// service of the package, starting it through confine-run. Units are written
// and systemd reloaded (when it runs); they are not enabled or started.
#pragma once

#include <memory>
#include <string>

#include "core/names.h"
#include "install/step.h"

namespace confine::install {

std::unique_ptr<InstallStep> make_units_step();

// "confine-<APP_ID>.service", with the bytes systemd does not allow in unit
// names ('+', '~') escaped as \xNN the way systemd-escape does.
std::string unit_name(const AppId& id);

}  // namespace confine::install
