#include "install/staged_files.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "core/error.h"
#include "core/fault.h"
#include "core/safe_io.h"

namespace confine::install {

void StagedFiles::stage(const std::string& final_path, const std::string& content, mode_t mode) {
  finals_.push_back(final_path);  // before writing: discard() removes a partial file too
  throw_if_error(atomic_write(staged_path(final_path), content, mode));
}

void StagedFiles::commit() {
  while (!finals_.empty()) {
    const std::string& to = finals_.front();
    const std::string from = staged_path(to);
    fault_point_or_throw("install: rename staged");
    if (::rename(from.c_str(), to.c_str()) != 0)
      throw ConfineError("cannot move " + from + " into place", errno);
    finals_.erase(finals_.begin());
  }
}

void StagedFiles::discard() noexcept {
  for (const auto& f : finals_) ::unlink(staged_path(f).c_str());
  finals_.clear();
}

void unlink_if_present(const std::string& path) {
  fault_point_or_throw("remove: unlink");
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    throw ConfineError("cannot remove " + path, errno);
}

void remove_with_staged(const std::string& final_path) {
  unlink_if_present(final_path);
  unlink_if_present(StagedFiles::staged_path(final_path));
}

}  // namespace confine::install
