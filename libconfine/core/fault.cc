#include "core/fault.h"

#if CONFINE_FAULT_INJECTION
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace confine {
namespace {

struct FaultState {
  long passed = 0;
  long fail_at = 0;    // 0: never
  int trace_fd = -1;   // opened on first use, kept (the launch may lose access later)
  FaultState() {
    if (const char* at = std::getenv("CONFINE_FAULT_AT")) fail_at = std::strtol(at, nullptr, 10);
    if (const char* t = std::getenv("CONFINE_FAULT_TRACE"))
      trace_fd = ::open(t, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  }
};

FaultState& state() {
  static FaultState s;
  return s;
}

}  // namespace

Status fault_point(const char* name, const char* detail) {
  FaultState& s = state();
  ++s.passed;
  const std::string point = std::string(name) + detail;
  if (s.trace_fd >= 0) {
    std::string line = std::to_string(s.passed) + " " + point + "\n";
    if (::write(s.trace_fd, line.data(), line.size()) < 0) {
      // The trace is the test's; a failed write shows as a missing point.
    }
  }
  if (s.passed != s.fail_at) return Status::Ok();
  return Error::from_errno(EIO, "injected fault at " + point);
}

}  // namespace confine
#endif
