// File access that an attacker cannot redirect.
//
// Launch path: open_trusted() opens a root-generated artifact by walking from
// "/" with O_NOFOLLOW one component at a time, checking on each opened fd that
// it is owned by root and not writable by group or other. It is used for
// every file confine-run reads as root.
//
// Install path: atomic_write() writes a temp file beside the target, fsyncs,
// and renames it into place, so readers see the old or the new file whole.
#pragma once

#include <string>
#include <sys/types.h>

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
};

// Opens absolute `path` read-only (O_CLOEXEC) refusing symlinks anywhere in
// it, and checking every component as described above. Errors carry errno:
// ELOOP for a symlink, EPERM for a wrong owner or mode.
Result<UniqueFd> open_trusted(const std::string& path, const TrustPolicy& trust = {});
// Reads the whole of a trusted file, at most `max_size` bytes (EFBIG beyond).
Result<std::string> read_trusted(const std::string& path, size_t max_size,
                                 const TrustPolicy& trust = {});
// Reads all of fd (at most max_size bytes).
Result<std::string> read_fd(int fd, size_t max_size);

// Install path. Writes `content` to `path` atomically with `mode`.
void atomic_write(const std::string& path, const std::string& content, mode_t mode = 0644);
// Creates `path` and its parents with `mode` (existing dirs are left alone).
void make_dirs(const std::string& path, mode_t mode = 0755);

}  // namespace confine
