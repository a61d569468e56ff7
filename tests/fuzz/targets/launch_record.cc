// The launch record confine-run reads before anything else
// (<policy_dir>/launch/<APP_ID>). Launch path: parse() must never throw, and
// a record it accepts must serialize to a record that reads back the same.
#include "core/launch_record.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using confine::LaunchRecord;
  auto r = LaunchRecord::parse(confine::fuzz::as_string(data, size), "record");
  if (!r) return 0;
  auto again = LaunchRecord::parse(r->serialize(), "serialized");
  confine::fuzz::check(again.ok(), "a parsed record re-reads after serialize()");
  confine::fuzz::check(again->id == r->id && again->type == r->type && again->exec == r->exec &&
                           again->layers == r->layers,
                       "serialize() keeps every field");
  return 0;
}
