// confine explain [FILE]
#include <fstream>
#include <iostream>
#include <sstream>

#include "command.h"
#include "diagnose/explain.h"

namespace confine::cli {
namespace {

int run_explain(const Invocation& inv) {
  if (inv.args.size() > 1) usage_error(inv, "unexpected argument \"" + inv.args[1] + "\"");
  std::string origin = "stdin", text;
  std::stringstream ss;
  if (inv.args.empty() || inv.args[0] == "-") {
    ss << std::cin.rdbuf();
  } else {
    if (inv.args[0].starts_with("-")) usage_error(inv, "unknown option " + inv.args[0]);
    origin = inv.args[0];
    std::ifstream in(origin);
    if (!in) throw ConfineError("cannot read " + origin, errno);
    ss << in.rdbuf();
  }
  const diagnose::Explanation e = diagnose::explain(ss.str(), origin, inv.config);
  std::cout << e.text;
  if (e.denials == 0) std::cout << "no AppArmor or seccomp denials in " << origin << "\n";
  for (const auto& err : e.errors) std::cerr << "confine explain: error: " << err << "\n";
  return e.errors.empty() ? 0 : 2;
}

}  // namespace

CONFINE_COMMAND(Command{"explain", "explain AppArmor and seccomp denials from a log",
                        "Usage: confine explain [FILE]\n"
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
                        "  -h, --help  show this help\n"
                        "\n"
                        "See confine(8).\n",
                        &run_explain});

}  // namespace confine::cli
