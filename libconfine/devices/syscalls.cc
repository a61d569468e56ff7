#include "devices/syscalls.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace confine::devices {
namespace {

// The raw system call rather than libbpf: the launcher needs two commands,
// and libbpf would add a shared library (and its ELF machinery) to every
// app start (bench/README.md).
long raw_bpf(int cmd, union bpf_attr* attr, unsigned size) {
  return ::syscall(SYS_bpf, cmd, attr, size);
}

}  // namespace

const Syscalls& real_syscalls() {
  static const Syscalls s{&::mkdirat, &raw_bpf, &::write};
  return s;
}

}  // namespace confine::devices
