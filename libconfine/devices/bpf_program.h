// The cgroup v2 device program: a BPF_PROG_TYPE_CGROUP_DEVICE program that
// allows exactly a rule list and denies everything else.
//
// The kernel runs it for every open and mknod of a device node by a process
// in the cgroup (and its descendants), with a struct bpf_cgroup_dev_ctx:
// access_type = (access bits << 16) | device type, major, minor. It returns
// 1 to allow and 0 to deny (EPERM). An access asking for several bits (an
// O_RDWR open asks read|write) is allowed only when one rule grants all of
// them, like the v1 controller.
#pragma once

#include <linux/bpf.h>

#include <vector>

#include "devices/rules.h"

namespace confine::devices {

// Generates the program: a fixed prologue loading the context into
// registers, one block per rule (at most 8 instructions: a matching block
// returns 1), then "return 0". Pure: no syscalls, unit-tested by
// interpreting the result. The list is limited to kMaxRules rules.
std::vector<bpf_insn> device_program(const std::vector<DeviceRule>& rules);

// Runs `prog` on one access the way the kernel would, for tests and for
// checking a generated program before it is loaded: returns the program's
// r0 (1 allow, 0 deny) or -1 when the program does something the generator
// never emits (unknown opcode, jump out of range, read outside the context).
int run_device_program(const std::vector<bpf_insn>& prog, char type, unsigned major, unsigned minor,
                       uint8_t access);

}  // namespace confine::devices
