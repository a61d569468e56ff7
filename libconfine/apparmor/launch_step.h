// The AppArmor launch step (launch/step.h), defined as
// confine::launch::make_apparmor_step() (declared in launch/steps.h).
//
// prepare():
//   - aa_is_enabled(), errno by errno: ENOSYS (no AppArmor in the kernel) and
//     ECANCELED (disabled at boot, apparmor=0) mean "not enabled"; anything
//     else (ENOENT: enabled but securityfs missing, EPERM, EACCES, ...) is a
//     surprise and fails the launch whatever the config says.
//   - Not enabled: `apparmor: required` -> error (exit 125); `if-available`
//     -> one line in ctx.skipped, nothing applied.
//   - Enabled: the launch record must list the "apparmor" layer, and the
//     kernel must know the label (apparmor/label.h launch_label()): asked
//     through the .access query interface, so that a profile that is not
//     loaded fails the launch here, before anything is exec'd.
//   - Opens /proc/thread-self/attr/apparmor/exec and formats the request.
// apply(): one write(2), no allocation, of what aa_change_onexec() or
//   aa_stack_onexec() would write:
//   - "exec LABEL" (a profile change at the next execve) normally;
//   - "stack LABEL" when the launcher itself is confined by a profile and
//     no-new-privs is set: the kernel then only allows transitions that keep
//     the current confinement, so the app's profile is stacked on top.
//   Runs after the privileges step (which may set no-new-privs) and before
//   seccomp (whose filter comes last and must allow this write and execve).
#pragma once

#include <string>

#include "core/config.h"
#include "core/error.h"

namespace confine::apparmor {

enum class KernelSupport { Enabled, NotEnabled };

// aa_is_enabled() interpreted as above. An unexpected errno is an error
// naming it.
Result<KernelSupport> kernel_support();

// The one-line notice for ctx.skipped when AppArmor is not enabled.
inline constexpr const char* kNotEnabledNotice =
    "apparmor: not enabled in the kernel; filesystem confinement not applied";
// ... when the Landlock step (which runs before) confined the filesystem.
inline constexpr const char* kNotEnabledLandlockNotice =
    "apparmor: not enabled in the kernel; Landlock confines the filesystem instead "
    "(by directory, without deny rules)";

}  // namespace confine::apparmor
