// Shared helpers of the libFuzzer targets (tests/fuzz/README: tests/README.md).
//
// Each target feeds one parser arbitrary bytes. The install-path parsers may
// reject input only with ConfineError (what `confine` prints); any other
// exception, a crash, a sanitizer report, a leak or a hang is a finding. The
// launch-path parsers return Result and must not throw at all.
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace confine::fuzz {

inline std::string as_string(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Aborts (a finding) with `what` when `cond` is false: for properties such
// as "what serialize() writes, parse() reads back the same".
inline void check(bool cond, const char* what) {
  if (!cond) {
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
  }
}

// One private scratch directory per fuzzer process (parsers that read a file
// by path), made once and left for the OS: the process is short-lived.
inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/confine-fuzz-XXXXXX";
    if (!::mkdtemp(tmpl)) std::abort();
    return std::string(tmpl);
  }();
  return dir;
}

// Replaces `path` with `content` (0644).
inline void put_file(const std::string& path, std::string_view content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) std::abort();
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n <= 0) std::abort();
    done += static_cast<size_t>(n);
  }
  ::close(fd);
}

inline void make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) std::abort();
}

}  // namespace confine::fuzz
