#include "launch/privileges.h"

#include <linux/capability.h>
#include <sys/auxv.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "launch/run_as.h"
#include "launch/steps.h"

namespace confine::launch {
namespace {

Status capset_all(const CapState& s) {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  for (int i = 0; i < 2; ++i) {
    data[i].effective = static_cast<uint32_t>(s.effective >> (32 * i));
    data[i].permitted = static_cast<uint32_t>(s.permitted >> (32 * i));
    data[i].inheritable = static_cast<uint32_t>(s.inheritable >> (32 * i));
  }
  if (::syscall(SYS_capset, &hdr, data) != 0) return Error::from_errno(errno, "capset failed");
  return Status::Ok();
}

class PrivilegesStep final : public LaunchStep {
 public:
  const char* name() const override { return "privileges"; }

  Status prepare(LaunchContext& ctx) override {
    // A setuid or setgid confine-run is not a configuration we support: the
    // app would keep an effective id its caller does not have.
    if (::getuid() != ::geteuid() || ::getgid() != ::getegid())
      return Error::from_errno(EPERM, "confine-run must not be setuid or setgid (real uid " +
                                          std::to_string(::getuid()) + ", effective uid " +
                                          std::to_string(::geteuid()) + ")");
    last_cap_ = last_capability();
    keep_ = 0;
    run_as_ = ctx.run_as;
    if (run_as_) {
      // A package user holds no capability at all (no grants).
      std::string groups;
      for (gid_t g : run_as_->groups) groups += (groups.empty() ? "" : ",") + std::to_string(g);
      ctx.applied.push_back("user " + run_as_->name + " (uid " + std::to_string(run_as_->uid) +
                            ", gid " + std::to_string(run_as_->gid) +
                            ", groups: " + (groups.empty() ? "none" : groups) + ")");
    } else if (ctx.uid == 0 && !ctx.raised_by_file_caps) {
      // Root keeps only what the policy grants. No grants file (a record
      // without the "devices" layer): nothing is granted.
      auto granted = ctx.grants();
      if (!granted) return granted.error();
      if (*granted) keep_ = (*granted)->capabilities;
    }
    std::string shown;
    for (int cap = 0; cap <= last_cap_; ++cap)
      if (keep_ & cap_bit(cap))
        shown += (shown.empty() ? "" : ",") + std::string(capability_name(cap));
    ctx.layers.privileges = true;
    ctx.applied.push_back("privileges (capabilities kept: " + (shown.empty() ? "none" : shown) +
                          ")");
    return Status::Ok();
  }

  Status apply(LaunchContext&) override {
    return run_as_ ? drop_to_user(*run_as_, last_cap_) : drop_to(keep_, last_cap_);
  }

