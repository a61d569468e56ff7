#include "diagnose/check.h"

#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <climits>

#include "apparmor/launch_step.h"
#include "apparmor/parser.h"
#include "core/layers.h"
#include "devices/detect.h"
#include "landlock/detect.h"
#include "seccomp/launch_step.h"

namespace confine::diagnose {
namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string self_dir() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string p(buf, static_cast<size_t>(n));
  return p.substr(0, p.rfind('/'));
}

// "required" / "if-available", and what the latter means when the layer is
// missing.
std::string mode_note(LayerMode mode, bool available, const char* without) {
  if (mode == LayerMode::Required) return "[config: required]";
  return available ? "[config: if-available]"
                   : std::string("[config: if-available: apps run ") + without + "]";
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

SystemFacts gather_facts() {
  SystemFacts f;
  if (auto s = seccomp::kernel_supports_filters(); s)
    f.seccomp = true;
  else
    f.seccomp_problem = s.error().describe();

  if (auto a = apparmor::kernel_support(); !a) {
    f.apparmor_error = true;
    f.apparmor_problem = a.error().describe();
  } else {
    f.apparmor = *a == apparmor::KernelSupport::Enabled;
    if (!f.apparmor) f.apparmor_problem = "not enabled in the kernel";
  }
  const std::string aa = "/sys/kernel/security/apparmor";
  f.apparmor_stacking = exists(aa + "/features/domain/stack");
  f.apparmor_namespaces = exists(aa + "/policy/namespaces");
  f.apparmor_signal = exists(aa + "/features/signal");
  f.apparmor_ptrace = exists(aa + "/features/ptrace");
  f.parser = apparmor::parser_path();

  if (auto facts = devices::read_cgroup_facts(); !facts) {
    f.devices_problem = facts.error().describe();
  } else {
    const devices::Detection d = devices::choose_backend(facts->mounts, facts->cgroups);
    f.devices = d.backend;
    f.devices_where = d.mount;
    if (d.backend == devices::Backend::None)
      f.devices_problem = "no cgroup2 hierarchy and no v1 devices controller is mounted";
    if (d.backend == devices::Backend::V2 && !facts->mounts.v1_devices.empty())
      f.devices_v1_also = facts->mounts.v1_devices;
  }

  if (auto abi = landlock::landlock_abi())
    f.landlock_abi = *abi;
  else
    f.landlock_problem = abi.error().describe();

  const std::string dir = self_dir();
  f.launcher = dir.empty() ? "confine-run" : dir + "/confine-run";
  f.launcher_exists = exists(f.launcher);
  f.launcher_file_caps =
      f.launcher_exists && ::getxattr(f.launcher.c_str(), "security.capability", nullptr, 0) > 0;
  return f;
}

LayerFacts launch_layers(const SystemFacts& f, const Config& c, bool root, bool package_user) {
  LayerFacts l;
  l.seccomp = f.seccomp;
  l.seccomp_root = f.seccomp && root;
  // seccomp/launch_step.cc: the root program for root, and for a caller's
  // uid where AppArmor does not check metadata and the gap is not accepted.
  const bool accepted = std::find(c.accept_gaps.begin(), c.accept_gaps.end(),
                                  AccessClass::FileMetadata) != c.accept_gaps.end();
  l.seccomp_metadata = f.seccomp && (root || (!package_user && !f.apparmor && !accepted));
  l.apparmor = f.apparmor;
  l.apparmor_signal = f.apparmor && f.apparmor_signal;
  l.apparmor_ptrace = f.apparmor && f.apparmor_ptrace;
  // landlock/launch_step.cc: file rules where AppArmor is not enabled (or
  // Landlock is required); scopes from ABI 6 in every case.
  l.landlock_files = f.landlock_abi > 0 && (!f.apparmor || c.landlock == LayerMode::Required);
  l.apparmor_veil = f.apparmor && f.landlock_abi > 0 && c.landlock != LayerMode::Required;
  l.landlock_scopes_abi = f.landlock_abi >= 6 ? f.landlock_abi : 0;
  l.devices = f.devices != devices::Backend::None;
  l.privileges = true;
  return l;
}

std::vector<std::string> coverage_lines(const SystemFacts& f, const Config& c,
                                        const AppFacts& app_template) {
  std::vector<std::string> out;
  AppFacts root = app_template, user = app_template;
  root.root = true;
  user.root = false;
  const auto as_root = coverage(launch_layers(f, c, true), root);
  const auto as_user = coverage(launch_layers(f, c, false), user);
  auto state = [&](const CoverageRow& row) {
    std::string s = describe_holding(row);
    if (row.holding == Holding::Gap &&
        std::find(c.accept_gaps.begin(), c.accept_gaps.end(), row.cls) != c.accept_gaps.end())
      s += " [accept_gaps: runs partially confined]";
    else if (row.holding == Holding::Gap)
      s += " [launches fail]";
    return s;
  };
  for (size_t i = 0; i < as_root.size(); ++i) {
    const std::string name(to_string(as_root[i].cls));
    const std::string r = state(as_root[i]), u = state(as_user[i]);
    if (r == u)
      out.push_back("  " + pad(name, 18) + r);
    else
      out.push_back("  " + pad(name, 18) + "root-run: " + r + "; user-run: " + u);
  }
  return out;
}

namespace {

void line(CheckReport& r, const std::string& layer, const std::string& state,
          const std::string& note) {
  r.lines.push_back(pad(layer, 10) + pad(state, 58) + note);
}

void check_seccomp(const SystemFacts& f, const Config& c, CheckReport& r) {
  line(r, "seccomp",
       f.seccomp ? "available (filters with errno; denials logged)" : f.seccomp_problem,
       mode_note(c.seccomp, f.seccomp, "without a seccomp filter"));
  if (!f.seccomp && c.seccomp == LayerMode::Required)
    r.missing_required.push_back("seccomp (" + f.seccomp_problem + ")");
}

void check_apparmor(const SystemFacts& f, const Config& c, CheckReport& r) {
  if (f.apparmor_error) {
    line(r, "apparmor", f.apparmor_problem, "[every launch fails until this is fixed]");
    r.missing_required.push_back("apparmor (" + f.apparmor_problem + ")");
  } else {
    line(r, "apparmor", f.apparmor ? "enabled" : f.apparmor_problem,
         mode_note(c.apparmor, f.apparmor, "without filesystem confinement by AppArmor"));
    if (!f.apparmor && c.apparmor == LayerMode::Required)
      r.missing_required.push_back("apparmor (" + f.apparmor_problem + ")");
  }
  std::string detail = f.parser.empty() ? "apparmor_parser not installed (confine install needs it)"
                                        : "apparmor_parser " + f.parser;
  if (f.apparmor)
    detail += std::string("; stacking: ") + (f.apparmor_stacking ? "yes" : "no") +
              "; policy namespaces: " + (f.apparmor_namespaces ? "yes" : "no");
  r.lines.push_back(pad("", 10) + detail);
  if (f.apparmor && !c.global_profile.empty()) {
    r.lines.push_back(pad("", 10) + "global_profile " + c.global_profile +
                      " is stacked on every app");
    if (!f.apparmor_stacking)
      r.missing_required.push_back(
          "apparmor stacking (global_profile is set, the kernel has none)");
  }
  if (f.apparmor && !c.apparmor_namespace.empty() && !f.apparmor_namespaces)
    r.missing_required.push_back("apparmor policy namespaces (apparmor_namespace is set)");
}

void check_devices(const SystemFacts& f, const Config& c, CheckReport& r) {
  const bool have_devices = f.devices != devices::Backend::None;
  std::string dev =
      f.devices == devices::Backend::V2   ? "cgroup v2 device programs in " + f.devices_where
      : f.devices == devices::Backend::V1 ? "cgroup v1 devices controller at " + f.devices_where
                                          : f.devices_problem;
  line(r, "devices", dev, mode_note(c.devices, have_devices, "without a device cgroup"));
  if (!f.devices_v1_also.empty())
    r.lines.push_back(pad("", 10) + "hybrid: a v1 devices controller is mounted at " +
                      f.devices_v1_also + " too; the v2 program is used");
  if (!have_devices && c.devices == LayerMode::Required)
    r.missing_required.push_back("device cgroup (" + f.devices_problem + ")");
}

void check_landlock(const SystemFacts& f, const Config& c, CheckReport& r) {
  // Landlock: if-available applies it only where AppArmor is not enabled
  // (landlock/launch_step.cc).
  const bool have_landlock = f.landlock_abi > 0;
  std::string landlock_note = "[config: required]";
  if (c.landlock != LayerMode::Required) {
    if (f.apparmor)
      landlock_note = "[config: if-available: not applied, AppArmor confines files]";
    else if (have_landlock)
      landlock_note = "[config: if-available: applied, AppArmor is not enabled]";
    else
      landlock_note = "[config: if-available: apps run without filesystem confinement]";
  }
  if (!f.landlock_problem.empty()) {
    // Launches fail (exit 125) until whatever refuses the syscall is gone.
    line(r, "landlock", "unknown: " + f.landlock_problem, "[launches fail: fix the outer filter]");
    r.missing_required.push_back("landlock (" + f.landlock_problem + ")");
  } else {
    line(r, "landlock",
         have_landlock ? "available (ABI " + std::to_string(f.landlock_abi) + ")"
                       : "not available in the kernel",
         landlock_note);
    if (!have_landlock && c.landlock == LayerMode::Required)
      r.missing_required.push_back("landlock (not available in the kernel)");
    // What Landlock holds beyond files, and the unix socket gap where it is
    // the only path layer (landlock/launch_step.cc, the unix-sockets group).
    if (have_landlock)
      r.lines.push_back(pad("", 10) +
                        (f.landlock_abi >= 6
                             ? "scopes: signals and abstract unix sockets stay inside each app"
                             : "no scopes (before ABI 6): signals and abstract unix sockets reach "
                               "outside apps"));
    if (!f.apparmor)
      r.lines.push_back(pad("", 10) +
                        "pathname unix sockets: not mediated (no Landlock right for them up to "
                        "ABI 7); apps with the unix-sockets group reach any their uid may open");
  }
}

// The built-in layers' probes; a registered layer's row brings its own.
void check_layer(const LayerInfo& row, const SystemFacts& f, const Config& c, CheckReport& r) {
  if (row.check) return row.check(f, c, r);
  switch (row.layer) {
    case Layer::Devices: return check_devices(f, c, r);
    case Layer::Landlock: return check_landlock(f, c, r);
    case Layer::AppArmor: return check_apparmor(f, c, r);
    case Layer::Seccomp: return check_seccomp(f, c, r);
  }
}

}  // namespace

CheckReport evaluate(const SystemFacts& f, const Config& c) {
  CheckReport r;
  auto line = [&](const std::string& layer, const std::string& state, const std::string& note) {
    diagnose::line(r, layer, state, note);
  };
  // One line (or a few) per layer, in launch order.
  for (const LayerInfo& row : layer_table()) check_layer(row, f, c, r);

  // The launcher itself.
  if (!f.launcher_exists)
    line("launcher", f.launcher + " not found", "");
  else
    line("launcher", f.launcher,
         f.launcher_file_caps ? "[file capabilities: ordinary users can launch apps]"
                              : "[no file capabilities: only root can launch apps]");
  line("nnp",
       c.no_new_privs ? "no_new_privs set for every launch"
                      : "no_new_privs set for ordinary users; not for root (config no_new_privs)",
       "");

  // Which layer holds each access class, for an app whose filter refuses
  // unix sockets (the default caps), then what the unix-sockets group changes.
  r.lines.push_back("coverage: the layer holding each access class for an app (default caps):");
  for (auto& l : coverage_lines(f, c, AppFacts{})) r.lines.push_back(std::move(l));
  AppFacts unix_app;
  unix_app.seccomp_allows = {AccessClass::UnixPathname, AccessClass::UnixAbstract};
  r.lines.push_back("coverage with the unix-sockets group (unix sockets allowed):");
  for (auto& l : coverage_lines(f, c, unix_app))
    if (l.find("unix-") != std::string::npos) r.lines.push_back(std::move(l));
  AppFacts service;
  service.package_user = true;
  for (const auto& row : coverage(launch_layers(f, c, false, true), service))
    if (row.cls == AccessClass::FileMetadata)
      r.lines.push_back("coverage for a service run as its package user: file-metadata: " +
                        describe_holding(row));
  for (const char* who : {"root-run", "user-run"}) {
    const bool root = std::string(who) == "root-run";
    AppFacts app;
    app.root = root;
    for (const auto& row : coverage(launch_layers(f, c, root), app))
      if (row.holding == Holding::Gap &&
          std::find(c.accept_gaps.begin(), c.accept_gaps.end(), row.cls) == c.accept_gaps.end())
        r.refused_for.push_back(std::string(who) + " apps (" + std::string(to_string(row.cls)) +
                                ")");
  }

  if (r.ok() && r.refused_for.empty())
    r.lines.push_back("confine-run can start apps on this system with this configuration.");
  else if (r.ok())
    for (const auto& m : r.refused_for)
      r.lines.push_back("confine-run refuses " + m +
                        ": held by no layer here (accept_gaps lets them run partially confined)");
  else
    for (const auto& m : r.missing_required)
      r.lines.push_back("confine-run would refuse to start apps: " + m + " is required");
  return r;
}

std::vector<AppLayer> app_layers(const Config& config, const AppId& id,
                                 const LaunchRecord* record) {
  std::vector<AppLayer> out;
  for (const LayerInfo& row : layer_table())
    out.push_back({row.name, layer_mode(config, row.layer), layer_artifact(config, row.layer, id),
                   record && record->has_layer(row.layer)});
  return out;
}

}  // namespace confine::diagnose
