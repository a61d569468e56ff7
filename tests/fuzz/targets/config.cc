// /etc/confine/config.json, read by both confine and confine-run. Never
// throws (Result); a file it accepts has values in their documented ranges.
#include "core/config.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto c = confine::parse_config(confine::fuzz::as_string(data, size), "config.json");
  if (!c) return 0;
  confine::fuzz::check(c->nice >= -20 && c->nice <= 19, "nice is within -20..19");
  return 0;
}
