// The grants file: what an app's policy grants beyond the defaults, written
// by `confine install` (devices/install_step.h) to
// <policy_dir>/grants/<APP_ID> and read at every launch by the device step
// (its devices) and the privileges step (its capabilities).
//
// Format: the device rule lines of devices/rules.h, plus lines
//   capability NAME      (NAME as in capabilities(7), lower case, no "cap_")
// A launch record listing the "devices" layer promises this file exists.
#pragma once

#include <string>
#include <vector>

#include "core/capabilities.h"
#include "core/config.h"
#include "core/error.h"
#include "core/names.h"
#include "devices/rules.h"

namespace confine::devices {

inline constexpr size_t kMaxGrantsFile = size_t{256} * 1024;

struct Grants {
  CapSet capabilities = 0;
  std::vector<DeviceRule> devices;
  bool operator==(const Grants&) const = default;
};

// <policy_dir>/grants and <policy_dir>/grants/<APP_ID>.
std::string grants_dir(const Config& c);
std::string grants_path(const Config& c, const AppId& id);

std::string serialize_grants(const Grants& g, const AppId& id);
// Strict: unknown capability names, bad rules and unknown keywords are
// errors naming `origin` and the line.
Result<Grants> parse_grants(std::string_view text, const std::string& origin);
// Reads the file through read_trusted (root-owned all the way up).
Result<Grants> read_grants(const Config& c, const AppId& id);

}  // namespace confine::devices
