// confine hw-assign / hw-unassign / hw-info: devices granted to a package
// beyond the defaults (devices/assignments.h). They take effect at the next
// launch of the package's apps.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <functional>
#include <iostream>

#include "command.h"
#include "core/error.h"
#include "core/layout.h"
#include "devices/assignments.h"
#include "devices/grants.h"
#include "install/pipeline.h"

namespace confine::cli {
namespace {

struct HwArgs {
  std::string key, device;
  bool all_minors = false;
  uint8_t access = devices::kAccessRead | devices::kAccessWrite;
};

HwArgs parse_args(const Invocation& inv, bool want_device, bool options) {
  HwArgs a;
  std::vector<std::string> pos;
  for (size_t i = 0; i < inv.args.size(); ++i) {
    const std::string& s = inv.args[i];
    std::string acc;
    bool have_acc = false;
    if (options && s == "--all-minors") {
      a.all_minors = true;
    } else if (options && s == "--access") {
      if (i + 1 >= inv.args.size()) usage_error(inv, "--access needs a value (r, w, m letters)");
      acc = inv.args[++i];
      have_acc = true;
    } else if (options && s.starts_with("--access=")) {
      acc = s.substr(9);
      have_acc = true;
    } else if (s.size() > 1 && s[0] == '-' && s != "--") {
      usage_error(inv, "unknown option " + s);
    } else {
      pos.push_back(s);
    }
    if (have_acc) {
      auto bits = devices::parse_access(acc);
      if (!bits) usage_error(inv, bits.error().message);
      a.access = *bits;
    }
  }
  const size_t want = want_device ? 2 : 1;
  if (pos.size() != want) usage_error(inv, want_device ? "expected KEY DEVICE" : "expected KEY");
  a.key = pos[0];
  if (want_device) a.device = pos[1];
  return a;
}

std::string selector(const devices::DeviceRule& r) {
  std::string s = devices::format_rule(r);
  s.resize(s.rfind(' '));
  return s;
}

// The AppArmor side of an assignment, told to the administrator.
void print_nodes(const devices::Assignment& a, const std::vector<AppId>& ids) {
  if (a.nodes.empty() && (a.rule.access & (devices::kAccessRead | devices::kAccessWrite)))
    std::cout << "  no node under /dev matches it now: the AppArmor profiles grant none; run "
                 "hw-assign again with the node once it exists\n";
  else if (!a.nodes.empty()) {
    std::cout << "  AppArmor:";
    for (const auto& n : a.nodes) std::cout << " " << n;
    std::cout << "\n";
  }
  for (const auto& id : ids) std::cout << "  policy regenerated: " << id.str() << "\n";
}

// Changes the assignments and regenerates the current version's policy (the
// AppArmor profiles name the assigned nodes) in one step: when the policy
// cannot be regenerated or loaded, the assignment list is put back and the
// command fails naming the step.
std::vector<AppId> change_and_regenerate(const Invocation& inv, const PackageKey& key,
                                         const std::function<void()>& change) {
  const Layout layout(inv.config);
  std::vector<devices::Assignment> before;
  bool changed = false;
  return install::regenerate_policy(
      inv.config, key, install::install_steps(),
      [&] {
        before = devices::read_assignments(layout, key);
        change();
        changed = true;
      },
      [&] {
        if (changed) devices::write_assignments(layout, key, before);
      });
}

int hw_assign(const Invocation& inv) {
  HwArgs a = parse_args(inv, true, true);
  PackageKey key = devices::installed_package(inv.config, a.key);
  devices::DeviceRule rule = devices::device_rule(a.device, a.all_minors, a.access);
  devices::Assignment asg = devices::make_assignment(a.device, rule);
  auto res = devices::AssignResult::Unchanged;
  auto ids = change_and_regenerate(
      inv, key, [&] { res = devices::assign_device(Layout(inv.config), key, asg); });
  const char* what = res == devices::AssignResult::Added     ? "assigned"
                     : res == devices::AssignResult::Updated ? "changed"
                                                             : "already assigned:";
  std::cout << what << " " << devices::format_rule(rule) << " (" << a.device << ") to " << key.str()
            << (res == devices::AssignResult::Unchanged ? "" : "; effective at its next launch")
            << "\n";
  print_nodes(asg, ids);
  return 0;
}

int hw_unassign(const Invocation& inv) {
  HwArgs a = parse_args(inv, true, true);
  PackageKey key = devices::installed_package(inv.config, a.key);
  devices::DeviceRule rule = devices::device_rule(a.device, a.all_minors, a.access);
  auto ids = change_and_regenerate(
      inv, key, [&] { devices::unassign_device(Layout(inv.config), key, rule); });
  std::cout << "unassigned " << selector(rule) << " (" << a.device << ") from " << key.str()
            << "; effective at its next launch\n";
  for (const auto& id : ids) std::cout << "  policy regenerated: " << id.str() << "\n";
  return 0;
}

// APP_IDs of `key` that have a grants file (any installed version).
std::vector<std::string> granted_apps(const Config& c, const PackageKey& key) {
  std::vector<std::string> ids;
  DIR* d = ::opendir(devices::grants_dir(c).c_str());
  if (!d) return ids;
  while (auto* e = ::readdir(d)) {
    std::string n = e->d_name;
    auto id = AppId::parse(n);
    if (id && id->key == key) ids.push_back(n);
  }
  ::closedir(d);
  std::sort(ids.begin(), ids.end());
  return ids;
}

int hw_info(const Invocation& inv) {
  HwArgs a = parse_args(inv, false, false);
  const Layout layout(inv.config);
  PackageKey key = devices::installed_package(inv.config, a.key);
  auto list = devices::read_assignments(layout, key);
  if (list.empty()) std::cout << "no devices assigned to " << key.str() << "\n";
  for (const auto& asg : list) {
    const devices::DeviceRule& r = asg.rule;
    std::cout << devices::format_rule(r);
    auto nodes = devices::nodes_matching(r);
    for (size_t i = 0; i < nodes.size() && i < 8; ++i) std::cout << (i ? " " : "  ") << nodes[i];
    if (nodes.size() > 8) std::cout << " (+" << nodes.size() - 8 << " more)";
    if (nodes.empty()) std::cout << "  (no such node now)";
    std::cout << "\n";
    if (!asg.nodes.empty()) {
      std::cout << "  AppArmor:";
      for (const auto& n : asg.nodes) std::cout << " " << n;
      std::cout << "\n";
    }
  }
  // What the policy grants, per app: shown so the whole picture is here.
  for (const auto& id_s : granted_apps(inv.config, key)) {
    auto id = AppId::parse(id_s);
    if (!id) continue;
    auto g = devices::read_grants(inv.config, *id);
    if (!g) continue;
    for (const auto& r : g->devices)
      std::cout << devices::format_rule(r) << "  (granted by the policy of " << id_s << ")\n";
  }
  return 0;
}

CONFINE_COMMAND(Command{
    "hw-assign", "grant a package access to a device",
    "Usage: confine hw-assign [--access ACCESS] [--all-minors] KEY DEVICE\n"
    "\n"
    "Let the apps of package KEY open DEVICE from their next launch on, beyond\n"
    "the default devices. DEVICE is a device node (symlinks are followed; the\n"
    "target must be a character or block device) or \"c|b MAJOR:MINOR\", where\n"
    "MINOR may be * for the whole major.\n"
    "\n"
    "The device cgroup rule is by number; the AppArmor profiles of the current\n"
    "version's apps are regenerated and reloaded to allow the node DEVICE\n"
    "resolves to (with --all-minors or a selector: every node under /dev with\n"
    "that number now). The node must be under /dev. If the policy cannot be\n"
    "regenerated or loaded, nothing is recorded and the command fails.\n"
    "\n"
    "Options:\n"
    "  --access ACCESS  letters of r (read), w (write), m (mknod); default rw\n"
    "  --all-minors     the node's whole major (e.g. every /dev/snd device)\n"
    "\n"
    "Recorded in <policy_dir>/devices/KEY; removed with the package's last\n"
    "version (confine remove). See confine(8).\n",
    &hw_assign});

CONFINE_COMMAND(Command{"hw-unassign", "withdraw a device from a package",
                        "Usage: confine hw-unassign [--all-minors] KEY DEVICE\n"
                        "\n"
                        "Withdraw DEVICE (as given to hw-assign: a node or \"c|b MAJOR:MINOR|*\")\n"
                        "from package KEY from its apps' next launch on; the AppArmor profiles\n"
                        "are regenerated and reloaded without its nodes (on failure nothing\n"
                        "changes). See confine(8).\n",
                        &hw_unassign});

CONFINE_COMMAND(Command{"hw-info", "list the devices assigned to a package",
                        "Usage: confine hw-info KEY\n"
                        "\n"
                        "List the devices assigned to package KEY beyond the defaults, with the\n"
                        "nodes under /dev they match, and those its apps' policies grant.\n"
                        "See confine(8).\n",
                        &hw_info});

}  // namespace
}  // namespace confine::cli
