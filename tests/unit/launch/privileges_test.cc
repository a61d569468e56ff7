// The capability handling the privileges step relies on, against the
// running kernel: the last capability it finds is the kernel's own, and a
// drop leaves nothing behind in any set.
#include "launch/privileges.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "test_support.h"

namespace confine::launch {
namespace {

TEST(Privileges, LastCapabilityIsTheKernels) {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  int kernel = -1;
  in >> kernel;
  CONFINE_REQUIRE(in && kernel > 0, "/proc/sys/kernel/cap_last_cap is not readable");
  EXPECT_EQ(last_capability(), kernel);
  EXPECT_GE(::prctl(PR_CAPBSET_READ, last_capability(), 0, 0, 0), 0);
  EXPECT_LT(::prctl(PR_CAPBSET_READ, last_capability() + 1, 0, 0, 0), 0);
}

// In a child (the drop cannot be undone): root keeps exactly one
// capability; every other one is gone from every set, as read back here
// independently of drop_to()'s own verification.
TEST(Privileges, DropKeepsExactlyWhatIsAsked) {
  CONFINE_REQUIRE(testing::is_root(), "dropping from the bounding set needs root");
  const int last = last_capability();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const CapSet keep = cap_bit(13);  // net_raw
    if (!drop_to(keep, last)) _exit(2);
    auto caps = read_caps();
    if (!caps || caps->effective != keep || caps->permitted != keep || caps->inheritable != 0)
      _exit(3);
    for (int cap = 0; cap <= last; ++cap) {
      const int want = (keep & cap_bit(cap)) ? 1 : 0;
      if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != want) _exit(4);
      if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) > 0) _exit(5);
    }
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "2: drop failed, 3: sets, 4: bounding, 5: ambient";
}

}  // namespace
}  // namespace confine::launch
