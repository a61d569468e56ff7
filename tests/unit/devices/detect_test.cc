// Detection of the device cgroup mechanism from sample /proc files.
#include "devices/detect.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace confine::devices {
namespace {

Detection detect_sample(const std::string& name) {
  std::string dir = testing::source_path("tests/unit/devices/data/");
  return choose_backend(parse_mountinfo(testing::read_file(dir + name + ".mountinfo")),
                        parse_proc_cgroup(testing::read_file(dir + name + ".cgroup")));
}

TEST(Detect, PureV2) {
  auto d = detect_sample("pure-v2");
  EXPECT_EQ(d.backend, Backend::V2);
  EXPECT_EQ(d.mount, "/sys/fs/cgroup");
  EXPECT_EQ(d.cgroup, "/user.slice/user-1000.slice/session-2.scope");
}

TEST(Detect, HybridPrefersTheUnifiedHierarchy) {
  std::string dir = testing::source_path("tests/unit/devices/data/");
  auto m = parse_mountinfo(testing::read_file(dir + "hybrid.mountinfo"));
  EXPECT_EQ(m.v2_mount, "/sys/fs/cgroup/unified");
  EXPECT_EQ(m.v1_devices, "/sys/fs/cgroup/devices");
  auto c = parse_proc_cgroup(testing::read_file(dir + "hybrid.cgroup"));
  EXPECT_EQ(c.v1_devices, "/system.slice/foo.service");
  EXPECT_EQ(c.v2_path, "/system.slice/foo.service");
  auto d = detect_sample("hybrid");
  EXPECT_EQ(d.backend, Backend::V2);
  EXPECT_EQ(d.mount, "/sys/fs/cgroup/unified");
}

TEST(Detect, V1Only) {
  auto d = detect_sample("v1-only");
  EXPECT_EQ(d.backend, Backend::V1);
  EXPECT_EQ(d.mount, "/sys/fs/cgroup/devices");
  EXPECT_EQ(d.cgroup, "/user.slice");
}

TEST(Detect, NoneWhenNeitherIsMounted) {
  EXPECT_EQ(detect_sample("none").backend, Backend::None);
}

TEST(Detect, CgroupTwoMountedButProcessNotInItFallsBackToV1) {
  std::string dir = testing::source_path("tests/unit/devices/data/");
  auto m = parse_mountinfo(testing::read_file(dir + "hybrid.mountinfo"));
  auto c = parse_proc_cgroup("5:devices:/\n");
  EXPECT_EQ(choose_backend(m, c).backend, Backend::V1);
}

TEST(Detect, EscapedMountPointsAndBindMountsOfSubtrees) {
  auto m = parse_mountinfo(
      "50 1 0:40 /sub /mnt/sub rw - cgroup2 cgroup2 rw\n"  // root not "/": skipped
      "51 1 0:40 / /mnt/my\\040cgroup rw shared:3 - cgroup2 none rw\n"
      "52 1 0:41 / /mnt/dev rw - cgroup cgroup rw,devices,xattr\n"
      "53 1 0:41 / /mnt/notdev rw - cgroup cgroup rw,devices_x\n"  // option must match whole
      "garbage line\n");
  EXPECT_EQ(m.v2_mount, "/mnt/my cgroup");
  EXPECT_EQ(m.v1_devices, "/mnt/dev");
  auto m2 = parse_mountinfo("53 1 0:41 / /mnt/notdev rw - cgroup cgroup rw,devices_x\n");
  EXPECT_EQ(m2.v1_devices, "");
}

TEST(Detect, ProcCgroupPathsWithColonsAndOutsideTheNamespace) {
  auto c = parse_proc_cgroup("3:cpu,devices:/a:b\n0::/../outside\n");
  EXPECT_EQ(c.v1_devices, "/a:b");
  EXPECT_EQ(c.v2_path, "/../outside");  // opened component-wise later, ".." refused there
  auto c2 = parse_proc_cgroup("0::\n");
  EXPECT_EQ(c2.v2_path, "");
}

TEST(Detect, ThisHost) {
  auto d = detect();
  ASSERT_TRUE(d) << d.error().describe();
  // Whatever this machine has, detection must pick something the kernel
  // offers when /proc/self/cgroup names a hierarchy.
  auto f = read_cgroup_facts();
  ASSERT_TRUE(f);
  if (!f->mounts.v2_mount.empty() && !f->cgroups.v2_path.empty()) {
    EXPECT_EQ(d->backend, Backend::V2);
  }
}

}  // namespace
}  // namespace confine::devices
