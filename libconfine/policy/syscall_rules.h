// Syscall rules as text: the format of security-override and
// security-policy seccomp files, and the display form of `confine policy`.
//
//   # comment (also after a rule)
//   read
//   socket a0 == AF_INET              only when argument 0 is AF_INET
//   socket a0 == AF_INET6 a1 & SOCK_TYPE_MASK == SOCK_STREAM
//   ioctl a1 != TIOCSTI
//   optional clone3                   not an error when libseccomp lacks it
//   deny ptrace                       denied even if allowed elsewhere
//
// Several conditions on one line must all hold; several lines for one
// syscall are alternatives. Operators: == != < <= > >=, and
// "aN & MASK == VALUE". Values: numbers (decimal, 0x hex, negative) or the
// constants of constants.h, joined with '|'.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/model.h"

namespace confine::policy {

struct SyscallList {
  std::vector<SyscallRule> allow;
  std::vector<SyscallRule> deny;
};

// Parses `text` (the contents of `file`); every rule gets `source`. Throws
// ConfineError("<file>:<line>: <problem>") for syntax errors, unknown
// constants, bad argument indexes, two conditions on one argument, and
// syscall names libseccomp does not know on x86_64 (unless optional).
SyscallList parse_syscall_text(const std::string& text, const std::string& file,
                               const std::string& source);

// True when libseccomp knows `name` as an x86_64 syscall.
bool syscall_known(const std::string& name);
// Lower-case letters, digits and '_' only.
bool syscall_name_valid(std::string_view name);

// "==" -> Op::Eq, ... (not MaskedEq: that is "==" with a mask). False when unknown.
bool parse_op(std::string_view text, ArgCondition::Op& op);

// "socket a0 == AF_INET a1 & 0xf == 3", the text format of one rule.
std::string to_text(const SyscallRule& rule);
std::string to_text(const ArgCondition& c);

}  // namespace confine::policy
