// AppArmor names shared by the install path (which declares and loads
// profiles) and the launch path (which asks the kernel for them), so that
// both always agree on what an app's profile and label are called.
#pragma once

#include <string>

#include "core/config.h"
#include "core/names.h"

namespace confine::apparmor {

// The profile name as declared in the generated profile: the APP_ID, or
// ":NS:APP_ID" when the config names an `apparmor_namespace`.
std::string profile_name(const AppId& id, const Config& config);

// The label confine-run requests for the app's execve: profile_name(), plus
// "//&GLOBAL" when the config names a `global_profile`, so that the app runs
// confined by both profiles at once (a stack).
std::string launch_label(const AppId& id, const Config& config);

}  // namespace confine::apparmor
