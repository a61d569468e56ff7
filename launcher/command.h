// Subcommands of `confine`. Each lives in its own cmd_<name>.cc and registers
// itself with CONFINE_COMMAND, so adding a command touches no other file.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/config.h"

namespace confine::cli {

struct Invocation {
  std::string command;            // "install"
  std::vector<std::string> args;  // arguments after the command name
  const Config& config;
  std::string config_path;        // the config file in use
  // The caller's umask: main sets 022 for confine's own state; a command
  // that writes the caller's files (export) puts this one back.
  mode_t caller_umask = 022;
};

struct Command {
  const char* name;
  const char* summary;  // one line for `confine --help`
  const char* usage;    // printed by `confine NAME --help`
  // Returns the exit status. May throw ConfineError (printed by main as
  // "confine NAME: error: ..." with exit 1).
  int (*run)(const Invocation&);
};

struct CommandRegistrar {
  explicit CommandRegistrar(const Command& c);
};
const std::vector<Command>& commands();

// Throws a usage error ("confine NAME: error: <what>\nTry 'confine NAME --help'.", exit 2).
[[noreturn]] void usage_error(const Invocation& inv, const std::string& what);

// The arguments of a command whose only option is --json: `json` says
// whether it was given, `operands` keeps the rest in order ("-" is an
// operand). Any other option, or more than `max_operands` operands, is a
// usage error.
struct JsonArgs {
  bool json = false;
  std::vector<std::string> operands;
};
JsonArgs parse_json_args(const Invocation& inv, size_t max_operands);

// Prints `j` indented, one object per output (bytes that are not UTF-8
// are shown as U+FFFD, never a throw).
void print_json(const nlohmann::json& j);

}  // namespace confine::cli

#define CONFINE_CONCAT2(a, b) a##b
#define CONFINE_CONCAT(a, b) CONFINE_CONCAT2(a, b)
#define CONFINE_COMMAND(...) \
  static ::confine::cli::CommandRegistrar CONFINE_CONCAT(confine_cmd_, __LINE__)(__VA_ARGS__)
