// Real-kernel checks: load a compiled filter in a forked child and observe
// what a confined program would see.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "seccomp/file.h"
#include "test_support.h"

namespace confine::testing {

struct ChildOutcome {
  bool loaded = false;  // load_filter() succeeded
  int load_err = 0;     // its errno otherwise
  long ret = 0;         // what `fn` returned
  int err = 0;          // errno right after `fn`
  int signal = 0;       // the child died of this signal instead of reporting
};

// Forks; the child loads `image` with seccomp::load_filter(image,
// force_no_new_privs), runs `fn` (one syscall attempt, no allocation), and
// reports its result and errno through a pipe.
ChildOutcome run_under_filter(const seccomp::FilterImage& image, const std::function<long()>& fn,
                              bool force_no_new_privs = false);

// Forks; the child loads `image` and execve()s argv (argv[0] a path) with the
// test's environment. Returns the exit status (128+signal) and output.
RunResult exec_under_filter(const seccomp::FilterImage& image,
                            const std::vector<std::string>& argv);

// Like syscall(2) but through the i386 ABI (int $0x80), which seccomp sees
// as AUDIT_ARCH_I386. Only on x86_64.
long syscall_i386(long nr, long a0 = 0, long a1 = 0, long a2 = 0);

}  // namespace confine::testing
