// The one reader of confine's line files (launch records, device grants and
// rules, hw-assign files): '\n'-terminated lines, numbered from 1 for
// messages ("<file>:<line>: ..."). A last line without its newline is not
// a line: the file was cut short, and each caller refuses it.
#pragma once

#include <string_view>

namespace confine {

class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  // The next line, without its '\n'. False at the end of the text, and when
  // what is left has no final newline (then unterminated() is true and
  // lineno() is that line's number).
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    ++lineno_;
    const size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) {
      unterminated_ = true;
      return false;
    }
    line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return true;
  }
  int lineno() const { return lineno_; }
  bool unterminated() const { return unterminated_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int lineno_ = 0;
  bool unterminated_ = false;
};

}  // namespace confine
