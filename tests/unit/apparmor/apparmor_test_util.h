// Helpers shared by the AppArmor unit tests.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "apparmor/parser.h"
#include "core/config.h"
#include "core/error.h"
#include "core/names.h"
#include "test_support.h"

namespace confine::apparmor::testing_util {

inline AppId app_id() {
  return AppId{PackageKey{"foo", "acme"}, "cli", "1.0"};
}

// True when `text` has a line exactly equal to `line`.
inline bool contains_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l))
    if (l == line) return true;
  return false;
}

inline bool have_parser() {
  return !parser_path().empty();
}

// Compiles `text` with the real apparmor_parser (-Q) and checks the declared
// names; fails the test with the parser's message otherwise.
inline void expect_parser_accepts(const std::string& text, const AppId& id, const Config& c) {
  if (!have_parser()) {
    if (confine::testing::in_ci()) ADD_FAILURE() << "apparmor_parser is required under CI";
    return;
  }
  confine::testing::TempDir dir;
  const std::string path = dir / id.str();
  confine::testing::write_file(path, text);
  try {
    validate_profile(path, id, c, "test profile");
  } catch (const ConfineError& e) {
    ADD_FAILURE() << e.what() << "\n--- profile ---\n" << text;
  }
}

}  // namespace confine::apparmor::testing_util
