// LineReader: the line files' one reader. A file cut short (no final
// newline) never yields its partial last line.
#include "core/lines.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace confine {
namespace {

std::vector<std::string> all(LineReader& r) {
  std::vector<std::string> out;
  std::string_view line;
  while (r.next(line)) out.emplace_back(line);
  return out;
}

TEST(LineReader, NumbersEveryLineEmptyOnesToo) {
  LineReader r("a=1\n\n#c\n");
  EXPECT_EQ(all(r), (std::vector<std::string>{"a=1", "", "#c"}));
  EXPECT_EQ(r.lineno(), 3);
  EXPECT_FALSE(r.unterminated());
  LineReader empty("");
  EXPECT_TRUE(all(empty).empty());
  EXPECT_FALSE(empty.unterminated());
}

TEST(LineReader, AFileCutShortNeverYieldsItsLastLine) {
  LineReader r("format=1\nexec=bin/a");
  EXPECT_EQ(all(r), (std::vector<std::string>{"format=1"}));
  EXPECT_TRUE(r.unterminated());
  EXPECT_EQ(r.lineno(), 2);  // the line that was cut
}

}  // namespace
}  // namespace confine
