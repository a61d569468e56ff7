// Locating the installed app the APP argument of confine-run names: the
// first launch step (docs/architecture.md, "Launch order").
//
// APP is an APP_ID or `<key>_<app>`; for the latter the version is the target
// of `<apps_dir>/<key>/current`, read with readlinkat() on the fd of the
// package directory. Everything the launcher trusts here is checked on the
// way: the package and install directories must be root-owned and not
// writable by others all the way from "/", with no symlinks (a sticky
// root-owned directory such as /tmp is accepted as a parent), the launch
// record is read through a TrustedDir of policy_dir (checked the same way),
// kept open for the launch steps, and the record must name the APP_ID it is
// filed under.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/launch_record.h"
#include "core/layout.h"
#include "core/safe_io.h"

namespace confine::launch {

// Exit statuses of confine-run(1), EXIT STATUS.
inline constexpr int kExitCannotRun = 125;      // could not confine or start it
inline constexpr int kExitNotExecutable = 126;  // the app's file is not executable
inline constexpr int kExitNoSuchApp = 127;      // no such app

struct LocatedApp {
  LaunchRecord record;      // record.id is the resolved APP_ID
  std::string install_dir;  // <apps_dir>/<key>/<version>
  std::string exec_path;    // <install_dir>/<record.exec>
  UniqueFd install_fd;      // the verified install dir (O_DIRECTORY)
  TrustedDir policy_dir;    // the verified policy_dir, for every artifact of the launch
};

// No such app (127): APP is not a valid name, the package, version, current
// link or launch record does not exist, or the app's file is missing.
// Not executable (126): the app's file is not a regular file with an execute
// bit. Everything else (untrusted paths, a bad record, I/O errors) is 125.
// The error's exit_status is that status; its describe() is the message to
// print after "confine-run: error: ".
Result<LocatedApp> locate_app(const Layout& layout, std::string_view app);

}  // namespace confine::launch
