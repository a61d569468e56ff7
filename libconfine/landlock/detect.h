// Whether the running kernel has Landlock, and which ABI. Shared by the
// launch step and `confine check`; linked into confine_launch (no library:
// Debian 12 ships none, so this is the raw landlock_create_ruleset(2)).
#pragma once

#include "core/error.h"

namespace confine::landlock {

// The Landlock ABI version of the running kernel (1, 2, ...), or 0 when it
// has none. An error when the answer cannot be trusted: a seccomp filter
// above us (a container runtime, a unit's SystemCallFilter=) can refuse
// landlock_create_ruleset with any errno, so "none" is believed only when
//   - /sys/kernel/security/lsm is readable and does not list landlock, or
//   - it is not readable, this process is under no seccomp filter, and the
//     kernel answered ENOSYS (not built in) or EOPNOTSUPP (not enabled).
// Everything else (an EPERM, or an ENOSYS while the LSM is listed or a filter
// is in place) is an error: the launch must not run the app as if the
// kernel had no Landlock.
Result<int> landlock_abi();

}  // namespace confine::landlock
