// Small builders for hand-made policies in the seccomp tests.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "policy/model.h"

namespace confine::testing {

inline policy::ArgCondition arg_eq(unsigned index, uint64_t value) {
  return {index, policy::ArgCondition::Op::Eq, value, 0, ""};
}
inline policy::ArgCondition arg_masked(unsigned index, uint64_t mask, uint64_t value) {
  return {index, policy::ArgCondition::Op::MaskedEq, value, mask, ""};
}
inline policy::ArgCondition arg_op(unsigned index, policy::ArgCondition::Op op, uint64_t value) {
  return {index, op, value, 0, ""};
}

inline policy::SyscallRule sys(std::string name, std::vector<policy::ArgCondition> cond = {},
                               bool optional = false) {
  policy::SyscallRule r;
  r.name = std::move(name);
  r.conditions = std::move(cond);
  r.optional = optional;
  r.source = "test";
  return r;
}

inline void allow_all(policy::Policy& p, std::initializer_list<const char*> names) {
  for (const char* n : names) p.allow.syscalls.push_back(sys(n));
}

}  // namespace confine::testing
