// Symbolic constants for syscall argument conditions ("AF_INET", "TIOCSTI",
// "CLONE_NEWUSER", ...). Policy files name values the way the man pages do;
// this table turns them into the numbers the kernel sees on x86_64. It is
// mechanism (the C headers' values), not policy: which values a template
// allows is written in policy-templates/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confine::policy {

// The value of a known constant name, or nullopt.
std::optional<uint64_t> constant_value(std::string_view name);

// Parses an argument value: a decimal or 0x-hex number (a leading '-' gives
// the 64-bit two's complement, as the kernel sees a negative long), a known
// constant name, or several of these joined with '|' (bitwise or), e.g.
// "CLONE_NEWUSER|CLONE_NEWNS". Returns nullopt with `problem` set otherwise.
std::optional<uint64_t> parse_arg_value(std::string_view text, std::string& problem);

// Every known constant name, sorted (for documentation and tests).
std::vector<std::string> constant_names();

}  // namespace confine::policy
