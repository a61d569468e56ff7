#include "launch/run_as.h"

#include <grp.h>
#include <linux/capability.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>

#include "launch/privileges.h"

namespace confine::launch {
namespace {

int sys_setgroups(size_t n, const gid_t* g) {
  return ::setgroups(n, g);
}
int sys_setresgid(gid_t r, gid_t e, gid_t s) {
  return ::setresgid(r, e, s);
}
int sys_setresuid(uid_t r, uid_t e, uid_t s) {
  return ::setresuid(r, e, s);
}

}  // namespace

const IdCalls& kernel_id_calls() {
  static const IdCalls calls{&sys_setgroups, &sys_setresgid, &sys_setresuid};
  return calls;
}

const RunUser* launch_user(const LaunchRecord& record, uid_t real_uid, uid_t effective_uid) {
  return real_uid == 0 && effective_uid == 0 && record.user ? &*record.user : nullptr;
}

Status switch_ids(const RunUser& user, const IdCalls& calls) {
  if (user.uid == 0 || user.gid == 0)
    return Error::from_errno(EINVAL, "refusing to switch to uid or gid 0");
  if (calls.set_groups(user.groups.size(), user.groups.data()) != 0)
    return Error::from_errno(errno, "cannot set the supplementary groups");
  if (calls.set_resgid(user.gid, user.gid, user.gid) != 0)
    return Error::from_errno(errno, "cannot switch to gid");
  if (calls.set_resuid(user.uid, user.uid, user.uid) != 0)
    return Error::from_errno(errno, "cannot switch to uid");
  return Status::Ok();
}

Status verify_user(const RunUser& user, int last_cap) {
  uid_t ru = 0, eu = 0, su = 0;
  gid_t rg = 0, eg = 0, sg = 0;
  if (::getresuid(&ru, &eu, &su) != 0 || ::getresgid(&rg, &eg, &sg) != 0)
    return Error::from_errno(errno, "cannot read the ids back");
  // setfsuid(-1) changes nothing and answers the current value.
  const uid_t fu = static_cast<uid_t>(::setfsuid(static_cast<uid_t>(-1)));
  const gid_t fg = static_cast<gid_t>(::setfsgid(static_cast<gid_t>(-1)));
  if (ru != user.uid || eu != user.uid || su != user.uid || fu != user.uid)
    return Error::from_errno(EPERM, "a uid is not the package user's after switching");
  if (rg != user.gid || eg != user.gid || sg != user.gid || fg != user.gid)
    return Error::from_errno(EPERM, "a gid is not the package user's after switching");
  gid_t got[65];
  const int n = ::getgroups(65, got);
  if (n < 0 || static_cast<size_t>(n) != user.groups.size())
    return Error::from_errno(EPERM, "the supplementary groups are not the declared ones");
  for (gid_t want : user.groups) {
    bool found = false;
    for (int i = 0; i < n; ++i) found = found || got[i] == want;
    if (!found)
      return Error::from_errno(EPERM, "the supplementary groups are not the declared ones");
  }
  auto caps = read_caps();
  if (!caps) return caps.error();
  if (caps->effective != 0 || caps->permitted != 0 || caps->inheritable != 0)
    return Error::from_errno(EPERM, "capabilities still held after switching user");
  for (int cap = 0; cap <= last_cap; ++cap) {
    if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 0)
      return Error::from_errno(EPERM, "a capability is still in the bounding set");
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) > 0)
      return Error::from_errno(EPERM, "an ambient capability is still set");
  }
  return Status::Ok();
}

Status drop_to_user(const RunUser& user, int last_cap) {
  const CapSet needed = cap_bit(CAP_SETUID) | cap_bit(CAP_SETGID) | cap_bit(CAP_SETPCAP);
  if (auto s = drop_to(needed, last_cap); !s) return s;
  // The three leave the bounding set while cap_setpcap is still effective.
  for (int cap : {CAP_SETUID, CAP_SETGID, CAP_SETPCAP})
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
      return Error::from_errno(errno, "cannot drop a capability from the bounding set");
  if (auto s = switch_ids(user, kernel_id_calls()); !s) return s;
  if (auto s = drop_to(0, last_cap); !s) return s;
  return verify_user(user, last_cap);
}

}  // namespace confine::launch
