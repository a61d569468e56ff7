#include "policy/model.h"

#include <algorithm>

namespace confine::policy {
namespace {

template <class T>
void append_unique(std::vector<T>& to, const std::vector<T>& from) {
  for (const auto& x : from)
    if (std::find(to.begin(), to.end(), x) == to.end()) to.push_back(x);
}

void merge_rules(RuleSet& to, const RuleSet& from) {
  append_unique(to.syscalls, from.syscalls);
  append_unique(to.files, from.files);
  to.capabilities.insert(from.capabilities.begin(), from.capabilities.end());
  to.network.insert(from.network.begin(), from.network.end());
  append_unique(to.devices, from.devices);
}

bool covers(const DeviceRule& deny, const DeviceRule& allow) {
  return deny.type == allow.type && (deny.major == -1 || deny.major == allow.major) &&
         (deny.minor == -1 || deny.minor == allow.minor);
}

}  // namespace

void Policy::merge(const Policy& other) {
  merge_rules(allow, other.allow);
  merge_rules(deny, other.deny);
  // Raw lines are blocks ("dbus ... {", ..., "}"): deduplicating single lines
  // would tear a block apart, so only an identical whole block (the same item
  // included twice) is skipped.
  if (std::search(apparmor_raw.begin(), apparmor_raw.end(), other.apparmor_raw.begin(),
                  other.apparmor_raw.end()) == apparmor_raw.end())
    apparmor_raw.insert(apparmor_raw.end(), other.apparmor_raw.begin(), other.apparmor_raw.end());
  append_unique(sources, other.sources);
}

Policy Policy::effective() const {
  Policy p = *this;
  // A syscall denied without conditions is denied whatever the allows say.
  std::set<std::string> fully_denied;
  for (const auto& d : deny.syscalls)
    if (d.conditions.empty()) fully_denied.insert(d.name);
  std::erase_if(p.allow.syscalls,
                [&](const SyscallRule& r) { return fully_denied.contains(r.name); });
  // A conditional deny is kept in p.deny (the backend checks it first); the
  // unconditional denies are kept too, so they can get their own errno.
  for (const auto& c : deny.capabilities) p.allow.capabilities.erase(c);
  for (const auto& n : deny.network) {
    // "inet" denies "inet stream" too.
    std::erase_if(p.allow.network,
                  [&](const std::string& a) { return a == n || a.starts_with(n + " "); });
  }
  std::erase_if(p.allow.devices, [&](const DeviceRule& a) {
    return std::any_of(deny.devices.begin(), deny.devices.end(),
                       [&](const DeviceRule& d) { return covers(d, a); });
  });
  return p;
}

bool Policy::empty() const {
  return allow.syscalls.empty() && allow.files.empty() && allow.capabilities.empty() &&
         allow.network.empty() && allow.devices.empty() && apparmor_raw.empty();
}

}  // namespace confine::policy
