// confine list
#include <iostream>

#include "command.h"
#include "install/pipeline.h"

namespace confine::cli {
namespace {

int run_list(const Invocation& inv) {
  if (!inv.args.empty()) usage_error(inv, "unexpected argument \"" + inv.args[0] + "\"");
  auto packages = install::list_packages(inv.config);
  if (packages.empty()) {
    std::cout << "no packages installed\n";
    return 0;
  }
  for (const auto& p : packages) {
    for (const auto& v : p.versions) {
      std::cout << p.key.str() << " " << v.version << (v.current ? " (current)" : "") << "\n";
      for (const auto& id : v.apps) std::cout << "  " << id.str() << "\n";
    }
  }
  return 0;
}

}  // namespace

CONFINE_COMMAND(Command{"list", "list installed packages, versions and APP_IDs",
                        "Usage: confine list\n"
                        "\n"
                        "List installed packages: one line per package key and version,\n"
                        "\"(current)\" after the version <apps_dir>/<key>/current points to,\n"
                        "then one indented line per APP_ID with a launch record.\n"
                        "\n"
                        "Options:\n"
                        "  -h, --help  show this help\n"
                        "\n"
                        "See confine(8).\n",
                        &run_list});

}  // namespace confine::cli
