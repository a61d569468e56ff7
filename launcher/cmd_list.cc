// confine list
#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "install/pipeline.h"

namespace confine::cli {
namespace {

int run_list(const Invocation& inv) {
  const bool json = parse_json_args(inv, 0).json;
  auto packages = install::list_packages(inv.config);
  if (json) {
    nlohmann::json out = {{"schema", "confine-list/1"}, {"packages", nlohmann::json::array()}};
    for (const auto& p : packages) {
      nlohmann::json versions = nlohmann::json::array();
      for (const auto& v : p.versions) {
        nlohmann::json apps = nlohmann::json::array();
        for (const auto& id : v.apps) apps.push_back(id.str());
        versions.push_back({{"version", v.version}, {"current", v.current}, {"apps", apps}});
      }
      out["packages"].push_back({{"key", p.key.str()}, {"versions", versions}});
    }
    print_json(out);
    return 0;
  }
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
                        "Usage: confine list [--json]\n"
                        "\n"
                        "List installed packages: one line per package key and version,\n"
                        "\"(current)\" after the version <apps_dir>/<key>/current points to,\n"
                        "then one indented line per APP_ID with a launch record.\n"
                        "\n"
                        "Options:\n"
                        "  --json      the same as one JSON object (schema confine-list/1)\n"
                        "  -h, --help  show this help\n"
                        "\n"
                        "See confine(8).\n",
                        &run_list});

}  // namespace confine::cli
