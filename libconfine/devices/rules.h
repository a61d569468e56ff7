// Device rules: which device nodes an app may open, in the one text format
// shared by every file the launcher reads about devices.
//
// A rule line is `TYPE MAJOR:MINOR ACCESS`, e.g. `c 1:3 rwm` or `c 116:* rw`:
//   TYPE    `c` (character) or `b` (block)
//   MAJOR   0..4095, or `*` (any major)
//   MINOR   0..1048575, or `*` (any minor)
//   ACCESS  one or more of `r` (read), `w` (write), `m` (mknod), each at most once
// Blank lines and lines starting with `#` are comments. Anything else is an
// error naming the file and line: a rule the launcher cannot read must stop
// the launch, never be skipped.
//
// The rule list an app gets at launch is default_rules() + the package's
// assignments (<policy_dir>/devices/<KEY>, written by `confine hw-assign`) +
// the devices its policy grants (<policy_dir>/grants/<APP_ID>).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace confine::devices {

// Access bits, the same values as the kernel's BPF_DEVCG_ACC_* (and the
// letters of the v1 devices.allow format).
enum : uint8_t {
  kAccessMknod = 1,
  kAccessRead = 2,
  kAccessWrite = 4,
  kAccessAll = 7,
};

inline constexpr int kAny = -1;
inline constexpr int kMaxMajor = 4095;     // MAJOR() of a 32-bit dev_t
inline constexpr int kMaxMinor = 1048575;  // MINOR() of a 32-bit dev_t
inline constexpr size_t kMaxRules = 4096;  // per launch, all sources together

struct DeviceRule {
  char type = 'c';  // 'c' or 'b'
  int major = kAny;
  int minor = kAny;
  uint8_t access = kAccessRead | kAccessWrite;

  // Same device selector (type, major, minor), whatever the access.
  bool same_device(const DeviceRule& o) const {
    return type == o.type && major == o.major && minor == o.minor;
  }
  bool operator==(const DeviceRule&) const = default;
};

// The devices every app may use: /dev/null, /dev/zero, /dev/full,
// /dev/random, /dev/urandom, /dev/tty, /dev/ptmx and the pty slaves
// (majors 136-143). Read and write; no mknod.
const std::vector<DeviceRule>& default_rules();

// "c 1:3 rwm". Allocates: not for use between the last allocation and exec.
std::string format_rule(const DeviceRule& r);
// "rwm" letters of `access` in that order.
std::string format_access(uint8_t access);
// Parses "rw", "rwm", ... (each letter at most once, at least one).
Result<uint8_t> parse_access(std::string_view s);
// Parses one rule (no comment, no surrounding blanks). Errors quote `line`.
Result<DeviceRule> parse_rule(std::string_view line);
// Parses a whole rules file (at most kMaxRules rules); errors are
// "<origin>:<line>: <problem>".
Result<std::vector<DeviceRule>> parse_rules(std::string_view text, const std::string& origin);

}  // namespace confine::devices
