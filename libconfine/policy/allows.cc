#include "policy/allows.h"

#include <linux/sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <fcntl.h>
#include <string_view>

namespace confine::policy {
namespace {

using Op = ArgCondition::Op;

// linux/memfd.h of kernels >= 6.3; glibc 2.36 does not have it.
constexpr uint64_t kMfdNoexecSeal = 0x0008U;

std::vector<const SyscallRule*> rules_for(const RuleSet& set, std::string_view name) {
  std::vector<const SyscallRule*> out;
  for (const auto& r : set.syscalls)
    if (r.name == name) out.push_back(&r);
  return out;
}

bool allowed(const Policy& p, std::string_view name) { return !rules_for(p.allow, name).empty(); }

// A deny rule `(arg[index] & bit) == bit` (always applied before allows).
bool denies_bit(const Policy& p, std::string_view name, unsigned index, uint64_t bit) {
  for (const SyscallRule* r : rules_for(p.deny, name))
    if (r->conditions.size() == 1 && r->conditions[0].index == index &&
        r->conditions[0].op == Op::MaskedEq && r->conditions[0].mask == bit &&
        r->conditions[0].value == bit)
      return true;
  return false;
}

// A deny rule `(arg[index] & bit) == 0`.
bool denies_without_bit(const Policy& p, std::string_view name, unsigned index, uint64_t bit) {
  for (const SyscallRule* r : rules_for(p.deny, name))
    if (r->conditions.size() == 1 && r->conditions[0].index == index &&
        r->conditions[0].op == Op::MaskedEq && r->conditions[0].mask == bit &&
        r->conditions[0].value == 0)
      return true;
  return false;
}

bool has_eq(const SyscallRule& r, unsigned index, uint64_t value) {
  return std::any_of(r.conditions.begin(), r.conditions.end(), [&](const ArgCondition& c) {
    return c.index == index && c.op == Op::Eq && c.value == value;
  });
}

// Every allow rule of `name` pins argument `index` to `value`.
bool all_pinned(const Policy& p, std::string_view name, unsigned index, uint64_t value) {
  auto rules = rules_for(p.allow, name);
  return std::all_of(rules.begin(), rules.end(),
                     [&](const SyscallRule* r) { return has_eq(*r, index, value); });
}

bool allows_unix_socket(const Policy& p) {
  for (const SyscallRule* r : rules_for(p.allow, "socket")) {
    bool other_family = false;
    for (const auto& c : r->conditions)
      if (c.index == 0 && c.op == Op::Eq && c.value != AF_UNIX) other_family = true;
    if (!other_family) return true;
  }
  return false;
}

}  // namespace

std::vector<AccessClass> seccomp_allowed_classes(const Policy& effective, bool raw_seccomp) {
  const Policy& p = effective;
  std::vector<AccessClass> out;
  if (raw_seccomp) {
    for (const auto& i : access_classes()) out.push_back(i.id);
    return out;
  }
  // socketpair alone reaches nothing by address (its sockets are connected).
  if (allows_unix_socket(p)) {
    out.push_back(AccessClass::UnixPathname);
    out.push_back(AccessClass::UnixAbstract);
  }
  if (allowed(p, "ptrace") || allowed(p, "process_vm_readv") ||
      allowed(p, "process_vm_writev") || allowed(p, "pidfd_getfd") || allowed(p, "kcmp"))
    out.push_back(AccessClass::Ptrace);

  // Only the calling process: pid (or who) 0, and PRIO_PROCESS/IOPRIO_WHO_PROCESS.
  bool sched_other = !all_pinned(p, "setpriority", 1, 0) ||
                     !all_pinned(p, "setpriority", 0, 0 /* PRIO_PROCESS */) ||
                     !all_pinned(p, "prlimit64", 0, 0) || !all_pinned(p, "ioprio_set", 1, 0) ||
                     !all_pinned(p, "ioprio_set", 0, 1 /* IOPRIO_WHO_PROCESS */);
  for (const char* s : {"sched_setaffinity", "sched_setscheduler", "sched_setparam",
                        "sched_setattr", "migrate_pages", "move_pages"})
    if (!all_pinned(p, s, 0, 0)) sched_other = true;
  if (sched_other) out.push_back(AccessClass::Scheduling);

  bool mounts = false;
  for (const char* s : {"mount", "umount", "umount2", "unshare", "setns", "pivot_root", "fsopen",
                        "fsmount", "fsconfig", "fspick", "move_mount", "open_tree",
                        "mount_setattr", "clone3", "chroot"})
    if (allowed(p, s)) mounts = true;
  if (allowed(p, "clone"))
    for (uint64_t f : {CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID,
                       CLONE_NEWUSER, CLONE_NEWUTS})
      if (!denies_bit(p, "clone", 0, f)) mounts = true;
  if (mounts) out.push_back(AccessClass::MountNamespaces);

  if ((allowed(p, "execveat") && !denies_bit(p, "execveat", 4, AT_EMPTY_PATH)) ||
      (allowed(p, "memfd_create") && !denies_without_bit(p, "memfd_create", 1, kMfdNoexecSeal)))
    out.push_back(AccessClass::AnonymousExec);
  return out;
}

}  // namespace confine::policy
