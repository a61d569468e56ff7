// The system calls through which the device layer changes the system, as a
// table of function pointers. confine-run always uses real_syscalls(); unit
// tests pass a table with one entry replaced to inject a failure (cgroup
// directory not creatable, BPF load or attach refused) and check that the
// launch stops. There are no environment hooks in the privileged binary.
#pragma once

#include <linux/bpf.h>
#include <sys/types.h>

namespace confine::devices {

struct Syscalls {
  int (*mkdirat)(int dirfd, const char* name, mode_t mode);
  // bpf(2): BPF_PROG_LOAD and BPF_PROG_ATTACH.
  long (*bpf)(int cmd, union bpf_attr* attr, unsigned size);
  // write(2) to cgroup files (devices.deny, devices.allow, cgroup.procs).
  ssize_t (*write)(int fd, const void* buf, size_t len);
};

const Syscalls& real_syscalls();

}  // namespace confine::devices
