// The Landlock install step: writes <policy_dir>/landlock/<APP_ID> (see
// rules.h) for every app whose policy comes from templates and groups. An
// app with a hand-written security-policy AppArmor profile gets none: its
// file rules are not in the policy model, and confine-run reports the layer
// as skipped for it.
#pragma once

#include <memory>

#include "install/step.h"

namespace confine::landlock {

std::unique_ptr<install::InstallStep> make_landlock_install_step();

}  // namespace confine::landlock
