// Errors for both paths.
//
// The install path (confine) may throw ConfineError; messages already carry
// the file and field they are about. The launch path (confine-run) never
// throws on purpose: each step returns a Status, read top to bottom as "do the
// step, or fail", and the launcher stops at the first error with exit 125.
// Everything in confine_core and confine_launch returns Status or Result;
// the helpers that turn one into an exception (throw_if_error,
// value_or_throw, fault_point_or_throw) are defined in confine_install, so a
// launch-path call to one is a link error of confine-run.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace confine {

// What failed, with the errno captured where it happened (0 when none).
struct Error {
  int err = 0;
  std::string message;
  // The exit status this error calls for where the code that made it knows
  // better than its caller (confine-run's 126 and 127); 0: the caller's own.
  int exit_status = 0;

  // Captures errno-style code `e` with a description of the failed operation.
  static Error from_errno(int e, std::string what) { return Error{e, std::move(what), 0}; }
  // Prepends context: "ctx: message". Keeps the errno.
  Error context(std::string_view ctx) const;
  // "message: strerror(err)" (or just the message when err == 0).
  std::string describe() const;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : error_(std::move(e)) {}  // NOLINT: implicit on purpose
  static Status Ok() { return Status(); }
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }
  Status context(std::string_view ctx) const {
    return ok() ? Status() : Status(error_->context(ctx));
  }

 private:
  std::optional<Error> error_;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT
  Result(Error e) : v_(std::move(e)) {}      // NOLINT
  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<Error>(v_); }
  Status status() const { return ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

// Thrown on the install path for bad input or failed operations. what() is the
// complete user-facing message without the "<command>: error: " prefix.
class ConfineError : public std::runtime_error {
 public:
  explicit ConfineError(const std::string& msg, int err = 0) : std::runtime_error(msg), err_(err) {}
  // what() is e.describe(), already ending in strerror: err() is 0 so that
  // it is not printed twice.
  explicit ConfineError(const Error& e) : std::runtime_error(e.describe()), err_(0) {}
  int err() const { return err_; }

 private:
  int err_;
};

// Throws ConfineError when `s` failed; for install-path code calling shared
// Status-returning helpers. Defined in confine_install (install/throwing.cc).
void throw_if_error(const Status& s);
template <class T>
T value_or_throw(Result<T> r) {
  throw_if_error(r.status());
  return std::move(r).value();
}

}  // namespace confine
