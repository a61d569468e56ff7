// File access that an attacker cannot redirect.
//
// One primitive: open_trusted_at() opens a single path component on the fd
// of its parent without following a symlink (openat2 RESOLVE_BENEATH |
// RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, openat O_NOFOLLOW where the
// kernel lacks openat2) and checks the opened fd against a TrustPolicy. Every
// trusted walk in confine is made of it: open_trusted() and
// open_trusted_dir() from "/", TrustedDir below a checked directory, the
// launcher's package and install directories (launch/locate.cc) and the
// directories it creates for the app (launch/app_dirs.cc, which creates a
// missing component and then checks it the same way).
//
// Launch path: open_trusted() opens a root-generated artifact by walking from
// "/" one component at a time, checking on each opened fd that it is owned by
// root and not writable by group or other. It is used for every file
// confine-run reads as root. TrustedDir does that walk once for a
// directory (policy_dir) and keeps the checked fd, so that the several files
// a launch reads below it cost an openat() per component instead of a walk
// from "/" each: the same checks, on the same kind of fd.
//
// Install path: atomic_write() writes a temp file beside the target, fsyncs,
// and renames it into place, so readers see the old or the new file whole.
#pragma once

#include <fcntl.h>
#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/error.h"

namespace confine {

// Owns a file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

struct TrustPolicy {
  uid_t owner = 0;  // required owner of the file and every directory above it
  // Root's artifacts: no component may be writable by group or others (a
  // sticky directory excepted). A user's own directories only need to be the
  // user's (launch/app_dirs.h): false there.
  bool owner_only_writes = true;
};

enum class Node { file, dir };

// Opens `name`, one path component (no '/', not "." or ".."), in the
// directory `at` with `flags` | O_NOFOLLOW | O_CLOEXEC (| O_DIRECTORY for a
// dir), never following a symlink; nothing is checked. ELOOP "<shown> is a
// symlink" for one; otherwise openat's errno. `shown` names it in messages.
Result<UniqueFd> open_component(int at, const std::string& name, const std::string& shown,
                                Node node, int flags = O_RDONLY);
// Checks the opened `fd`: owned by trust.owner, not writable by others when
// trust.owner_only_writes, a directory (ENOTDIR) or a regular file (EINVAL)
// as `node` says. EPERM for owner or mode.
Status check_trusted(int fd, const std::string& shown, const TrustPolicy& trust, Node node);
// open_component() then check_trusted(): one step of every trusted walk.
Result<UniqueFd> open_trusted_at(int at, const std::string& name, const std::string& shown,
                                 const TrustPolicy& trust, Node node);

// Opens absolute `path` read-only (O_CLOEXEC) refusing symlinks anywhere in
// it, and checking every component as described above. Errors carry errno:
// ELOOP for a symlink, EPERM for a wrong owner or mode.
Result<UniqueFd> open_trusted(const std::string& path, const TrustPolicy& trust = {});
// The directory `path` and every one above it, checked as open_trusted()
// checks them; ENOTDIR when it is not a directory.
Result<UniqueFd> open_trusted_dir(const std::string& path, const TrustPolicy& trust = {});
// Reads the whole of a trusted file, at most `max_size` bytes (EFBIG beyond).
Result<std::string> read_trusted(const std::string& path, size_t max_size,
                                 const TrustPolicy& trust = {});
// A directory opened and checked like open_trusted() (the directory itself
// and every one above it), kept open. Files below it are opened with the same
// per-component checks, starting from this fd instead of "/". Being a fd, it
// keeps meaning the directory that was checked even if the path is renamed
// afterwards (which only its owner could do).
class TrustedDir {
 public:
  TrustedDir() = default;
  // Errors as open_trusted(); ENOTDIR when `path` is not a directory.
  static Result<TrustedDir> open(const std::string& path, const TrustPolicy& trust = {});

  // Opens the regular file `file`: relative to this directory, or an
  // absolute path, which below path() is walked from this fd and elsewhere
  // is opened with open_trusted(). No "..", no symlinks, every component
  // checked; errors as open_trusted(), naming the absolute path.
  Result<UniqueFd> open_file(std::string_view file) const;
  // Reads the whole of open_file(file), at most `max_size` bytes (EFBIG beyond).
  Result<std::string> read_file(std::string_view file, size_t max_size) const;

  bool valid() const { return fd_.valid(); }
  int fd() const { return fd_.get(); }
  const std::string& path() const { return path_; }

 private:
  UniqueFd fd_;
  std::string path_;
  TrustPolicy trust_;
};

// Reads all of fd (at most max_size bytes).
Result<std::string> read_fd(int fd, size_t max_size);

// Install path. Writes `content` to `path` atomically with `mode`; on any
// failure the temporary file is gone and `path` is as it was.
Status atomic_write(const std::string& path, const std::string& content, mode_t mode = 0644);
// Creates `path` and its parents with `mode` (existing dirs are left alone).
Status make_dirs(const std::string& path, mode_t mode = 0755);

}  // namespace confine
