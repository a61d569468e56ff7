// well_known_cgroup2_root(): the launch's way to find the cgroup2 hierarchy
// without /proc/self/mountinfo must give mountinfo's answer, or none.
#include <sched.h>
#include <sys/stat.h>

#include <string>

#include "device_child.h"
#include "devices/cgroup_dir.h"
#include "devices/detect.h"
#include "test_support.h"

namespace confine::testing {
namespace {

// The same directory as the first cgroup2 mount of mountinfo (detect.h),
// whenever it answers at all.
TEST(WellKnownCgroup2Root, AgreesWithMountinfo) {
  auto facts = devices::read_cgroup_facts();
  ASSERT_TRUE(facts) << facts.error().describe();
  const std::string fast = devices::well_known_cgroup2_root();
  if (facts->mounts.v2_mount.empty()) {
    EXPECT_EQ(fast, "") << "no cgroup2 mount in mountinfo";
    return;
  }
  CONFINE_REQUIRE(!fast.empty(), "cgroup2 is not mounted at /sys/fs/cgroup[/unified] here");
  struct stat a, b;
  ASSERT_EQ(::stat(fast.c_str(), &a), 0);
  ASSERT_EQ(::stat(facts->mounts.v2_mount.c_str(), &b), 0);
  EXPECT_EQ(a.st_dev, b.st_dev) << fast << " vs " << facts->mounts.v2_mount;
  EXPECT_EQ(a.st_ino, b.st_ino) << fast << " vs " << facts->mounts.v2_mount;
}

// In a cgroup namespace of its own, /proc/self/cgroup paths are relative to
// the namespace: the fast path must step aside (mountinfo decides).
TEST(WellKnownCgroup2Root, NoAnswerInACgroupNamespace) {
  CONFINE_REQUIRE(is_root(), "unshare(CLONE_NEWCGROUP) needs root");
  CONFINE_REQUIRE(!devices::well_known_cgroup2_root().empty(),
                  "cgroup2 is not mounted at /sys/fs/cgroup[/unified] here");
  auto r = in_child([](int fd) {
    if (::unshare(CLONE_NEWCGROUP) != 0) {
      report(fd, "unshare", strerrorname_np(errno));
      return;
    }
    report(fd, "root", "[" + devices::well_known_cgroup2_root() + "]");
  });
  ASSERT_EQ(r.status, 0) << r.text;
  EXPECT_EQ(r.facts["root"], "[]") << r.text;
}

}  // namespace
}  // namespace confine::testing
