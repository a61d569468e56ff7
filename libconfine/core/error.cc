#include "core/error.h"

#include <cstring>

namespace confine {

Error Error::context(std::string_view ctx) const {
  Error e = *this;
  e.message = std::string(ctx) + ": " + message;
  return e;
}

std::string Error::describe() const {
  if (err == 0) return message;
  return message + ": " + std::strerror(err);
}

}  // namespace confine
