// Whether the running kernel has Landlock, and which ABI. Shared by the
// launch step and `confine check`; linked into confine_launch (no library:
// Debian 12 ships none, so this is the raw landlock_create_ruleset(2)).
#pragma once

namespace confine::landlock {

// The Landlock ABI version of the running kernel (1, 2, ...); 0 when it has
// none: not built in (ENOSYS) or not enabled at boot (EOPNOTSUPP, "lsm=").
int landlock_abi();

}  // namespace confine::landlock
