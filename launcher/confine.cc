// confine: install-time tool. `confine [--config FILE] COMMAND [ARGS...]`.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "command.h"
#include "core/error.h"

namespace confine::cli {
namespace {

std::vector<Command>& registry() {
  static std::vector<Command> r;
  return r;
}

struct UsageError {
  std::string message;
};

void print_help() {
  std::cout << "Usage: confine [--config FILE] COMMAND [ARGS...]\n\n"
               "Install apps and turn their metadata into confinement policy.\n\n"
               "Commands:\n";
  auto cmds = commands();
  std::sort(cmds.begin(), cmds.end(),
            [](const Command& a, const Command& b) { return std::strcmp(a.name, b.name) < 0; });
  for (const auto& c : cmds) std::printf("  %-12s %s\n", c.name, c.summary);
  std::cout << "\nOptions:\n"
               "  --config FILE  use FILE instead of /etc/confine/config.json\n"
               "                 (also CONFINE_CONFIG)\n"
               "  -h, --help     show this help\n\n"
               "Run 'confine COMMAND --help' for a command's options. See confine(8).\n";
}

}  // namespace

CommandRegistrar::CommandRegistrar(const Command& c) { registry().push_back(c); }
const std::vector<Command>& commands() { return registry(); }

void usage_error(const Invocation&, const std::string& what) { throw UsageError{what}; }

JsonArgs parse_json_args(const Invocation& inv, size_t max_operands) {
  JsonArgs out;
  for (const auto& a : inv.args) {
    if (a == "--json")
      out.json = true;
    else if (a.starts_with("-") && a != "-")
      usage_error(inv, "unknown option " + a);
    else if (out.operands.size() == max_operands)
      usage_error(inv, "unexpected argument \"" + a + "\"");
    else
      out.operands.push_back(a);
  }
  return out;
}

void print_json(const nlohmann::json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace confine::cli

static int run_main(int argc, char** argv) {
  using namespace confine;
  using namespace confine::cli;
  // What confine writes (policy, units, records, package trees) is read by
  // confine-run, possibly without root's DAC override: no mode may depend
  // on the caller's umask. Set once, for every subcommand.
  const mode_t caller_umask = ::umask(022);
  spdlog::set_pattern("%v");
  std::string config_path;
  bool config_given = false;
  if (const char* env = std::getenv("CONFINE_CONFIG"); env && *env) {
    config_path = env;
    config_given = true;
  }
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      print_help();
      return 0;
    } else if (a == "--config" && i + 1 < argc) {
      config_path = argv[++i];
      config_given = true;
    } else if (a.starts_with("--config=")) {
      config_path = a.substr(9);
      config_given = true;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "confine: error: unknown option " << a << "\nTry 'confine --help'.\n";
      return 2;
    } else {
      break;
    }
  }
  if (i >= argc) {
    std::cerr << "confine: error: no command given\nTry 'confine --help'.\n";
    return 2;
  }
  std::string name = argv[i];
  const Command* cmd = nullptr;
  for (const auto& c : commands())
    if (name == c.name) cmd = &c;
  if (!cmd) {
    std::cerr << "confine: error: unknown command \"" << name << "\"\nTry 'confine --help'.\n";
    return 2;
  }
  std::vector<std::string> args(argv + i + 1, argv + argc);
  if (std::find(args.begin(), args.end(), "--help") != args.end() ||
      std::find(args.begin(), args.end(), "-h") != args.end()) {
    std::cout << cmd->usage;
    return 0;
  }
  const std::string prefix = std::string("confine ") + cmd->name + ": error: ";
  if (!config_given) config_path = kDefaultConfigPath;
  auto cfg = load_config(config_path, !config_given);
  if (!cfg) {
    std::cerr << prefix << cfg.error().describe() << "\n";
    return 1;
  }
  Invocation inv{name, std::move(args), *cfg, config_path, caller_umask};
  try {
    return cmd->run(inv);
  } catch (const UsageError& e) {
    std::cerr << prefix << e.message << "\nTry 'confine " << cmd->name << " --help'.\n";
    return 2;
  } catch (const ConfineError& e) {
    std::cerr << prefix << e.what() << (e.err() ? std::string(": ") + std::strerror(e.err()) : "")
              << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << prefix << e.what() << "\n";
    return 1;
  }
}

int main(int argc, char** argv) {
  // What run_main() throws outside a subcommand (std::bad_alloc, a config
  // reader's exception) is an error like any other, not an abort. (void): a
  // failed write to stderr leaves nowhere else to report it.
  try {
    return run_main(argc, argv);
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "confine: error: %s\n", e.what());
  } catch (...) {
    (void)std::fputs("confine: error: unexpected exception\n", stderr);
  }
  return 1;
}
