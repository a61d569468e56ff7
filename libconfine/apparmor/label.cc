#include "apparmor/label.h"

namespace confine::apparmor {

std::string profile_name(const AppId& id, const Config& config) {
  if (config.apparmor_namespace.empty()) return id.str();
  return ":" + config.apparmor_namespace + ":" + id.str();
}

std::string launch_label(const AppId& id, const Config& config) {
  std::string app = profile_name(id, config);  // not const: returned by move
  if (config.global_profile.empty()) return app;
  // The kernel resolves the components of a stacked label left to right, and
  // a component naming a namespace makes it the base for the ones after it.
  // The global profile lives in the root namespace, so with a namespace it
  // must come first. (The kernel sorts the components of the resulting label
  // itself; the order here only affects the lookup.)
  if (!config.apparmor_namespace.empty()) return config.global_profile + "//&" + app;
  return app + "//&" + config.global_profile;
}

}  // namespace confine::apparmor
