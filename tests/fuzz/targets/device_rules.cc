// Device rule files (devices/rules.h), the format of the grants and
// assignments files the device step reads at launch. Never throws; every
// accepted rule formats to a line that parses back to the same rule.
#include "devices/rules.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace d = confine::devices;
  const std::string text = confine::fuzz::as_string(data, size);
  (void)d::parse_rule(text);
  (void)d::parse_access(text);
  auto rules = d::parse_rules(text, "rules");
  if (!rules) return 0;
  confine::fuzz::check(rules->size() <= d::kMaxRules, "at most kMaxRules rules");
  for (const auto& r : *rules) {
    auto back = d::parse_rule(d::format_rule(r));
    confine::fuzz::check(back.ok() && *back == r, "format_rule() output parses to the same rule");
  }
  return 0;
}
