// Landlock rules of an app: the artifact <policy_dir>/landlock/<APP_ID>
// that `confine install` writes and confine-run reads (shared format).
//
//   confine-landlock 1
//   <rights> <path>
//   ...
//
// <rights> are letters: r read files (and list directories beneath),
// l list the directory itself only, w write/create/remove beneath,
// x execute (and map executable) beneath. <path> is absolute or starts with
// one of the launch-time variables below, and names a directory (ending in
// '/': the rule covers everything beneath it) or a file, or ends in
// kNonDotEntries: "DIR/[^.]*" stands for every entry of DIR whose name does
// not start with '.', each granted (beneath, for directories) at launch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace confine::landlock {

struct Rule {
  std::string rights;  // subset of "lrwx", in that order
  std::string path;
  bool operator==(const Rule&) const = default;
};

// The variables a path may start with; confine-run substitutes the app's
// directories, the user's home and /proc. Not @{pid}: AppArmor's @{pid}
// is any process (the app's children too), so it is cut like a wildcard.
const std::vector<std::string>& launch_variables();

std::string serialize(const std::vector<Rule>& rules);
// Strict: header, known letters, absolute or variable paths, no "..", no
// control characters, at most kMaxRules rules. `origin` names the file.
Result<std::vector<Rule>> parse(const std::string& text, const std::string& origin);

inline constexpr size_t kMaxRules = 512;
inline constexpr char kNonDotEntries[] = "[^.]*";
// At most this many entries of one kNonDotEntries directory get a rule; the
// rest get none (fewer rights, never more), and confine-run says so.
inline constexpr size_t kMaxNonDotEntries = 256;

// The rights a rule grants, as LANDLOCK_ACCESS_FS_* bits, for a directory
// or a file, limited to what `handled` contains.
uint64_t access_bits(const std::string& rights, bool directory, uint64_t handled);
// Every filesystem right the given ABI knows.
uint64_t handled_for_abi(int abi);

}  // namespace confine::landlock
