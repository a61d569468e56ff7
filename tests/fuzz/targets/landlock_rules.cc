// The Landlock artifact (<policy_dir>/landlock/<APP_ID>) confine-run reads.
// Never throws; accepted rules survive a serialize/parse round trip, and
// their rights map to access bits without surprises.
#include "fuzz_support.h"
#include "landlock/rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace ll = confine::landlock;
  auto rules = ll::parse(confine::fuzz::as_string(data, size), "landlock");
  if (!rules) return 0;
  confine::fuzz::check(rules->size() <= ll::kMaxRules, "at most kMaxRules rules");
  auto back = ll::parse(ll::serialize(*rules), "serialized");
  confine::fuzz::check(back.ok() && *back == *rules, "serialize() output parses to the same");
  for (const auto& r : *rules) {
    for (int abi = 0; abi <= 8; ++abi) {
      const uint64_t handled = ll::handled_for_abi(abi);
      const uint64_t bits = ll::access_bits(r.rights, !r.path.empty() && r.path.back() == '/',
                                            handled);
      confine::fuzz::check((bits & ~handled) == 0, "access_bits() stays within handled rights");
    }
  }
  return 0;
}
