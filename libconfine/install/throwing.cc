// The install path's bridge from Status to exceptions (core/error.h). Kept
// out of confine_core so that confine-run, which never links
// confine_install, cannot throw through them.
#include "core/error.h"
#include "core/fault.h"

namespace confine {

void throw_if_error(const Status& s) {
  if (!s.ok()) throw ConfineError(s.error());
}

#if CONFINE_FAULT_INJECTION
void fault_point_or_throw(const char* name, const char* detail) {
  if (Status s = fault_point(name, detail); !s)
    throw ConfineError(s.error().message, s.error().err);
}
#endif

}  // namespace confine
