// Privilege handling of confine-run (setuid-free).
//
// confine-run is never setuid. Run by root (systemd services, root shells)
// it has what it needs. For ordinary users the install gives the binary
// file capabilities in the *permitted* set only (packaging/confine-setcap):
// nothing is effective while the launcher parses arguments and reads files;
// the device-cgroup step raises what it needs around its cgroup work
// (raise_effective / lower_effective), and the privileges step then drops
// every capability before exec and reads the result back.
//
// What the app holds after exec:
//   ordinary user (real uid != 0)  nothing: bounding, permitted, effective,
//                                  inheritable and ambient sets all empty
//   root (real and effective uid 0) exactly the capabilities its policy
//                                  grants (<policy_dir>/grants/<APP_ID>,
//                                  written by `confine install`): the bounding
//                                  set is cut down to them, so the kernel's
//                                  "root gets its bounding set at exec" gives
//                                  the app no more
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "core/capabilities.h"
#include "core/error.h"
#include "launch/step.h"

namespace confine::launch {

using confine::cap_bit;
using confine::capability_from_name;
using confine::capability_name;
using confine::CapSet;
// The highest capability the running kernel knows (probed with
// PR_CAPBSET_READ; /proc may not be mounted).
int last_capability();

// True when this process got capabilities its real user does not have: the
// real uid is not 0 and the kernel marked the exec secure (AT_SECURE, set for
// file capabilities) or the permitted set is not empty. Such a caller is
// untrusted: the launcher must ignore --config/CONFINE_CONFIG, sanitise the
// environment and resolve paths through file descriptors.
bool raised_by_file_caps();

struct CapState {
  CapSet effective = 0, permitted = 0, inheritable = 0;
};
Result<CapState> read_caps();

// confine-run's own privilege table: every capability a file-capability
// install gives the binary (permitted only), what raises it, and why. The
// steps raise exactly the rows they need (launcher_caps_for), confine-setcap
// sets exactly these (per cgroup version), and docs/architecture.md ("The
// privilege table") lists them; tests compare both with this table.
enum LauncherNeed : unsigned {
  kNeedFsRootIds = 1U << 0,    // file-system ids 0: cgroups, first tmp dirs
  kNeedTmpDirOwner = 1U << 1,  // hand <tmp_dir>/confine/<uid> to its user
  kNeedBoundingSet = 1U << 2,  // empty the bounding set before exec
  kNeedCgroupV1 = 1U << 3,     // devices.allow / devices.deny
  kNeedCgroupV2 = 1U << 4,     // the BPF_PROG_TYPE_CGROUP_DEVICE program
};
struct LauncherCap {
  int cap;
  unsigned needs;  // LauncherNeed bits
  std::string_view used_by;
  std::string_view why;
};
std::span<const LauncherCap> launcher_caps();
// The capabilities of every row whose needs intersect `needs`.
CapSet launcher_caps_for(unsigned needs);
// First thing a launch raised by file capabilities does: drops from the
// permitted set every capability the table does not list (a binary given
// more than confine-setcap gives never holds it past this point) and
// returns what it dropped, for --verbose.
Result<CapSet> drop_undeclared_caps();

// Whether `cap` is in this thread's effective set; false when capget fails.
bool effective_has(int cap);
// Whether loading a seccomp filter needs PR_SET_NO_NEW_PRIVS: always when
// `configured` (Config::no_new_privs), else when CAP_SYS_ADMIN is not
// effective, because the kernel refuses the filter then. When it cannot
// tell: true (more confinement, never less). The seccomp step decides with
// it and the AppArmor step predicts with it (a stack is needed under
// no_new_privs).
bool filter_needs_no_new_privs(bool configured);

// Makes `caps` effective, as far as they are permitted (a capability that is
// not permitted stays off; the operation needing it then fails with EPERM,
// naming what failed). No allocation on success.
Status raise_effective(CapSet caps);
// Clears the effective set (permitted stays, for the privileges step).
Status lower_effective();

// Makes the calling thread's file-system uid and gid 0 (needs cap_setuid and
// cap_setgid effective when the caller is not root), so that every directory
// created until restore_fs_ids() is root's from the moment it exists (for
// cgroups: also the files the kernel puts in it, cgroup.procs, cgroup.kill,
// cgroup.freeze, ...): there is no moment at which an ordinary caller, who
// can stop its own confine-run at any instruction, owns what it creates in
// a place others use. Checked by reading the ids back. No allocation on
// success.
Status use_root_fs_ids();
// Back to file-system ids equal to the effective ids.
void restore_fs_ids();

// Runs `fn` with file-system ids 0 and, when `raised` (a file-capability
// caller, whose effective set is empty), cap_setuid, cap_setgid and `caps`
// effective; lowers them and restores the ids afterwards, whatever `fn`
// returned. For root's own work done before the confinement steps.
Status as_file_system_root(bool raised, CapSet caps, const std::function<Status()>& fn);

// Reduces this process to `keep` as described above and verifies the
// result: permitted = effective = `keep`, inheritable and ambient empty,
// bounding = `keep`. Dropping bounding capabilities needs CAP_SETPCAP, which
// it raises first (and drops last). No allocation on success.
Status drop_to(CapSet keep, int last_cap);

// The privileges LaunchStep (declared in launch/steps.h as
// make_privileges_step()).

}  // namespace confine::launch
