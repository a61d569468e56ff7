// Files an install step generates in prepare() and puts in place in commit():
// each is written whole (atomic_write) beside its final name as
// "<final>.staged", then renamed over the final name, so a launch sees the
// old file or the new one, never a mix. Shared by the steps whose artifact
// is one file per APP_ID (seccomp filters, device grants, Landlock rules).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace confine::install {

class StagedFiles {
 public:
  // Writes `content` to staged_path(final_path). Throws ConfineError.
  void stage(const std::string& final_path, const std::string& content, mode_t mode = 0644);
  // Renames every staged file over its final name, in staging order. A
  // failure part-way throws and leaves the remaining previous files usable.
  void commit();
  // Removes the staged files not yet committed (install failed).
  void discard() noexcept;

  static std::string staged_path(const std::string& final_path) { return final_path + ".staged"; }

 private:
  std::vector<std::string> finals_;  // staged, not yet renamed
};

// unlink(2) that treats a missing file as done; other errors throw.
void unlink_if_present(const std::string& path);

// Removes `final_path` and a leftover staged copy of it (confine remove).
void remove_with_staged(const std::string& final_path);

}  // namespace confine::install
