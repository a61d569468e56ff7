// Install-time seccomp compiler: resolved Policy -> libseccomp -> classic BPF.
// Unprivileged code; linked into confine_install only (confine-run never
// links libseccomp).
//
// Semantics of the compiled filter, per host architecture (x86_64 + i386 on
// amd64; x32 is always denied):
//   - a syscall allowed by a rule whose conditions hold      -> allowed
//   - a syscall denied by a rule (conditions hold, or none)  -> EACCES,
//     and this wins over any allow rule
//   - any other syscall                                       -> EPERM
//   - except syscalls that libc and runtimes probe and fall back from
//     (clone3, ...; table in compile.cc): denied with ENOSYS instead, so
//     the program takes its fallback path (moby issue 42680)
//   - any other ABI (x32 on x86_64)                           -> EPERM
//   - for a uid-0 app only (the root program, stacked by confine-run when
//     the app runs as root): chmod, chown, utime and xattr writes of any
//     file -> EPERM (table in compile.cc)
// Deny conditions of the form `arg == value` (and masked) compare only the
// low 32 bits when `value` fits in 32 bits: many syscall arguments are C
// ints the kernel truncates, so ioctl(fd, TIOCSTI | 1<<32) must still be
// denied. This can only widen a deny, never an allow.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "policy/model.h"
#include "seccomp/file.h"

namespace confine::seccomp {

struct CompileOptions {
  // libseccomp's binary-tree syscall dispatch (SCMP_FLTATR_CTL_OPTIMIZE = 2).
  // false gives libseccomp's default linear, priority-ordered layout; only
  // the benchmark wants that, to measure what the tree buys.
  bool binary_tree = true;
};

struct CompiledFilter {
  FilterImage image;
  // Rules that could not be expressed exactly on a compat architecture and
  // were compiled to something stricter there (e.g. an argument-filtered
  // socket() on i386, where socketcall hides the arguments from seccomp).
  std::vector<std::string> notes;
};

// Compiles `policy` (effective() is applied first). Throws ConfineError
// naming the rule's source for an unknown syscall (unless the rule is
// optional), an argument index above 5, two comparisons of one argument in a
// rule, or a program the kernel would refuse (over 4096 instructions).
CompiledFilter compile_policy(const policy::Policy& input, const CompileOptions& options = {});

// The errno a denied `syscall` gets: ENOSYS for the probed syscalls, else
// `otherwise` (EACCES for explicit denies, EPERM for unlisted syscalls).
int denial_errno(const std::string& syscall, int otherwise);

}  // namespace confine::seccomp
