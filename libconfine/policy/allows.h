// Which access classes (core/coverage.h) an app's seccomp policy lets
// through: seccomp holds a class for the app only where its filter refuses
// every syscall of it. `confine install` writes the answer into the launch
// record; confine-run, `confine policy` and `check` read it.
#pragma once

#include <vector>

#include "core/coverage.h"
#include "policy/model.h"

namespace confine::policy {

// `effective` is Policy::effective(). Raw seccomp policy (the app's own
// filter text) is not analysed: pass `raw_seccomp` and every class counts as
// let through.
std::vector<AccessClass> seccomp_allowed_classes(const Policy& effective, bool raw_seccomp);

}  // namespace confine::policy
