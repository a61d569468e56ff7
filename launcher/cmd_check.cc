// confine check
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>  // IWYU pragma: keep (check_json returns one)

#include "command.h"
#include "diagnose/check.h"

namespace confine::cli {
namespace {

int run_check(const Invocation& inv) {
  const bool json = parse_json_args(inv, 0).json;
  const diagnose::SystemFacts facts = diagnose::gather_facts();
  const diagnose::CheckReport r = diagnose::evaluate(facts, inv.config);
  if (json) {
    const std::string path = inv.config.path.empty() ? inv.config_path : inv.config.path;
    print_json(diagnose::check_json(facts, inv.config, path));
    return r.ok() ? 0 : 1;
  }
  std::cout << "config: "
            << (inv.config.path.empty() ? inv.config_path + " (missing: defaults)"
                                        : inv.config.path)
            << "\n";
  for (const auto& l : r.lines) std::cout << l << "\n";
  // Who apps run as (confine-package(5), USERS): services need useradd.
  std::cout << "users     "
            << (::access("/usr/sbin/useradd", X_OK) == 0 || ::access("/sbin/useradd", X_OK) == 0
                    ? "services run as their package's user, binaries as their caller"
                    : "useradd not found (package passwd): installing a service fails")
            << "\n";
  return r.ok() ? 0 : 1;
}

}  // namespace

CONFINE_COMMAND(Command{"check", "which confinement this kernel and system support",
                        "Usage: confine check [--json]\n"
                        "\n"
                        "Report, one line per layer, whether this kernel and system support\n"
                        "seccomp filters, AppArmor (with stacking and policy namespaces and\n"
                        "apparmor_parser), a device cgroup (cgroup v1 devices controller or\n"
                        "cgroup v2 device programs) and Landlock; whether confine-run carries\n"
                        "file capabilities; and, given the configuration's required and\n"
                        "if-available layers, whether confine-run would start apps.\n"
                        "\n"
                        "Exit status: 0 when every layer the configuration requires is\n"
                        "available, 1 when confine-run would refuse to start apps.\n"
                        "\n"
                        "Options:\n"
                        "  --json      the same as one JSON object (schema confine-check/1)\n"
                        "  -h, --help  show this help\n"
                        "\n"
                        "See confine(8).\n",
                        &run_check});

}  // namespace confine::cli
