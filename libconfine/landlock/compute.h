// Install half of the Landlock layer: the resolved policy's file rules
// (AppArmor globs) turned into Landlock rules (directories and files).
//
// Landlock grants on a directory and everything beneath it, or on one file;
// it has no globs and no deny rules. So each glob is cut back to the
// directory before its first wildcard ("/usr/lib/**" -> "/usr/lib/",
// "/dev/pts/[0-9]*" -> "/dev/pts/"), after expanding {a,b} alternatives
// ("/{usr/,}lib/**" -> "/usr/lib/", "/lib/"). The result never grants less
// than the policy and may grant more within those directories (except
// terminals: rules below /dev/pts/ are left out, see compute.cc); deny rules
// are not expressible and stay AppArmor's (which is why Landlock is the
// filesystem layer where AppArmor is not enabled, not a replacement).
#pragma once

#include <string>
#include <vector>

#include "landlock/rules.h"
#include "policy/model.h"

namespace confine::landlock {

std::vector<Rule> compute_rules(const policy::Policy& policy);

// Where a glob is cut: its first wildcard, or a variable confine-run does
// not substitute (e.g. @{multiarch}); npos when it is all literal.
size_t literal_end(const std::string& glob);

}  // namespace confine::landlock
