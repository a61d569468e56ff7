// Which device-cgroup mechanism this process can use, from
// /proc/self/mountinfo and /proc/self/cgroup, never assumed.
//
//   pure v2   one cgroup2 mount (Debian 12: /sys/fs/cgroup), "0::/path" in
//             /proc/self/cgroup                      -> BPF device program
//   hybrid    v1 controllers (devices among them) plus cgroup2 at
//             /sys/fs/cgroup/unified, and a "0::" line -> BPF device program
//             (the kernel runs the cgroup2 program and the v1 controller's
//             check; v2 needs no controller, so it is preferred)
//   v1 only   a "cgroup" mount with the devices controller -> v1 controller
//   none      neither: the device layer cannot be applied
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace confine::devices {

enum class Backend { None, V1, V2 };

struct CgroupMounts {
  std::string v2_mount;    // mount point of a cgroup2 hierarchy ("" = none)
  std::string v1_devices;  // mount point of the v1 devices controller ("" = none)
};

struct ProcCgroups {
  std::string v2_path;     // the "0::" line's path ("" = no such line)
  std::string v1_devices;  // the path in the devices hierarchy ("" = none)
};

struct Detection {
  Backend backend = Backend::None;
  // The directory of this process's cgroup in the chosen hierarchy, e.g.
  // "/sys/fs/cgroup/unified/user.slice" (mount point + cgroup path).
  std::string mount;   // the hierarchy's mount point
  std::string cgroup;  // the process's cgroup path in it ("/" at the root)
};

// Parses mountinfo text (proc(5)). Only mounts whose root is "/" count (a
// bind mount of a sub-cgroup cannot hold our path); the first of each kind
// wins. Mount points are unescaped (\040 etc.).
CgroupMounts parse_mountinfo(std::string_view text);
// Parses /proc/self/cgroup text.
ProcCgroups parse_proc_cgroup(std::string_view text);
// Chooses as described above.
Detection choose_backend(const CgroupMounts& m, const ProcCgroups& c);
struct CgroupFacts {
  CgroupMounts mounts;
  ProcCgroups cgroups;
};
// Reads and parses /proc/self/mountinfo and /proc/self/cgroup.
Result<CgroupFacts> read_cgroup_facts();
// Reads this process's files and chooses. Errors only when they cannot be
// read; Backend::None is a result, not an error.
Result<Detection> detect();

std::string_view to_string(Backend b);

}  // namespace confine::devices
