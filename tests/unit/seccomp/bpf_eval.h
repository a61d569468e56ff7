// Test-only interpreter of classic BPF as the kernel runs it for seccomp
// (after Sandboxed API's bpf_evaluator): evaluates a compiled program against
// a struct seccomp_data in-process, so every decision of a filter can be
// checked without loading it.
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstdint>
#include <span>
#include <string>

#include "seccomp/file.h"

namespace confine::testing {

// Runs `prog` on `data`. Returns the SECCOMP_RET_* value; an invalid program
// (bad opcode, jump or load out of range, falling off the end) records a
// test failure and returns SECCOMP_RET_KILL_PROCESS.
uint32_t bpf_run(std::span<const sock_filter> prog, const seccomp_data& data);

// Runs a filter file's programs the way the kernel runs stacked filters
// loaded in load_filter()'s order (deny, then allow): newest first, keeping
// the most restrictive action; for equal actions the newest filter's value.
uint32_t bpf_run_image(const seccomp::FilterImage& image, const seccomp_data& data);

// A seccomp_data for `arch` (AUDIT_ARCH_*), syscall number `nr`, arguments.
seccomp_data syscall_data(uint32_t arch, int nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
                          uint64_t a3 = 0, uint64_t a4 = 0, uint64_t a5 = 0);

// "ALLOW", "ERRNO(13)", "KILL_PROCESS", ... for readable assertions.
std::string action_name(uint32_t ret);

}  // namespace confine::testing
