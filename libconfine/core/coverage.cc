#include "core/coverage.h"

namespace confine {

const std::vector<AccessClassInfo>& access_classes() {
  static const std::vector<AccessClassInfo> table = {
      {AccessClass::FileAccess, "file-access", "file read, write and exec by path"},
      {AccessClass::FileMetadata, "file-metadata", "file mode, owner, times and xattrs"},
      {AccessClass::UnixPathname, "unix-pathname", "connect and send to pathname unix sockets"},
      {AccessClass::UnixAbstract, "unix-abstract", "abstract unix sockets outside the app"},
      {AccessClass::Signals, "signals", "signals to processes outside the app"},
      {AccessClass::Ptrace, "ptrace", "ptrace and ptrace-checked /proc of other processes"},
      {AccessClass::Scheduling, "scheduling", "priority, affinity and limits of other processes"},
      {AccessClass::Network, "network", "network families and socket types"},
      {AccessClass::Devices, "devices", "device nodes"},
      {AccessClass::Capabilities, "capabilities", "capabilities beyond the policy's"},
      {AccessClass::MountNamespaces, "mount-namespaces", "mounts and new namespaces"},
      {AccessClass::AnonymousExec, "anonymous-exec", "exec of memfds and file descriptors"},
  };
  return table;
}

std::string_view to_string(AccessClass c) {
  for (const auto& i : access_classes())
    if (i.id == c) return i.name;
  return "?";
}

std::string_view description(AccessClass c) {
  for (const auto& i : access_classes())
    if (i.id == c) return i.description;
  return "?";
}

std::optional<AccessClass> access_class_from_name(std::string_view name) {
  for (const auto& i : access_classes())
    if (name == i.name) return i.id;
  return std::nullopt;
}

namespace {

bool allows(const AppFacts& app, AccessClass c) {
  for (AccessClass a : app.seccomp_allows)
    if (a == c) return true;
  return false;
}

}  // namespace

std::vector<CoverageRow> coverage(const LayerFacts& l, const AppFacts& app) {
  std::vector<CoverageRow> rows;
  // seccomp holds a class only where the app's filter refuses its syscalls.
  auto sec = [&](AccessClass c) { return l.seccomp && !allows(app, c); };
  const bool scopes = l.landlock_scopes_abi >= 6;
  for (const auto& info : access_classes()) {
    CoverageRow r{info.id, Holding::Held, {}, ""};
    auto hold = [&](bool by, const char* layer) {
      if (by) r.layers.emplace_back(layer);
    };
    switch (info.id) {
      case AccessClass::FileAccess:
        // AppArmor alone lets the app open any pty by name (its profile
        // names them for the inherited terminal) and lets a root app unlink
        // or replace /dev nodes: held with Landlock's veil under it.
        hold(l.apparmor && l.apparmor_veil, "apparmor");
        hold(l.landlock_files || (l.apparmor && l.apparmor_veil), "landlock");
        r.note = l.apparmor ? "needs Landlock under AppArmor: AppArmor alone lets the app open "
                              "other sessions' ptys by name and a root app remove /dev nodes"
                            : "needs AppArmor or Landlock";
        break;
      case AccessClass::FileMetadata:
        // AppArmor checks chmod, chown and xattr writes as "w"; Landlock has
        // no right for them (ABI 7). The filter's root program refuses them
        // outright: always for uid 0, and for another uid where AppArmor
        // does not check them unless accept_gaps lists the class (that uid
        // owns files outside the app). A package user owns only what the
        // app made where its policy lets it write.
        hold(l.apparmor, "apparmor");
        hold(l.seccomp_metadata, "seccomp");
        hold(app.package_user, "ownership");
        r.note = app.root ? "needs AppArmor or seccomp's root program"
                          : "needs AppArmor: Landlock has no right for chmod, chown, utime "
                            "or xattrs, so the app may change its user's own files (seccomp "
                            "refuses them all unless accept_gaps lists file-metadata)";
        break;
      case AccessClass::UnixPathname:
        hold(sec(info.id), "seccomp");
        // Not AppArmor: the policy's unix grant is `network unix,`, all of it.
        if (r.layers.empty() && allows(app, info.id)) {
          r.holding = Holding::Granted;
          r.note = app.grants_known ? "the policy allows unix sockets to any path its uid may open"
                                    : "the launch record does not say (reinstall the package)";
        }
        r.note = r.note.empty() ? "needs seccomp" : r.note;
        break;
      case AccessClass::UnixAbstract:
        hold(sec(info.id), "seccomp");
        hold(scopes, "landlock");
        r.note = "needs Landlock ABI 6 (scopes) or a policy without unix sockets";
        break;
      case AccessClass::Signals:
        hold(scopes, "landlock");
        // abstractions/base lets kill(pid, 0) through to every process; the
        // profile denies it for unconfined ones, not for processes under
        // another profile (AppArmor cannot say "any label but mine"): an
        // existence probe, no signal delivered. Said where nothing else holds.
        hold(l.apparmor && l.apparmor_signal,
             scopes ? "apparmor"
                    : "apparmor (not the existence probe of other confined processes, signal 0)");
        r.note = "needs Landlock ABI 6 (scopes) or AppArmor signal mediation";
        break;
      case AccessClass::Ptrace:
        // Any Landlock domain keeps ptrace inside itself.
        hold(sec(info.id), "seccomp");
        hold(l.landlock_files || l.landlock_scopes_abi > 0, "landlock");
        hold(l.apparmor && l.apparmor_ptrace, "apparmor");
        r.note = "needs seccomp, Landlock or AppArmor ptrace mediation";
        break;
      case AccessClass::Scheduling:
        hold(sec(info.id), "seccomp");
        r.note = "needs seccomp";
        break;
      case AccessClass::Network:
        hold(l.seccomp, "seccomp");
        hold(l.apparmor, "apparmor");
        r.note = "needs seccomp or AppArmor";
        break;
      case AccessClass::Devices:
        hold(l.devices, "device cgroup");
        r.note = "needs the device cgroup";
        break;
      case AccessClass::Capabilities:
        hold(l.privileges, "privileges");
        r.note = "needs the privileges step";
        break;
      case AccessClass::MountNamespaces:
        hold(sec(info.id), "seccomp");
        // A Landlock domain may not change its mounts; new user namespaces
        // it does not stop.
        r.note = "needs seccomp";
        break;
      case AccessClass::AnonymousExec:
        hold(sec(info.id), "seccomp");
        r.note = "needs seccomp (memfd without MFD_NOEXEC_SEAL, execveat of a descriptor)";
        break;
    }
    if (r.holding == Holding::Held && r.layers.empty()) r.holding = Holding::Gap;
    if (r.holding == Holding::Held) r.note.clear();
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string describe_holding(const CoverageRow& row) {
  switch (row.holding) {
    case Holding::Granted:
      return "granted by the policy: " + row.note;
    case Holding::Gap:
      return "GAP: " + row.note;
    case Holding::Held:
      break;
  }
  std::string s;
  for (const auto& l : row.layers) s += (s.empty() ? "" : ", ") + l;
  return s;
}

}  // namespace confine
