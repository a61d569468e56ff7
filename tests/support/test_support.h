// Shared test helpers.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace confine::testing {

// True when CI is set: every skip for lack of root or a kernel feature must
// then fail instead (like bubblewrap's BWRAP_MUST_WORK).
bool in_ci();

// Skips the test (or fails it when CI is set) unless `cond` holds.
#define CONFINE_REQUIRE(cond, why)                                            \
  do {                                                                        \
    if (!(cond)) {                                                            \
      if (::confine::testing::in_ci()) FAIL() << "required under CI: " << why; \
      GTEST_SKIP() << why;                                                    \
    }                                                                         \
  } while (0)

bool is_root();

// A fresh directory under the build tree (root-owned, 0755 parents, so that
// trusted-path checks pass), removed recursively on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& content, unsigned mode = 0644);
std::string read_file(const std::string& path);

// A throw-away account database for config's accounts_root: `dir`/etc with
// passwd, group, shadow and gshadow holding root and nogroup only, so that
// `confine install` adds package users there and not to the machine's.
// Returns `dir`.
std::string make_accounts_root(const std::string& dir);

// Runs argv (argv[0] a path) with `env` (the test's own environment when
// empty), capturing stdout and stderr. Returns the exit status, or 128+signal.
struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
};
RunResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
              const std::string& stdin_text = "");

// Path of a built binary ("confine", "confine-run") and of the source tree.
std::string build_path(const std::string& rel);
std::string source_path(const std::string& rel);

}  // namespace confine::testing
