// cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program (bpf_program.h) loaded
// and attached with the raw bpf(2) system call (see syscalls.cc for why not
// libbpf).
//
// The program is attached to the launch's own new cgroup with
// BPF_F_ALLOW_MULTI. The kernel runs every program attached to the cgroup
// and, for programs attached with ALLOW_MULTI, to its ancestors; an access
// is allowed only when all of them allow it. So a program systemd attached
// to a service's cgroup (DeviceAllow=, which uses ALLOW_MULTI) keeps
// applying, and we never detach or replace anyone's program. Should an
// ancestor hold a program attached without ALLOW_MULTI or ALLOW_OVERRIDE,
// the kernel refuses our attach (EPERM) and the launch fails: an app is
// never started without its device program. The program goes away with the
// cgroup (rmdir), which holds the only reference once we close its fd.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/safe_io.h"
#include "devices/syscalls.h"

namespace confine::devices {

// BPF_PROG_LOAD. No allocation on success.
Result<UniqueFd> load_device_program(const std::vector<bpf_insn>& prog, const Syscalls& sys);
// BPF_PROG_ATTACH to the cgroup directory `cgroup_fd` with BPF_F_ALLOW_MULTI.
Status attach_device_program(int cgroup_fd, int prog_fd, const Syscalls& sys);
// BPF_PROG_QUERY: how many device programs are attached to `cgroup_fd`
// itself (not inherited).
Result<uint32_t> attached_device_programs(int cgroup_fd, const Syscalls& sys);
// "r-<16 hex digits>": a 64-bit FNV-1a hash of the program's instructions,
// naming the rule set's cgroup.
std::string rule_set_name(const std::vector<bpf_insn>& prog);

}  // namespace confine::devices
