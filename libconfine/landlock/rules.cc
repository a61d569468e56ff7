#include "landlock/rules.h"

#include <linux/landlock.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sstream>

namespace confine::landlock {
namespace {

constexpr const char* kHeader = "confine-landlock 1";

// Newer than Debian 12's linux-libc-dev (6.1).
constexpr uint64_t kTruncate = 1ULL << 14;  // ABI 3
constexpr uint64_t kIoctlDev = 1ULL << 15;  // ABI 5

constexpr uint64_t kRead = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
constexpr uint64_t kWriteFile = LANDLOCK_ACCESS_FS_WRITE_FILE | kTruncate | kIoctlDev;
constexpr uint64_t kWriteDir = LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                               LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
                               LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
                               LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER;
constexpr uint64_t kFileRights = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                                 LANDLOCK_ACCESS_FS_READ_FILE | kTruncate | kIoctlDev;

}  // namespace

const std::vector<std::string>& launch_variables() {
  static const std::vector<std::string> v = {"@{CONFINE_APP_PATH}",
                                             "@{CONFINE_APP_DATA_PATH}",
                                             "@{CONFINE_APP_USER_DATA_PATH}",
                                             "@{CONFINE_APP_TMPDIR}",
                                             "@{CONFINE_APP_RUNTIME_PATH}",
                                             "@{HOME}",
                                             "@{PROC}"};
  return v;
}

std::string serialize(const std::vector<Rule>& rules) {
  std::string out = std::string(kHeader) + "\n";
  for (const auto& r : rules) out += r.rights + " " + r.path + "\n";
  return out;
}

Result<std::vector<Rule>> parse(const std::string& text, const std::string& origin) {
  std::vector<Rule> rules;
  std::istringstream in(text);
  std::string line;
  auto bad = [&](size_t n, const std::string& problem) {
    return Error::from_errno(EINVAL, origin + ":" + std::to_string(n) + ": " + problem);
  };
  if (!std::getline(in, line) || line != kHeader) return bad(1, "not a confine-landlock 1 file");
  for (size_t n = 2; std::getline(in, line); ++n) {
    size_t sp = line.find(' ');
    if (sp == std::string::npos || sp == 0) return bad(n, "expected \"RIGHTS PATH\"");
    Rule r{line.substr(0, sp), line.substr(sp + 1)};
    std::string order = "lrwx";
    size_t at = 0;
    for (char c : r.rights) {
      size_t i = order.find(c, at);
      if (i == std::string::npos) return bad(n, "bad rights \"" + r.rights + "\"");
      at = i + 1;
    }
    for (unsigned char c : r.path)
      if (c < 0x20 || c == 0x7f) return bad(n, "control character in the path");
    bool var = false;
    for (const auto& v : launch_variables()) var = var || r.path.starts_with(v);
    if (r.path.empty() || (r.path[0] != '/' && !var)) return bad(n, "path not absolute");
    if (r.path.find("/../") != std::string::npos || r.path.ends_with("/.."))
      return bad(n, "\"..\" in the path");
    if (rules.size() == kMaxRules) return bad(n, "too many rules");
    rules.push_back(std::move(r));
  }
  return rules;
}

uint64_t handled_for_abi(int abi) {
  if (abi <= 0) return 0;
  uint64_t h = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;  // ABI 1: bits 0..12
  if (abi >= 2) h |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) h |= kTruncate;
  if (abi >= 5) h |= kIoctlDev;
  return h;
}

uint64_t access_bits(const std::string& rights, bool directory, uint64_t handled) {
  uint64_t a = 0;
  for (char c : rights) {
    switch (c) {
      case 'l':
        a |= LANDLOCK_ACCESS_FS_READ_DIR;
        break;
      case 'r':
        a |= kRead;
        break;
      case 'w':
        a |= kWriteFile | kWriteDir;
        break;
      case 'x':
        a |= LANDLOCK_ACCESS_FS_EXECUTE;
        break;
      default:
        break;
    }
  }
  if (!directory) a &= kFileRights;  // the kernel refuses directory rights on a file
  return a & handled;
}

}  // namespace confine::landlock
