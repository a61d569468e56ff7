#include "devices/cgroup_v1.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "core/safe_io.h"
#include "devices/cgroup_dir.h"

namespace confine::devices {

std::vector<std::string> v1_allow_lines(const std::vector<DeviceRule>& rules) {
  std::vector<std::string> lines;
  lines.reserve(rules.size());
  for (const auto& r : rules) lines.push_back(format_rule(r));
  return lines;
}

Status configure_v1(int dir, const std::vector<std::string>& allow_lines, const Syscalls& sys,
                    int& not_granted) {
  not_granted = 0;
  if (auto s = write_cgroup_file(dir, "devices.deny", "a", 1, sys); !s) return s;
  UniqueFd fd(::openat(dir, "devices.allow", O_WRONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return Error::from_errno(errno, "cannot open devices.allow");
  for (const auto& line : allow_lines) {
    ssize_t n = sys.write(fd.get(), line.data(), line.size());
    if (n < 0 && errno == EPERM) {
      ++not_granted;
      continue;
    }
    if (n < 0) return Error::from_errno(errno, "cannot write devices.allow");
    if (static_cast<size_t>(n) != line.size())
      return Error::from_errno(EIO, "short write to devices.allow");
  }
  return Status::Ok();
}

}  // namespace confine::devices
