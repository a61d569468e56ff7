// Names and APP_IDs: the APP argument of confine-run, record and file names.
// Never throws; whatever parses prints back as the same string.
#include "core/names.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace confine;
  const std::string s = fuzz::as_string(data, size);
  (void)check_package_name(s);
  (void)check_origin(s);
  (void)check_app_name(s);
  (void)check_version(s);
  (void)parse_package_type(s);
  if (auto k = PackageKey::parse(s)) fuzz::check(k->str() == s, "PackageKey round trip");
  if (auto id = AppId::parse(s)) {
    fuzz::check(id->str() == s, "AppId round trip");
    auto again = AppId::parse(id->str());
    fuzz::check(again.ok() && *again == *id, "AppId re-parses to itself");
  }
  if (auto ref = AppRef::parse(s)) {
    std::string back = ref->key.str() + "_" + ref->app;
    if (ref->version) back += "_" + *ref->version;
    fuzz::check(back == s, "AppRef round trip");
  }
  return 0;
}