 private:
  const RunUser* run_as_ = nullptr;
  CapSet keep_ = 0;
  int last_cap_ = CAP_LAST_CAP;
};

}  // namespace

int last_capability() {
  // PR_CAPBSET_READ answers 0 or 1 for a capability the kernel knows and
  // fails (EINVAL) above the last one: a binary search takes 6 calls where
  // counting up took ~41 on every launch.
  int lo = 0, hi = 63;  // CAP 0 always exists; the answer is in [lo, hi]
  while (lo < hi) {
    int mid = lo + (hi - lo + 1) / 2;
    if (::prctl(PR_CAPBSET_READ, mid, 0, 0, 0) >= 0)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

Result<CapState> read_caps() {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &hdr, data) != 0) return Error::from_errno(errno, "capget failed");
  CapState s;
  for (int i = 0; i < 2; ++i) {
    s.effective |= CapSet{data[i].effective} << (32 * i);
    s.permitted |= CapSet{data[i].permitted} << (32 * i);
    s.inheritable |= CapSet{data[i].inheritable} << (32 * i);
  }
  return s;
}

namespace {

constexpr LauncherCap kLauncherCaps[] = {
    {CAP_CHOWN, kNeedTmpDirOwner, "first tmp-dir creation",
     "hand <tmp_dir>/confine/<uid> to its user"},
    {CAP_SETGID, kNeedFsRootIds, "device cgroup step, first tmp-dir creation",
     "file-system ids 0: what is created is root's from the first moment"},
    {CAP_SETUID, kNeedFsRootIds, "device cgroup step, first tmp-dir creation",
     "file-system ids 0: what is created is root's from the first moment"},
    {CAP_SETPCAP, kNeedBoundingSet, "privileges step", "empty the bounding set before exec"},
    {CAP_NET_ADMIN, kNeedCgroupV2, "device cgroup step",
     "load the device program (the kernel asks for it with cap_bpf)"},
    {CAP_SYS_ADMIN, kNeedCgroupV1, "device cgroup step", "write devices.allow/devices.deny"},
    {CAP_BPF, kNeedCgroupV2, "device cgroup step", "load and attach the device program"},
};

}  // namespace

std::span<const LauncherCap> launcher_caps() {
  return kLauncherCaps;
}

CapSet launcher_caps_for(unsigned needs) {
  CapSet out = 0;
  for (const auto& c : kLauncherCaps)
    if (c.needs & needs) out |= cap_bit(c.cap);
  return out;
}

Result<CapSet> drop_undeclared_caps() {
  auto s = read_caps();
  if (!s) return s.error();
  const CapSet extra = (s->permitted | s->effective | s->inheritable) & ~launcher_caps_for(~0U);
  if (extra == 0) return CapSet{0};
  CapState want = *s;
  want.permitted &= ~extra;
  want.effective &= ~extra;
  want.inheritable &= ~extra;
  if (auto c = capset_all(want); !c)
    return c.context("cannot drop undeclared capabilities").error();
  return extra;
}

bool effective_has(int cap) {
  auto s = read_caps();
  return s && (s->effective & cap_bit(cap)) != 0;
}

bool filter_needs_no_new_privs(bool configured) {
  return configured || !effective_has(CAP_SYS_ADMIN);
}

bool raised_by_file_caps() {
  if (::getuid() == 0) return false;
  if (::getauxval(AT_SECURE) != 0) return true;
  auto s = read_caps();
  return !s || s->permitted != 0;  // cannot tell: treat the caller as untrusted
}

Status raise_effective(CapSet caps) {
  auto s = read_caps();
  if (!s) return s.error();
  CapState want = *s;
  want.effective |= caps & s->permitted;
  if (want.effective == s->effective) return Status::Ok();
  return capset_all(want).context("cannot raise capabilities");
}

Status lower_effective() {
  auto s = read_caps();
  if (!s) return s.error();
  if (s->effective == 0) return Status::Ok();
  CapState want = *s;
  want.effective = 0;
  return capset_all(want).context("cannot lower capabilities");
}

Status use_root_fs_ids() {
  // setfsuid/setfsgid answer with the previous id whether or not they
  // changed it: read the result back with an invalid id (-1 changes nothing).
  ::setfsgid(0);
  ::setfsuid(0);
  if (::setfsuid(static_cast<uid_t>(-1)) == 0 && ::setfsgid(static_cast<gid_t>(-1)) == 0)
    return Status::Ok();
  restore_fs_ids();
  return Error::from_errno(EPERM,
                           "cannot act with file-system uid and gid 0 (confine-run needs "
                           "cap_setuid and cap_setgid: run confine-setcap)");
}

void restore_fs_ids() {
  ::setfsuid(::geteuid());
  ::setfsgid(::getegid());
}

Status as_file_system_root(bool raised, CapSet caps, const std::function<Status()>& fn) {
  if (raised)
    if (auto s = raise_effective(caps | launcher_caps_for(kNeedFsRootIds)); !s) return s;
  Status result = use_root_fs_ids();
  if (result) {
    result = fn();
    restore_fs_ids();
  }
  if (raised)
    if (auto s = lower_effective(); !s && result.ok()) result = s;
  return result;
}

Status drop_to(CapSet keep, int last_cap) {
  auto cur = read_caps();
  if (!cur) return cur.error();
  // 1. Bounding set: a root app's permitted set at exec is its bounding set,
  // so this is what limits it. Dropping needs CAP_SETPCAP effective; raise
  // it only when there is something to drop.
  // The bounding set is read once; the drop loop works from that mask (the
  // verification below reads it again, after the drop).
  CapSet to_drop = 0;
  for (int cap = 0; cap <= last_cap; ++cap)
    if (!(keep & cap_bit(cap)) && ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
      to_drop |= cap_bit(cap);
  if (to_drop) {
    if (!(cur->permitted & cap_bit(CAP_SETPCAP)))
      return Error::from_errno(EPERM,
                               "cannot empty the capability bounding set without cap_setpcap "
                               "(see confine-run(1), CAPABILITIES)");
    if (auto s = raise_effective(launcher_caps_for(kNeedBoundingSet)); !s) return s;
    for (int cap = 0; cap <= last_cap; ++cap)
      if ((to_drop & cap_bit(cap)) && ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
        return Error::from_errno(errno, "cannot drop a capability from the bounding set");
  }
  // 2. Ambient set (EINVAL: a kernel without ambient capabilities has none).
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    return Error::from_errno(errno, "cannot clear the ambient capabilities");
  // 3. Permitted, effective, inheritable. Only dropping: never more than the
  // process already has.
  CapState want{keep & cur->permitted, keep & cur->permitted, 0};
  if (auto s = capset_all(want); !s) return s.context("cannot drop capabilities");

  // 4. Verify, reading everything back (bubblewrap and snap-confine do the
  // same): a drop that silently did not happen must not reach the app.
  auto after = read_caps();
  if (!after) return after.error();
  if (after->effective != want.effective || after->permitted != want.permitted ||
      after->inheritable != 0)
    return Error::from_errno(EPERM, "capabilities still held after dropping them");
  for (int cap = 0; cap <= last_cap; ++cap) {
    if (!(keep & cap_bit(cap)) && ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 0)
      return Error::from_errno(EPERM, "a dropped capability is still in the bounding set");
    int amb = ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);
    if (amb > 0) return Error::from_errno(EPERM, "an ambient capability is still set");
  }
  return Status::Ok();
}

std::unique_ptr<LaunchStep> make_privileges_step() {
  return std::make_unique<PrivilegesStep>();
}

}  // namespace confine::launch
