#include "policy/syscall_rules.h"

#include <seccomp.h>

#include <sstream>

#include "core/error.h"
#include "policy/constants.h"

namespace confine::policy {
namespace {

constexpr size_t kMaxLines = 10000;

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> out;
  std::istringstream in{std::string(line)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string hex(uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}

const char* op_text(ArgCondition::Op op) {
  using Op = ArgCondition::Op;
  switch (op) {
    case Op::Eq:
    case Op::MaskedEq:
      return "==";
    case Op::Ne:
      return "!=";
    case Op::Lt:
      return "<";
    case Op::Le:
      return "<=";
    case Op::Gt:
      return ">";
    case Op::Ge:
      return ">=";
  }
  return "?";
}

}  // namespace

bool syscall_name_valid(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool syscall_known(const std::string& name) {
  return syscall_name_valid(name) &&
         seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name.c_str()) != __NR_SCMP_ERROR;
}

bool parse_op(std::string_view t, ArgCondition::Op& op) {
  using Op = ArgCondition::Op;
  if (t == "==")
    op = Op::Eq;
  else if (t == "!=")
    op = Op::Ne;
  else if (t == "<")
    op = Op::Lt;
  else if (t == "<=")
    op = Op::Le;
  else if (t == ">")
    op = Op::Gt;
  else if (t == ">=")
    op = Op::Ge;
  else
    return false;
  return true;
}

SyscallList parse_syscall_text(const std::string& text, const std::string& file,
                               const std::string& source) {
  SyscallList out;
  std::istringstream in(text);
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    auto fail = [&](const std::string& problem) -> void {
      throw ConfineError(file + ":" + std::to_string(lineno) + ": " + problem);
    };
    if (lineno > kMaxLines) fail("more than 10000 lines");
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    for (unsigned char c : line)
      if ((c < 0x20 && c != '\t') || c == 0x7f) fail("control character");
    std::vector<std::string> w = split_words(line);
    if (w.empty()) continue;

    SyscallRule rule;
    rule.source = source;
    bool deny = false;
    size_t i = 0;
    for (; i < w.size() && (w[i] == "deny" || w[i] == "optional"); ++i)
      (w[i] == "deny" ? deny : rule.optional) = true;
    if (i >= w.size()) fail("missing syscall name");
    rule.name = w[i++];
    if (!syscall_name_valid(rule.name)) fail("invalid syscall name \"" + rule.name + "\"");
    if (!rule.optional && !syscall_known(rule.name))
      fail("unknown syscall \"" + rule.name +
           "\" (libseccomp does not know it on x86_64; write \"optional " + rule.name +
           "\" if it only exists on newer kernels)");

    while (i < w.size()) {
      const std::string& a = w[i];
      if (a.size() != 2 || a[0] != 'a' || a[1] < '0' || a[1] > '5')
        fail("expected an argument a0..a5, got \"" + a + "\"");
      ArgCondition c;
      c.index = static_cast<unsigned>(a[1] - '0');
      for (const auto& prev : rule.conditions)
        if (prev.index == c.index) fail("two conditions on " + a + " in one rule");
      std::string problem;
      if (i + 1 < w.size() && w[i + 1] == "&") {
        if (i + 4 >= w.size() || w[i + 3] != "==") fail("expected \"" + a + " & MASK == VALUE\"");
        auto mask = parse_arg_value(w[i + 2], problem);
        if (!mask) fail("mask: " + problem);
        c.mask = *mask;
        c.op = ArgCondition::Op::MaskedEq;
        i += 4;
      } else {
        if (i + 2 >= w.size()) fail("expected \"" + a + " OP VALUE\"");
        if (!parse_op(w[i + 1], c.op))
          fail("unknown operator \"" + w[i + 1] + "\" (use == != < <= > >= or & MASK ==)");
        i += 2;
      }
      auto value = parse_arg_value(w[i], problem);
      if (!value) fail("value: " + problem);
      c.value = *value;
      c.symbol = w[i];
      ++i;
      rule.conditions.push_back(c);
    }
    (deny ? out.deny : out.allow).push_back(std::move(rule));
  }
  return out;
}

std::string to_text(const ArgCondition& c) {
  std::string v = c.symbol.empty() ? hex(c.value) : c.symbol;
  std::string s = "a" + std::to_string(c.index) + " ";
  if (c.op == ArgCondition::Op::MaskedEq) s += "& " + hex(c.mask) + " ";
  return s + op_text(c.op) + " " + v;
}

std::string to_text(const SyscallRule& rule) {
  std::string s = rule.optional ? "optional " + rule.name : rule.name;
  for (const auto& c : rule.conditions) s += " " + to_text(c);
  return s;
}

}  // namespace confine::policy
