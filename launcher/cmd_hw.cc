// confine hw-assign / hw-unassign / hw-info: devices granted to a package
// beyond the defaults (devices/assignments.h). They take effect at the next
// launch of the package's apps.
#include <dirent.h>

#include <algorithm>
#include <iostream>

#include "command.h"
#include "core/error.h"
#include "core/layout.h"
#include "devices/assignments.h"
#include "devices/grants.h"

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

int hw_assign(const Invocation& inv) {
  HwArgs a = parse_args(inv, true, true);
  const Layout layout(inv.config);
  PackageKey key = devices::installed_package(inv.config, a.key);
  devices::DeviceRule rule = devices::device_rule(a.device, a.all_minors, a.access);
  auto res = devices::assign_device(layout, key, rule);
  const char* what = res == devices::AssignResult::Added     ? "assigned"
                     : res == devices::AssignResult::Updated ? "changed"
                                                             : "already assigned:";
  std::cout << what << " " << devices::format_rule(rule) << " (" << a.device << ") to " << key.str()
            << (res == devices::AssignResult::Unchanged ? "" : "; effective at its next launch")
            << "\n";
  return 0;
}

int hw_unassign(const Invocation& inv) {
  HwArgs a = parse_args(inv, true, true);
  const Layout layout(inv.config);
  PackageKey key = devices::installed_package(inv.config, a.key);
  devices::DeviceRule rule = devices::device_rule(a.device, a.all_minors, a.access);
  devices::unassign_device(layout, key, rule);
  std::cout << "unassigned " << selector(rule) << " (" << a.device << ") from " << key.str()
            << "; effective at its next launch\n";
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
  auto rules = devices::read_assignments(layout, key);
  if (rules.empty()) std::cout << "no devices assigned to " << key.str() << "\n";
  for (const auto& r : rules) {
    std::cout << devices::format_rule(r);
    auto nodes = devices::nodes_matching(r);
    for (size_t i = 0; i < nodes.size() && i < 8; ++i) std::cout << (i ? " " : "  ") << nodes[i];
    if (nodes.size() > 8) std::cout << " (+" << nodes.size() - 8 << " more)";
    if (nodes.empty()) std::cout << "  (no such node now)";
    std::cout << "\n";
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
    "Options:\n"
    "  --access ACCESS  letters of r (read), w (write), m (mknod); default rw\n"
    "  --all-minors     the node's whole major (e.g. every /dev/snd device)\n"
    "\n"
    "Recorded in <policy_dir>/devices/KEY. See confine(8).\n",
    &hw_assign});

CONFINE_COMMAND(Command{"hw-unassign", "withdraw a device from a package",
                        "Usage: confine hw-unassign [--all-minors] KEY DEVICE\n"
                        "\n"
                        "Withdraw DEVICE (as given to hw-assign: a node or \"c|b MAJOR:MINOR|*\")\n"
                        "from package KEY from its apps' next launch on. See confine(8).\n",
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
