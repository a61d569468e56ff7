// confine explain [FILE]
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "command.h"
#include "diagnose/explain.h"

namespace confine::cli {
namespace {

// Schema confine-explain/1 (confine(8), JSON OUTPUT).
nlohmann::json explain_json(const diagnose::Explanation& e, const std::string& origin) {
  nlohmann::json denials = nlohmann::json::array();
  for (const auto& d : e.items)
    denials.push_back({{"where", d.where},
                       {"layer", d.layer},
                       {"subject", d.subject},
                       {"app_id", d.app ? nlohmann::json(d.app->str()) : nlohmann::json(nullptr)},
                       {"denied", d.denied},
                       {"operation", d.operation},
                       {"allowed_by",
                        {{"flags", d.flags}, {"groups", d.groups}, {"templates", d.templates}}},
                       {"add_caps", d.add_caps},
                       {"verdict", d.verdict},
                       {"text", d.text}});
  return {{"schema", "confine-explain/1"},
          {"source", origin},
          {"records", e.denials},
          {"denials", denials},
          {"errors", e.errors}};
}

int run_explain(const Invocation& inv) {
  const JsonArgs args = parse_json_args(inv, 1);
  std::string origin = "stdin";
  std::stringstream ss;
  if (args.operands.empty() || args.operands[0] == "-") {
    ss << std::cin.rdbuf();
  } else {
    origin = args.operands[0];
    std::ifstream in(origin);
    if (!in) throw ConfineError("cannot read " + origin, errno);
    ss << in.rdbuf();
  }
  const diagnose::Explanation e = diagnose::explain(ss.str(), origin, inv.config);
  if (args.json) {
    print_json(explain_json(e, origin));
    return e.errors.empty() ? 0 : 2;
  }
  std::cout << e.text;
  if (e.denials == 0) std::cout << "no AppArmor or seccomp denials in " << origin << "\n";
  for (const auto& err : e.errors) std::cerr << "confine explain: error: " << err << "\n";
  return e.errors.empty() ? 0 : 2;
}

}  // namespace

CONFINE_COMMAND(Command{"explain", "explain AppArmor and seccomp denials from a log",
                        "Usage: confine explain [--json] [FILE]\n"
                        "\n"
                        "Read kernel or audit log lines from FILE (or standard input, or \"-\"),\n"
                        "for example `dmesg | confine explain` or\n"
                        "`confine explain /var/log/audit/audit.log`, and explain every AppArmor\n"
                        "denial (apparmor=\"DENIED\") and seccomp denial (type=1326) in it: the\n"
                        "app that was denied (from the profile name, or from the exe of a seccomp\n"
                        "record), what was denied, which flags, policy groups and templates would\n"
                        "allow it, and what the app's own policy says (not granted, or denied\n"
                        "explicitly: deny overrides allow). Other lines are skipped.\n"
                        "\n"
                        "Exit status: 0 when every denial record was explained; 2 when a denial\n"
                        "record lacks or garbles a field (named as FILE:LINE); 1 on other errors.\n"
                        "\n"
                        "Options:\n"
                        "  --json      the same as one JSON object (schema confine-explain/1),\n"
                        "              errors included\n"
                        "  -h, --help  show this help\n"
                        "\n"
                        "See confine(8).\n",
                        &run_explain});

}  // namespace confine::cli
