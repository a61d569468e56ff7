// A root launch of an app that runs as its package's user (confine-run(1),
// USERS): the ids come from the launch record, never from the caller.
//
// Order, after the device cgroup and before Landlock, AppArmor and seccomp:
//   1. capabilities cut to cap_setuid, cap_setgid and cap_setpcap (bounding
//      set included), ambient cleared; then those three leave the bounding set;
//   2. setgroups(exactly the declared supplementary groups), setresgid(gid x3),
//      setresuid(uid x3): groups and gid while still root, the uid last (after
//      it nothing can be changed back); the kernel clears the permitted and
//      effective sets when no uid is 0 any more;
//   3. every capability set emptied, then read back: all uids equal, all gids
//      equal, the groups exactly those, no capability in any set.
// No allocation.
#pragma once

#include <sys/types.h>

#include <cstddef>

#include "core/error.h"
#include "core/launch_record.h"

namespace confine::launch {

// The user root's launch of `record` switches to: its package user, when
// the caller's real and effective uid are 0 and the record names one; null
// (the app runs as its caller) for everyone else, so an ordinary user never
// becomes a package user.
const RunUser* launch_user(const LaunchRecord& record, uid_t real_uid, uid_t effective_uid);

// The id-changing calls, in a table so that a test can record their order.
struct IdCalls {
  int (*set_groups)(size_t n, const gid_t* groups);
  int (*set_resgid)(gid_t r, gid_t e, gid_t s);
  int (*set_resuid)(uid_t r, uid_t e, uid_t s);
};
const IdCalls& kernel_id_calls();

// Step 2 above through `calls`, stopping at the first failure.
Status switch_ids(const RunUser& user, const IdCalls& calls);
// Step 3's check: the ids, the groups and empty capability sets.
Status verify_user(const RunUser& user, int last_cap);
// All of it (steps 1 to 3).
Status drop_to_user(const RunUser& user, int last_cap);

}  // namespace confine::launch
