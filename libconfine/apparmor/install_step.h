// The AppArmor install step (install/step.h): generates each app's profile,
// validates it with apparmor_parser -Q at prepare, loads it with -r and puts
// it at <policy_dir>/apparmor/<APP_ID> at commit.
#pragma once

#include <memory>

#include "install/step.h"

namespace confine::apparmor {

std::unique_ptr<install::InstallStep> make_apparmor_install_step();

}  // namespace confine::apparmor
