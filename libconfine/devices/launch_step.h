// The device-cgroup LaunchStep: the app may open only the default devices,
// the devices assigned to its package (confine hw-assign) and those its
// policy grants. First of the confinement steps (launch/steps.h).
//
// prepare(): detects the mechanism (detect.h), reads the rules (defaults,
//   <policy_dir>/devices/<KEY> if present, <policy_dir>/grants/<APP_ID> when
//   the launch record lists the "devices" layer), generates the v2 program
//   or the v1 lines, and opens the base cgroup (cgroup_dir.h).
// apply(): v2: joins the rule set's cgroup <base>/confine/<APP_ID>/r-<hash>
//   (created, with its BPF program attached with ALLOW_MULTI, by the first
//   launch with these rules), then removes the app's rule sets that are
//   empty and no longer current. v1: removes the app's dead launch cgroups,
//   creates <base>/confine/<APP_ID>/<pid>-<random>, applies the rules
//   (devices.deny "a" + devices.allow) and joins it. The app inherits the
//   cgroup at exec (cgroup_dir.h). It works with file-system ids 0
//   (launch::use_root_fs_ids), so that nothing it creates is ever the caller's; when
//   raised by file capabilities it makes cap_setuid, cap_setgid and
//   cap_sys_admin (v1) or cap_bpf + cap_net_admin (v2) effective for exactly
//   this and lowers them after. A cgroup it made for a launch that then
//   failed is removed again.
//
// config.devices Required (the default): no mechanism, or any failure ->
// the launch stops (exit 125) naming this step and the errno. IfAvailable:
// no mechanism -> "skipped" and the app runs; failures still stop it.
#pragma once

#include <memory>
#include <string>

#include "devices/detect.h"
#include "devices/syscalls.h"
#include "launch/step.h"

namespace confine::devices {

// Test seams; confine-run uses the defaults.
struct DeviceStepOptions {
  const Syscalls* sys = &real_syscalls();
  // Use this mechanism if it is available (tests of v1 on a hybrid host);
  // Backend::None = choose (v2 preferred).
  Backend force = Backend::None;
  // Use this cgroup2 mount point instead of the first one in mountinfo (a
  // fresh mount of the hierarchy).
  std::string v2_mount;
};

std::unique_ptr<launch::LaunchStep> make_device_cgroup_step(DeviceStepOptions opts);

}  // namespace confine::devices
