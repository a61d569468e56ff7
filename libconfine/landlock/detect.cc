#include "landlock/detect.h"

#include <linux/landlock.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace confine::landlock {

int landlock_abi() {
  // With LANDLOCK_CREATE_RULESET_VERSION the call creates nothing and
  // returns the highest ABI the kernel supports, or -1 with ENOSYS /
  // EOPNOTSUPP: both mean "no Landlock" to every caller.
  const long abi =
      ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi > 0 ? static_cast<int>(abi) : 0;
}

}  // namespace confine::landlock
