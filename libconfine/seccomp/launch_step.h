// Launch-time seccomp loader. Part of confine_launch: it reads only the
// compiled, root-owned filter file and never links libseccomp or a policy
// parser.
#pragma once

#include <linux/filter.h>

#include <memory>
#include <string>

#include "core/error.h"
#include "core/safe_io.h"
#include "launch/step.h"
#include "seccomp/file.h"

namespace confine::seccomp {

// Whether this kernel can load our filters: seccomp filter mode with the
// ERRNO action. ENOSYS/EINVAL when it cannot.
Status kernel_supports_filters();

// Whether loading a filter needs PR_SET_NO_NEW_PRIVS: always when `configured`
// (Config::no_new_privs); otherwise only when the calling thread lacks
// CAP_SYS_ADMIN in its effective set, because the kernel refuses a filter
// then. Root keeps exec transitions (AppArmor, setuid helpers the policy
// allows) unless configured otherwise. No allocation.
bool needs_no_new_privs(bool configured);

// Installs `image` on the calling thread: sets no_new_privs when
// needs_no_new_privs(force_no_new_privs) and verifies it took, then loads the
// root program (only when `metadata_program` and the image has one: it
// refuses every chmod, chown, utime and xattr write), the deny
// program (if any) and the allow program on top of them. The kernel keeps
// the most restrictive result of all stacked filters, so a matching deny
// beats an allow. Does not allocate on success; on failure the process keeps
// whatever was loaded and must not run the app.
Status load_filter(const FilterImage& image, bool force_no_new_privs,
                   bool metadata_program = false);

// Whether the app will run as root: any of the real, effective or saved
// uids is 0 (the root program is then stacked).
bool runs_as_root();

// The seccomp LaunchStep (last before execve; see launch/steps.cc).
//  - The launch record lists "seccomp": the filter file must read, validate
//    and load, or the launch fails (exit 125).
//  - The record has no "seccomp" layer: fails when config.seccomp is
//    Required, else is reported as skipped.
//  - The kernel lacks seccomp filters: fails when Required, else skipped.
//  - The app runs as root: the file's root program is stacked too; a file
//    without one (none is ever written so) fails the launch. An app running
//    as its caller gets it too where no AppArmor profile applies, unless
//    accept_gaps lists file-metadata.
std::unique_ptr<launch::LaunchStep> make_seccomp_step();

}  // namespace confine::seccomp
