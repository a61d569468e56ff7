// Capabilities by name and as bit sets: the one table of names (policy
// files, grants files, --verbose reports and the launcher's own privilege
// table all use it).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace confine {

// A set of capabilities as a bit mask: bit N is CAP_N.
using CapSet = uint64_t;
constexpr CapSet cap_bit(int cap) {
  return CapSet{1} << cap;
}

// "net_raw" -> CAP_NET_RAW (names as in capabilities(7), lower case, without
// "cap_"); nullopt for a name this build does not know.
std::optional<int> capability_from_name(std::string_view name);
// CAP_NET_RAW -> "net_raw" ("" when unknown).
std::string_view capability_name(int cap);

}  // namespace confine
