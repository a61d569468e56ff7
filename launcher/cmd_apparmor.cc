// confine apparmor-reload: load every installed app profile into the kernel.
// Run at boot by confine-apparmor.service, before any app service starts:
// profiles loaded by `confine install` do not survive a reboot.
#include <iostream>

#include "apparmor/parser.h"
#include "command.h"
#include "core/layout.h"

namespace confine::cli {
namespace {

int run_apparmor_reload(const Invocation& inv) {
  if (!inv.args.empty()) usage_error(inv, "unexpected argument \"" + inv.args[0] + "\"");
  if (!apparmor::kernel_enforces_apparmor()) {
    // Not an error: the same boot unit runs on kernels without AppArmor,
    // and confine-run then follows the `apparmor` config key.
    std::cout << "AppArmor is not enabled in the kernel; no profile loaded\n";
    return 0;
  }
  apparmor::ReloadReport r = apparmor::reload_all(inv.config);
  for (const auto& f : r.failed) std::cerr << "confine apparmor-reload: error: " << f << "\n";
  std::cout << "loaded " << r.loaded.size() << " AppArmor profile"
            << (r.loaded.size() == 1 ? "" : "s") << " from " << Layout(inv.config).apparmor_dir()
            << "\n";
  return r.failed.empty() ? 0 : 1;
}

}  // namespace

CONFINE_COMMAND(Command{
    "apparmor-reload", "load every installed app's AppArmor profile (at boot)",
    "Usage: confine apparmor-reload\n"
    "\n"
    "Load (or replace) the AppArmor profile of every installed app, i.e. every\n"
    "file <policy_dir>/apparmor/<APP_ID>, with apparmor_parser -r, using the\n"
    "compiled cache in <policy_dir>/apparmor-cache when it is current.\n"
    "Profiles loaded by `confine install` live in the kernel only until the\n"
    "next reboot; confine-apparmor.service runs this command at boot, before\n"
    "app services start. Files not owned by root, writable by group or others,\n"
    "or not named by an APP_ID are not loaded.\n"
    "\n"
    "Without AppArmor in the kernel it loads nothing and exits 0.\n"
    "Exit status: 0 when every profile loaded, 1 when any failed (each failure\n"
    "is reported; the others are still loaded).\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n"
    "\n"
    "See confine(8) and confine-run(1).\n",
    &run_apparmor_reload});

}  // namespace confine::cli
