#include "landlock/detect.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/safe_io.h"

namespace confine::landlock {
namespace {

constexpr size_t kMaxSmallFile = size_t{64} * 1024;

// -1: unreadable; 0: the LSM list does not name landlock; 1: it does.
int lsm_listed() {
  UniqueFd fd(::open("/sys/kernel/security/lsm", O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return -1;
  auto text = read_fd(fd.get(), kMaxSmallFile);
  if (!text) return -1;
  const std::string list = "," + *text + ",";
  return list.find(",landlock,") != std::string::npos ? 1 : 0;
}

// -1: unknown; otherwise the "Seccomp:" mode of this process (0 = none).
int seccomp_mode() {
  UniqueFd fd(::open("/proc/self/status", O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return -1;
  auto text = read_fd(fd.get(), kMaxSmallFile);
  if (!text) return -1;
  auto p = text->find("\nSeccomp:\t");
  if (p == std::string::npos || p + 10 >= text->size()) return -1;
  const char c = (*text)[p + 10];
  return c >= '0' && c <= '9' ? c - '0' : -1;
}

}  // namespace

Result<int> landlock_abi() {
  // With LANDLOCK_CREATE_RULESET_VERSION the call creates nothing and
  // returns the highest ABI the kernel supports.
  const long abi =
      ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi > 0) return static_cast<int>(abi);
  const int e = abi < 0 ? errno : EINVAL;
  const int listed = lsm_listed();
  if (listed == 0) return 0;
  const bool kernels_answer = e == ENOSYS || e == EOPNOTSUPP;
  if (listed < 0 && kernels_answer && seccomp_mode() == 0) return 0;
  return Error::from_errno(
      e, listed == 1 ? "landlock_create_ruleset was refused although the kernel's LSM list names "
                       "Landlock (a seccomp filter above confine-run?)"
                     : "landlock_create_ruleset was refused under a seccomp filter, so whether "
                       "the kernel has Landlock is unknown (/sys/kernel/security/lsm is not "
                       "readable)");
}

}  // namespace confine::landlock
