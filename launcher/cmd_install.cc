// confine install [--origin ORIGIN] DIR
#include <sys/stat.h>

#include <iostream>

#include "command.h"
#include "install/pipeline.h"

namespace confine::cli {
namespace {

int run_install(const Invocation& inv) {
  std::string origin;
  std::string dir;
  for (size_t i = 0; i < inv.args.size(); ++i) {
    const std::string& a = inv.args[i];
    if (a == "--origin") {
      if (i + 1 >= inv.args.size()) usage_error(inv, "--origin needs a value");
      origin = inv.args[++i];
    } else if (a.starts_with("--origin=")) {
      origin = a.substr(9);
    } else if (a == "--") {
      if (i + 2 != inv.args.size() || !dir.empty()) usage_error(inv, "expected one DIR");
      dir = inv.args[++i];
    } else if (!a.empty() && a[0] == '-') {
      usage_error(inv, "unknown option " + a);
    } else if (!dir.empty()) {
      usage_error(inv, "unexpected argument \"" + a + "\"");
    } else {
      dir = a;
    }
  }
  if (dir.empty()) usage_error(inv, "no package directory given");

  auto r = install::install_package(inv.config, dir, origin);
  for (const auto& w : r.warnings) std::cerr << "confine install: warning: " << w << "\n";
  std::cout << "installed " << r.key.str() << " " << r.version;
  if (!r.previous_version.empty() && r.previous_version != r.version)
    std::cout << " (replacing " << r.previous_version << ")";
  else if (r.files_unchanged)
    std::cout << " (already installed; policy regenerated)";
  std::cout << "\n";
  for (size_t i = 0; i < r.apps.size(); ++i) {
    std::cout << "  " << r.apps[i].str();
    if (!r.units[i].empty()) std::cout << " (service " << r.units[i] << ")";
    std::cout << "\n";
  }
  for (const auto& id : r.removed) std::cout << "  removed " << id.str() << "\n";
  return 0;
}

}  // namespace

CONFINE_COMMAND(Command{
    "install", "install or update a package from a directory",
    "Usage: confine install [--origin ORIGIN] DIR\n"
    "\n"
    "Install or update the package in DIR: check meta/package.json, copy DIR into\n"
    "<apps_dir>/<key>/<version>/ (unless it is already there), create its data\n"
    "dir, generate and load its policy, write launch records and systemd units,\n"
    "and make this version current. All or nothing: on any error the previous\n"
    "install is left as it was. On an update, the previous version's policy,\n"
    "files and data dir are removed (its data is copied to the new version).\n"
    "\n"
    "A version that is already installed may only be installed again with\n"
    "identical content (its policy is then regenerated).\n"
    "\n"
    "Options:\n"
    "  --origin ORIGIN  the publisher's namespace; required for packages of\n"
    "                   type app, not allowed for framework and oem\n"
    "  -h, --help       show this help\n"
    "\n"
    "Prints the package key, version and each APP_ID installed. See confine(8)\n"
    "and confine-package(5).\n",
    &run_install});

}  // namespace confine::cli
