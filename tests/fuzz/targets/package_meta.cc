// meta/package.json of a package being installed: written by whoever made
// the package, the least trusted text confine reads. Only ConfineError may
// come out; an accepted package has valid names and contained paths.
#include "core/error.h"
#include "core/launch_record.h"
#include "fuzz_support.h"
#include "install/metadata.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace confine;
  const std::string text = fuzz::as_string(data, size);
  // A leading space means no --origin (frameworks and oem packages need none).
  const std::string origin = size > 0 && data[0] == ' ' ? "" : "example";
  try {
    install::PackageMeta m = install::parse_package_meta(text, "package.json", origin);
    fuzz::check(check_package_name(m.name).ok() && check_version(m.version).ok(),
                "valid name and version");
    for (const install::AppEntry* a : m.apps()) {
      fuzz::check(check_app_name(a->name).ok(), "valid app names");
      fuzz::check(is_contained_relative_path(a->exec), "exec stays inside the package");
      auto id = AppId::parse(m.app_id(*a).str());
      fuzz::check(id.ok(), "every app has a valid APP_ID");
    }
  } catch (const ConfineError&) {
  }
  return 0;
}
