// The seccomp files of security-override and security-policy (package
// author's text). Only ConfineError may come out; every parsed rule prints
// (to_text, as `confine policy` shows it) as a line that parses back.
#include "core/error.h"
#include "fuzz_support.h"
#include "policy/syscall_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace confine::policy;
  try {
    SyscallList list = parse_syscall_text(confine::fuzz::as_string(data, size), "o.seccomp", "s");
    for (const auto* rules : {&list.allow, &list.deny})
      for (const SyscallRule& r : *rules) {
        SyscallList back;
        try {
          back = parse_syscall_text(to_text(r) + "\n", "printed", "s");
        } catch (const confine::ConfineError& e) {
          std::fprintf(stderr, "to_text: \"%s\": %s\n", to_text(r).c_str(), e.what());
          confine::fuzz::check(false, "to_text() output parses");
        }
        confine::fuzz::check(back.allow.size() + back.deny.size() == 1, "one rule per line");
      }
  } catch (const confine::ConfineError&) {
  }
  return 0;
}
