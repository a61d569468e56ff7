// The users step (first): the package user of apps that run as it
// (install/users.h), their groups, and the data dir handed to that user.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "core/error.h"
#include "install/step.h"

namespace confine::install {

std::unique_ptr<InstallStep> make_users_step();

// Gives the data dir `path` and everything in it to uid:gid, the top
// directory with mode 0700, without following symlinks: every entry is
// opened with O_NOFOLLOW below the fd of its parent, a symlink itself gets
// the owner (fchownat AT_SYMLINK_NOFOLLOW), never its target. A regular file
// with more than one link, or anything that is neither a directory, regular
// file nor symlink, is refused (ConfineError naming it): a hard link the user
// planted to a root file would otherwise hand that file over.
void hand_over_data_dir(const std::string& path, uid_t uid, gid_t gid);

}  // namespace confine::install
