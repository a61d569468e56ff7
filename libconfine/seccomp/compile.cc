#include "seccomp/compile.h"

#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "core/error.h"
#include "core/safe_io.h"

namespace confine::seccomp {
namespace {

// Syscalls that libc and common runtimes try first and fall back from when
// the kernel answers ENOSYS ("too old"). Denying them with EPERM makes those
// programs fail instead of falling back (moby issue 42680: glibc 2.34's
// clone3 broke every container with an older seccomp profile), so when the
// policy does not allow one of these it is denied with ENOSYS. This is
// mechanism about how callers probe, not policy: which syscalls an app may
// use stays in policy-templates/.
struct ProbedSyscall {
  const char* name;
  const char* who_probes;
};
constexpr ProbedSyscall kProbedSyscalls[] = {
    {"clone3", "glibc >= 2.34 pthread_create/posix_spawn/fork, then clone"},
    {"faccessat2", "glibc >= 2.33 faccessat() with flags, then faccessat"},
    {"openat2", "systemd, crun, runc path resolution, then openat"},
    {"statx", "glibc stat on 32-bit ABIs (the i386 compat filter), Rust std, then fstatat"},
    {"close_range", "glibc closefrom(), CPython, posix_spawn, then /proc/self/fd"},
    {"fchmodat2", "glibc >= 2.39 fchmodat(AT_SYMLINK_NOFOLLOW), then /proc/self/fd"},
    {"epoll_pwait2", "libuv, GLib, then epoll_pwait"},
    {"pidfd_open", "Go os/exec, CPython, systemd, then plain pids"},
    {"pidfd_send_signal", "Go, systemd, then kill"},
    {"copy_file_range", "coreutils cp, Go io.Copy, Rust fs::copy, then read/write"},
    {"io_uring_setup", "liburing users, libuv, then epoll/thread pools"},
    {"landlock_create_ruleset", "sandboxing libraries: ENOSYS means 'no Landlock'"},
};

// What a uid-0 app may not do although its policy allows the syscall:
// change the mode, owner, times or extended attributes of any file. Without
// capabilities it still owns every root file (/etc/passwd, /dev/null), and
// neither Landlock (no right for these) nor seccomp (no file owners) can
// tell those from its own files, so these calls are refused for all files,
// with EPERM, the kernel's answer to a caller who does not own the file.
// The root program holds them; confine-run stacks it when the app runs as
// root, and for an app running as its caller where no AppArmor profile
// checks these calls (unless accept_gaps lists file-metadata). A root app
// still sets modes when it creates a file (open's mode,
// under its umask; no setuid or setgid bit, see the no-set-id flag).
// chown32, fchown32 and lchown32 are i386's 32-bit-uid calls (libseccomp
// maps x86_64's chown to i386's 16-bit one), and utimensat_time64 its
// 64-bit-time one.
constexpr const char* kRootDenied[] = {
    "chmod",        "chown",        "chown32",      "fchmod",           "fchmodat",
    "fchmodat2",    "fchown",       "fchown32",     "fchownat",         "fremovexattr",
    "fsetxattr",    "futimesat",    "lchown",       "lchown32",         "lremovexattr",
    "lsetxattr",    "removexattr",  "setxattr",     "utime",            "utimensat",
    "utimensat_time64", "utimes",
};

bool is_probed(const std::string& name) {
  return std::any_of(std::begin(kProbedSyscalls), std::end(kProbedSyscalls),
                     [&](const ProbedSyscall& p) { return name == p.name; });
}

std::string where(const policy::SyscallRule& r) {
  return (r.source.empty() ? std::string("policy") : r.source) + ": syscall '" + r.name + "'";
}

// Owns a libseccomp filter context.
struct Filter {
  scmp_filter_ctx ctx = nullptr;
  Filter() = default;
  Filter(const Filter&) = delete;
  Filter& operator=(const Filter&) = delete;
  ~Filter() {
    if (ctx) seccomp_release(ctx);
  }
};

void check(int rc, const std::string& what) {
  if (rc < 0) throw ConfineError("seccomp compiler: " + what + ": " + std::strerror(-rc), -rc);
}

// A filter for one architecture. Rules are always added by native syscall
// number: libseccomp translates them by name to the filter's architecture.
void init_filter(Filter& f, uint32_t arch, uint32_t default_action, bool binary_tree) {
  f.ctx = seccomp_init(default_action);
  if (!f.ctx) throw ConfineError("seccomp compiler: seccomp_init failed");
  if (arch != seccomp_arch_native()) {
    check(seccomp_arch_add(f.ctx, arch), "adding architecture " + std::to_string(arch));
    check(seccomp_arch_remove(f.ctx, SCMP_ARCH_NATIVE), "removing the native architecture");
  }
  // Any other ABI sharing this arch token (x32 on x86_64: syscall numbers
  // with __X32_SYSCALL_BIT) gets this action. libseccomp tests for it before
  // dispatching on the syscall number; a test checks that it does.
  check(seccomp_attr_set(f.ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM)),
        "setting the bad-arch action");
  if (binary_tree) check(seccomp_attr_set(f.ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2), "enabling the tree");
}

scmp_compare to_scmp(policy::ArgCondition::Op op) {
  using Op = policy::ArgCondition::Op;
  switch (op) {
    case Op::Eq:
      return SCMP_CMP_EQ;
    case Op::Ne:
      return SCMP_CMP_NE;
    case Op::Lt:
      return SCMP_CMP_LT;
    case Op::Le:
      return SCMP_CMP_LE;
    case Op::Gt:
      return SCMP_CMP_GT;
    case Op::Ge:
      return SCMP_CMP_GE;
    case Op::MaskedEq:
      return SCMP_CMP_MASKED_EQ;
  }
  return _SCMP_CMP_MIN;  // unreachable: every Op is handled above
}

std::vector<scmp_arg_cmp> conditions(const policy::SyscallRule& r, bool for_deny) {
  std::vector<scmp_arg_cmp> out;
  std::set<unsigned> seen;
  for (const auto& c : r.conditions) {
    if (c.index > 5)
      throw ConfineError(where(r) + ": argument index " + std::to_string(c.index) +
                         " out of range (0..5)");
    // libseccomp accepts one comparison per argument in a rule (EINVAL
    // otherwise); say so instead of passing on a bare EINVAL.
    if (!seen.insert(c.index).second)
      throw ConfineError(where(r) + ": argument " + std::to_string(c.index) +
                         " compared twice in one rule; write two rules instead");
    scmp_arg_cmp cmp{c.index, to_scmp(c.op), c.value, 0};
    if (c.op == policy::ArgCondition::Op::MaskedEq)
      cmp = {c.index, SCMP_CMP_MASKED_EQ, c.mask, c.value};
    // See compile.h: a deny of an int-sized value must not be bypassed by
    // setting the upper 32 bits, which the kernel ignores for int arguments.
    if (for_deny && cmp.op == SCMP_CMP_EQ && c.value <= 0xffffffffULL)
      cmp = {c.index, SCMP_CMP_MASKED_EQ, 0xffffffffULL, c.value};
    else if (for_deny && cmp.op == SCMP_CMP_MASKED_EQ && c.value <= 0xffffffffULL)
      cmp.datum_a &= 0xffffffffULL;
    out.push_back(cmp);
  }
  return out;
}

enum class Added { Yes, NotOnArch, Inexact };

// Adds one rule exactly as written (no silent rewriting by libseccomp).
Added add_exact(Filter& f, uint32_t action, int nr, const std::vector<scmp_arg_cmp>& cmps) {
  int rc = seccomp_rule_add_exact_array(f.ctx, action, nr, static_cast<unsigned>(cmps.size()),
                                        cmps.empty() ? nullptr : cmps.data());
  if (rc == 0) return Added::Yes;
  // EDOM: the syscall does not exist on this architecture (socketcall on
  // x86_64, newfstatat on i386). EFAULT: libseccomp cannot translate the
  // native number to this architecture.
  if (rc == -EDOM || rc == -EFAULT) return Added::NotOnArch;
  // EINVAL with conditions: the arguments cannot be checked exactly on this
  // architecture (i386 socketcall/ipc multiplexers).
  if (rc == -EINVAL && !cmps.empty()) return Added::Inexact;
  check(rc, "adding a rule for syscall number " + std::to_string(nr));
  return Added::Yes;
}

std::vector<sock_filter> export_bpf(const Filter& f) {
  UniqueFd fd(::memfd_create("confine-seccomp", MFD_CLOEXEC));
  if (!fd.valid()) throw ConfineError("seccomp compiler: memfd_create failed", errno);
  check(seccomp_export_bpf(f.ctx, fd.get()), "exporting BPF");
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) throw ConfineError("seccomp compiler: lseek", errno);
  std::string bytes = value_or_throw(read_fd(fd.get(), kMaxFileSize));
  if (bytes.size() % sizeof(sock_filter) != 0)
    throw ConfineError("seccomp compiler: exported program is not whole instructions");
  size_t n = bytes.size() / sizeof(sock_filter);
  if (n == 0 || n > kMaxProgramLength)
    throw ConfineError("seccomp compiler: program of " + std::to_string(n) +
                       " instructions; the kernel accepts 1.." + std::to_string(kMaxProgramLength) +
                       " (simplify the policy)");
  std::vector<sock_filter> prog(n);
  std::memcpy(prog.data(), bytes.data(), bytes.size());
  return prog;
}

