// cgroup v1: the devices controller.
//
// Written directly to cgroupfs rather than through libcgroup: the launch
// needs one mkdir and a handful of writes, libcgroup would add a shared
// library and its configuration parsing to every app start, and its
// path-based API cannot keep our descriptor-based checks (cgroup_dir.h).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "devices/rules.h"
#include "devices/syscalls.h"

namespace confine::devices {

// "c 1:3 rw" lines for devices.allow (prepare time).
std::vector<std::string> v1_allow_lines(const std::vector<DeviceRule>& rules);

// Configures the new, empty launch cgroup `dir`: "a" to devices.deny (deny
// everything), then one write per allow line. A rule the parent cgroup does
// not allow is refused by the kernel with EPERM and stays denied (the
// hierarchy could not grant it anyway); any other error fails. Returns the
// number of such rules in `not_granted`. No allocation on success.
Status configure_v1(int dir, const std::vector<std::string>& allow_lines, const Syscalls& sys,
                    int& not_granted);

}  // namespace confine::devices
