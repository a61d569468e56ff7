// The app's writable directories, created on launch (confine-run(1),
// FILES): the per-user data dir and the per-app-per-user tmp dir, plus the
// package data dir when it is missing and we are root.
//
// confine-run may hold capabilities (file capabilities) or be root while
// it creates directories inside places the caller controls ($HOME) or that
// everybody can write (/tmp). An attacker may have prepared those places with
// symlinks or directories of their own, so every component is created with
// mkdirat() on the fd of its parent and then opened with O_NOFOLLOW and
// checked on the opened fd: a symlink anywhere below the base is refused
// (ELOOP) and so is a directory not owned by the caller (EPERM). Nothing is
// ever created through a path string an attacker could redirect.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "core/layout.h"
#include "core/names.h"
#include "core/safe_io.h"

namespace confine::launch {

// The user the directories are for (the real uid/gid of the caller).
struct DirOwner {
  uid_t uid;
  gid_t gid;
};

struct OwnedDirSpec {
  std::string base;                     // existing directory to start from
  std::vector<std::string> components;  // created below `base`, in order
  mode_t mode = 0700;                   // for components we create
  bool base_owned_by_user = false;      // require base itself owned by owner.uid
  bool exact_mode = false;              // every component must have exactly `mode`
};

// Creates the missing components of `spec` (mode `spec.mode`, chowned to
// `owner` when the effective uid differs, e.g. root launching for itself is
// fine, root creating for another uid chowns) and verifies each one on its
// fd: a directory, not a symlink, owned by owner.uid, and with exactly
// spec.mode when spec.exact_mode. Returns the fd of the last component.
// Errors: ELOOP (symlink), EPERM (owner/mode), ENOTDIR, or mkdir's errno.
Result<UniqueFd> ensure_owned_dirs(const OwnedDirSpec& spec, DirOwner owner);

// $HOME/.local/share/confine/<key>/<version>, 0700 when created; `home`
// (from the password database, never the environment) must be owned by the
// user. Returns the path.
Result<std::string> ensure_user_data_dir(const std::string& home, const PackageKey& key,
                                         const std::string& version, DirOwner owner);

// <tmp_dir>/confine/<uid>/<APP_ID>. <tmp_dir>/confine is root's, mode 0711
// (nobody else can create or list names in it; a tmpfiles.d entry makes it
// at boot, the launcher when it is missing); <uid> and <APP_ID> are exactly
// 0700 and the user's. What the launcher makes in places everybody may write
// it makes with file-system ids 0 (`raised`: the caller holds file
// capabilities, and cap_setuid, cap_setgid, cap_chown are raised for it), so
// no user can pre-create a name another user's launch needs. A parent that is
// a symlink, someone else's or of another mode is refused, naming it.
// Returns the path.
Result<std::string> ensure_tmp_dir(const Layout& layout, const AppId& id, DirOwner owner,
                                   bool raised);

// <data_dir>/<key>/<version>. `confine install` creates it; when it is
// missing and `may_create` (we are root) it is created 0755 root-owned. When
// missing and we may not create it, the launch goes on: the variable still
// names it and the app finds it absent, as it would find it unwritable.
Status ensure_data_dir(const Layout& layout, const PackageKey& key, const std::string& version,
                       bool may_create);

// Root's launch of an app of a package user: <data_dir>/<key>/<version>
// becomes `owner`'s with mode 0700 when it is root's (made by an older
// install, or just now by ensure_data_dir), on the fd opened with
// O_NOFOLLOW. Already `owner`'s: left as it is. Anyone else's, a symlink or
// not a directory: refused. Only the directory itself (`confine install`
// hands over its contents).
Status hand_over_data_dir_top(const Layout& layout, const PackageKey& key,
                              const std::string& version, DirOwner owner);

}  // namespace confine::launch
