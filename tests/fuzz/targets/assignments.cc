// The device assignments file (<policy_dir>/devices/<KEY>) that
// `confine hw-assign` maintains: rules with the #node lines AppArmor needs.
// read_assignments may reject a file only with ConfineError.
#include "core/config.h"
#include "core/error.h"
#include "core/layout.h"
#include "devices/assignments.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace confine;
  static const Config config = [] {
    Config c;
    c.policy_dir = fuzz::scratch_dir() + "/policy";
    fuzz::make_dir(c.policy_dir);
    fuzz::make_dir(c.policy_dir + "/devices");
    return c;
  }();
  const Layout layout(config);
  const PackageKey key{"fuzz", "example"};
  fuzz::put_file(layout.device_assignments(key), fuzz::as_string(data, size));
  try {
    for (const devices::Assignment& a : devices::read_assignments(layout, key))
      for (const std::string& node : a.nodes) fuzz::check(node.starts_with("/dev/"), "nodes are under /dev/");
  } catch (const ConfineError&) {
  }
  return 0;
}