// Merges the per-architecture filters into one program and exports it.
std::vector<sock_filter> merge_and_export(std::vector<Filter>& per_arch) {
  for (size_t i = 1; i < per_arch.size(); ++i) {
    check(seccomp_merge(per_arch[0].ctx, per_arch[i].ctx), "merging architectures");
    per_arch[i].ctx = nullptr;  // seccomp_merge released it
  }
  return export_bpf(per_arch[0]);
}

}  // namespace

int denial_errno(const std::string& syscall, int otherwise) {
  return is_probed(syscall) ? ENOSYS : otherwise;
}

CompiledFilter compile_policy(const policy::Policy& input, const CompileOptions& options) {
  const policy::Policy p = input.effective();
  auto archs = host_arch_tokens();
  if (seccomp_arch_native() != archs[0])
    throw ConfineError("seccomp compiler: libseccomp's native architecture " +
                       std::to_string(seccomp_arch_native()) + " is not this build's " +
                       std::to_string(archs[0]));

  // Resolve names once, by native number (see init_filter). Unknown names are
  // an error unless the rule says optional: silently skipping a rule is how
  // confinement quietly weakens, or an app quietly breaks.
  std::map<std::string, int> nr;
  auto resolve = [&](const policy::SyscallRule& r) {
    if (nr.contains(r.name)) return true;
    int n = seccomp_syscall_resolve_name(r.name.c_str());
    if (n == __NR_SCMP_ERROR) {
      if (r.optional) return false;
      throw ConfineError(where(r) +
                         ": unknown syscall (mark the rule optional if it only "
                         "exists on newer kernels)");
    }
    nr[r.name] = n;
    return true;
  };
  std::vector<const policy::SyscallRule*> allows, full_denies, cond_denies;
  std::set<std::string> allowed_names, fully_denied;
  for (const auto& r : p.deny.syscalls)
    if (resolve(r) && r.conditions.empty()) {
      full_denies.push_back(&r);
      fully_denied.insert(r.name);
    }
  for (const auto& r : p.deny.syscalls)
    if (!r.conditions.empty() && !fully_denied.contains(r.name) && resolve(r))
      cond_denies.push_back(&r);
  for (const auto& r : p.allow.syscalls)
    if (resolve(r)) {
      allows.push_back(&r);
      allowed_names.insert(r.name);
    }

  CompiledFilter out;
  std::vector<Filter> allow_f(archs.size()), deny_f(archs.size());
  for (size_t a = 0; a < archs.size(); ++a) {
    const uint32_t arch = archs[a];
    const bool native = a == 0;
    const std::string arch_name = std::to_string(arch);
    init_filter(allow_f[a], arch, SCMP_ACT_ERRNO(EPERM), options.binary_tree);

    for (const auto* r : allows) {
      Added got = add_exact(allow_f[a], SCMP_ACT_ALLOW, nr[r->name], conditions(*r, false));
      if (got == Added::Inexact) {
        if (native) throw ConfineError(where(*r) + ": arguments cannot be filtered here");
        // Fail closed: not allowed at all through this ABI.
        out.notes.push_back(where(*r) + ": argument filter not expressible on arch " + arch_name +
                            "; not allowed there");
      }
    }
    for (const auto* r : full_denies)
      add_exact(allow_f[a], SCMP_ACT_ERRNO(denial_errno(r->name, EACCES)), nr[r->name], {});
    for (const auto& probed : kProbedSyscalls) {
      if (allowed_names.contains(probed.name) || fully_denied.contains(probed.name)) continue;
      int n = seccomp_syscall_resolve_name(probed.name);
      if (n == __NR_SCMP_ERROR) continue;  // unknown to this libseccomp: EPERM by default
      add_exact(allow_f[a], SCMP_ACT_ERRNO(ENOSYS), n, {});
    }

    if (cond_denies.empty()) continue;
    // Default ALLOW: this program only adds denials on top of the allow program.
    init_filter(deny_f[a], arch, SCMP_ACT_ALLOW, options.binary_tree);
    for (const auto* r : cond_denies) {
      uint32_t action = SCMP_ACT_ERRNO(denial_errno(r->name, EACCES));
      if (add_exact(deny_f[a], action, nr[r->name], conditions(*r, true)) == Added::Inexact) {
        if (native) throw ConfineError(where(*r) + ": arguments cannot be filtered here");
        // Fail closed: deny the whole syscall through this ABI.
        add_exact(deny_f[a], action, nr[r->name], {});
        out.notes.push_back(where(*r) + ": argument filter not expressible on arch " + arch_name +
                            "; denied there without conditions");
      }
    }
  }

  // The root program: default ALLOW, only the metadata calls refused.
  std::vector<Filter> root_f(archs.size());
  for (size_t a = 0; a < archs.size(); ++a) {
    init_filter(root_f[a], archs[a], SCMP_ACT_ALLOW, options.binary_tree);
    for (const char* name : kRootDenied) {
      int n = seccomp_syscall_resolve_name(name);
      if (n == __NR_SCMP_ERROR) continue;  // unknown to libseccomp: no allow rule can name it
      add_exact(root_f[a], SCMP_ACT_ERRNO(EPERM), n, {});
    }
  }

  out.image.allow = merge_and_export(allow_f);
  if (!cond_denies.empty()) out.image.deny = merge_and_export(deny_f);
  out.image.root = merge_and_export(root_f);
  out.image.rule_count =
      static_cast<uint32_t>(allows.size() + full_denies.size() + cond_denies.size());
  return out;
}

}  // namespace confine::seccomp
