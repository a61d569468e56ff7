// The grants file (<policy_dir>/grants/<APP_ID>) the device and privileges
// steps read at launch. Never throws; accepted grants survive a
// serialize/parse round trip.
#include "devices/grants.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace d = confine::devices;
  auto g = d::parse_grants(confine::fuzz::as_string(data, size), "grants");
  if (!g) return 0;
  auto id = confine::AppId::parse("fuzz.example_app_1.0");
  confine::fuzz::check(id.ok(), "a valid APP_ID");
  auto back = d::parse_grants(d::serialize_grants(*g, *id), "serialized");
  confine::fuzz::check(back.ok() && *back == *g, "serialize_grants() output parses to the same");
  return 0;
}
