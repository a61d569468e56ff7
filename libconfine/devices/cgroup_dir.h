// Cgroup directories of the device layer, handled through file descriptors.
//
//   v2: <base>/confine/<APP_ID>/r-<program hash>: one cgroup per rule set.
//       The BPF program is attached once, by the launch that creates the
//       set (loading it costs ~0.8 ms, more than the rest of the launch),
//       and every launch with the same rules joins that cgroup directly:
//       nothing is created or removed per launch. A launch finding r-<hash>
//       without a program (its creator failed or is still attaching)
//       attaches one itself, identical programs being harmless together.
//       Rules that change (hw-assign, an update) make a new set; a set no
//       launch uses any more is removed once empty by the next launch of
//       the app (prune_rule_sets: one directory listing, after joining).
//   v1: <base>/confine/<APP_ID>/<pid>-<random>, made and configured per
//       launch: rewriting a shared cgroup's rules would deny everything for
//       a moment ("a" to devices.deny first) to the apps already in it. The
//       app keeps the launcher's pid, so a launch cgroup whose pid is gone
//       is empty or about to be; each launch removes those of its app
//       (reap_app_cgroups).
// `confine remove` removes the per-app directories.
//
// <base> is the caller's own cgroup when it and every ancestor up to the
// mount root is owned by root and writable by root only (a root shell, a
// system service, a login session): the app stays in its service's cgroup
// for systemd's accounting and stop. Otherwise <base> is the hierarchy's
// root: below a cgroup its user may write (systemd's user@.service
// delegation), the user could move the app out of the confined cgroup into
// one of their own, since cgroup v2 only asks for write access to the common
// ancestor.
#pragma once

#include <string>

#include "core/error.h"
#include "core/safe_io.h"
#include "devices/detect.h"
#include "devices/syscalls.h"

namespace confine::devices {

struct CgroupBase {
  UniqueFd fd;       // the base directory
  std::string path;  // for messages and --verbose
  bool under_caller = false;
};

// The cgroup2 hierarchy's mount point found without reading
// /proc/self/mountinfo (~45 us per launch), when the answer is certain: this
// process is in the initial cgroup namespace (/proc/self/ns/cgroup has the
// kernel's fixed inode number for it, so /proc/self/cgroup paths are from
// the hierarchy's root), and /sys/fs/cgroup (pure v2) or
// /sys/fs/cgroup/unified (hybrid) is a cgroup2 file system whose directory
// is the root cgroup (the only one without cgroup.type). "" otherwise: the
// caller reads mountinfo (detect.h).
std::string well_known_cgroup2_root();

// Opens the base for `d` (prepare time: allocates). Checks that the mount
// really is a cgroup file system of the expected version (statfs magic).
Result<CgroupBase> open_cgroup_base(const Detection& d);

// Creates (or, unless `must_be_new`, opens an existing) cgroup directory
// `name` in `parent` and returns it. The directory and its cgroup.procs must
// be owned by root and writable by root only, whether found or made (make
// them under launch::use_root_fs_ids()); a directory this call made is removed again
// when that or opening it fails. No allocation on success.
// `made` (optional) tells whether this call made it.
Result<UniqueFd> ensure_cgroup_dir(int parent, const char* name, bool must_be_new,
                                   const Syscalls& sys, bool* made = nullptr);

// Removes the launch cgroups "<pid>-<hex>" in `dir` whose pid no longer
// exists (rmdir fails harmlessly on one that still holds a process). Returns
// how many were removed. Best effort, no allocation.
int reap_dead_launches(int dir);
// The same in `app_dir`, then prune_rule_sets(app_dir, current_set).
int reap_app_cgroups(int app_dir, const char* current_set);

// v2: removes the rule sets "r-*" in `app_dir` other than `current_set`
// that no process uses any more (and launch cgroups an older confine-run
// left in them whose pid is gone). Returns how many directories were
// removed. Best effort, no allocation.
int prune_rule_sets(int app_dir, const char* current_set);

// Moves the calling process into the cgroup `dir` (writes "0" to its
// cgroup.procs).
Status join_cgroup(int dir, const Syscalls& sys);

// Writes `len` bytes to the cgroup file `name` in `dir` in one write(2): the
// kernel parses one rule per write.
Status write_cgroup_file(int dir, const char* name, const char* buf, size_t len,
                         const Syscalls& sys);

// "<pid>-<8 hex digits of getrandom>".
std::string launch_cgroup_name();

}  // namespace confine::devices
