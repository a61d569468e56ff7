#include "devices/rules.h"

#include <charconv>

#include "core/lines.h"

namespace confine::devices {
namespace {

// Parses a decimal number in [0, max] or "*" (kAny). No signs, no leading
// zeros beyond a lone "0", so that each rule has one spelling.
bool parse_number(std::string_view s, int max, int& out) {
  if (s == "*") {
    out = kAny;
    return true;
  }
  if (s.empty() || s.size() > 7 || (s.size() > 1 && s[0] == '0')) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > max) return false;
  out = v;
  return true;
}

std::string number(int v) {
  return v == kAny ? "*" : std::to_string(v);
}

}  // namespace

const std::vector<DeviceRule>& default_rules() {
  constexpr uint8_t rw = kAccessRead | kAccessWrite;
  static const std::vector<DeviceRule> rules = {
      {'c', 1, 3, rw},                                                   // /dev/null
      {'c', 1, 5, rw},                                                   // /dev/zero
      {'c', 1, 7, rw},                                                   // /dev/full
      {'c', 1, 8, rw},                                                   // /dev/random
      {'c', 1, 9, rw},                                                   // /dev/urandom
      {'c', 5, 0, rw},                                                   // /dev/tty
      {'c', 5, 2, rw},                                                   // /dev/ptmx
      {'c', 136, kAny, rw}, {'c', 137, kAny, rw}, {'c', 138, kAny, rw},  // pty slaves
      {'c', 139, kAny, rw}, {'c', 140, kAny, rw}, {'c', 141, kAny, rw},  // (Unix98,
      {'c', 142, kAny, rw}, {'c', 143, kAny, rw},                        //  /dev/pts/N)
  };
  return rules;
}

std::string format_access(uint8_t access) {
  std::string s;
  if (access & kAccessRead) s += 'r';
  if (access & kAccessWrite) s += 'w';
  if (access & kAccessMknod) s += 'm';
  return s;
}

std::string format_rule(const DeviceRule& r) {
  return std::string(1, r.type) + " " + number(r.major) + ":" + number(r.minor) + " " +
         format_access(r.access);
}

Result<uint8_t> parse_access(std::string_view s) {
  uint8_t bits = 0;
  for (char c : s) {
    uint8_t b = c == 'r' ? kAccessRead : c == 'w' ? kAccessWrite : c == 'm' ? kAccessMknod : 0;
    if (b == 0 || (bits & b))
      return Error{EINVAL, "invalid device access \"" + std::string(s) +
                               "\": use each of r, w, m at most once"};
    bits |= b;
  }
  if (bits == 0) return Error{EINVAL, "empty device access: use r, w and/or m"};
  return bits;
}

Result<DeviceRule> parse_rule(std::string_view line) {
  auto bad = [&](const std::string& why) {
    return Error{EINVAL, "invalid device rule \"" + std::string(line) + "\": " + why};
  };
  // Exactly three fields separated by single spaces.
  auto sp1 = line.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return bad("expected \"TYPE MAJOR:MINOR ACCESS\", e.g. \"c 1:3 rw\"");
  std::string_view type = line.substr(0, sp1);
  std::string_view dev = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view acc = line.substr(sp2 + 1);
  DeviceRule r;
  if (type != "c" && type != "b") return bad("type must be c or b");
  r.type = type[0];
  auto colon = dev.find(':');
  if (colon == std::string_view::npos) return bad("expected MAJOR:MINOR");
  if (!parse_number(dev.substr(0, colon), kMaxMajor, r.major))
    return bad("major must be 0.." + std::to_string(kMaxMajor) + " or *");
  if (!parse_number(dev.substr(colon + 1), kMaxMinor, r.minor))
    return bad("minor must be 0.." + std::to_string(kMaxMinor) + " or *");
  auto a = parse_access(acc);
  if (!a) return bad(a.error().message);
  r.access = *a;
  return r;
}

Result<std::vector<DeviceRule>> parse_rules(std::string_view text, const std::string& origin) {
  std::vector<DeviceRule> rules;
  LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    const int lineno = lines.lineno();
    if (line.empty() || line[0] == '#') continue;
    auto r = parse_rule(line);
    if (!r) return Error{EINVAL, origin + ":" + std::to_string(lineno) + ": " + r.error().message};
    if (rules.size() >= kMaxRules)
      return Error{E2BIG, origin + ": more than " + std::to_string(kMaxRules) + " device rules"};
    rules.push_back(*r);
  }
  if (lines.unterminated())
    return Error{EINVAL, origin + ":" + std::to_string(lines.lineno()) + ": missing final newline"};
  return rules;
}

}  // namespace confine::devices
