// Fault injection for the test build (cmake -DCONFINE_FAULT_INJECTION=ON).
//
// Every launch step and every file write, rename and load of the install
// pipeline passes a named fault point. In the test build the Nth point a
// process passes fails (CONFINE_FAULT_AT=N), and CONFINE_FAULT_TRACE=FILE
// appends "<n> <name>" for each point passed, so a test can enumerate them
// and fail each in turn (tests/unit/fault). In every other build these
// functions are empty inline functions: the shipped binaries contain no
// fault code and read no environment variable for it.
#pragma once

#include "core/error.h"

namespace confine {

#if CONFINE_FAULT_INJECTION
// An error (EIO, "injected fault at <name><detail>") when this call is the
// one to fail. `detail` names the instance (a step's name) without the
// caller building a string in the shipped build.
Status fault_point(const char* name, const char* detail = "");
// The same for code that reports errors by throwing ConfineError. Defined
// in confine_install (install/throwing.cc): confine-run cannot call it.
void fault_point_or_throw(const char* name, const char* detail = "");
#else
inline Status fault_point(const char*, const char* = "") {
  return Status::Ok();
}
inline void fault_point_or_throw(const char*, const char* = "") {}
#endif

}  // namespace confine
