#include "policy/glob.h"

#include <algorithm>

namespace confine::policy {
namespace {

constexpr size_t kMaxPathLength = 4096;

const std::vector<std::string>& inner_variables() {
  static const std::vector<std::string> v = {"@{multiarch}", "@{pid}", "@{pids}", "@{tid}"};
  return v;
}

// Checks a '[...]' class starting at path[i] == '['; returns the index of
// the closing ']' or nullopt with `problem` set.
std::optional<size_t> bracket_end(std::string_view p, size_t i, std::string& problem) {
  size_t j = i + 1;
  const bool negated = j < p.size() && p[j] == '^';
  if (negated) ++j;
  const size_t first = j;
  if (j < p.size() && p[j] == ']') {
    problem = "empty '[]'";
    return std::nullopt;
  }
  for (; j < p.size(); ++j) {
    char c = p[j];
    if (c == ']') return j;
    // "[^/]" (anything but a slash) is common; a '/' in a positive class
    // would never match, since '/' separates path components.
    if ((c == '/' && !negated) || c == '[' || c == '{' || c == '}' || c == '*' || c == '?') {
      problem = std::string("'") + c + "' inside '[...]'";
      return std::nullopt;
    }
    if (c == '-' && (j == first || j + 1 >= p.size() || p[j + 1] == ']')) {
      problem = "'-' must stand between two characters inside '[...]'";
      return std::nullopt;
    }
  }
  problem = "unbalanced '['";
  return std::nullopt;
}

}  // namespace

const std::vector<std::string>& path_variables() {
  static const std::vector<std::string> v = {"@{CONFINE_APP_PATH}", "@{CONFINE_APP_DATA_PATH}",
                                             "@{CONFINE_APP_USER_DATA_PATH}",
                                             "@{CONFINE_APP_TMPDIR}", "@{HOME}"};
  return v;
}

std::optional<std::string> glob_problem(std::string_view p) {
  if (p.empty()) return "empty path";
  if (p.size() > kMaxPathLength) return "longer than 4096 characters";
  for (unsigned char c : p) {
    if (c < 0x20 || c == 0x7f) return "contains a control character";
    if (c == '"') return "contains a quote";
    if (c == '\\') return "contains a backslash (escapes are not supported)";
  }
  size_t i = 0;
  if (p.front() == '@') {
    auto& vars = path_variables();
    auto it = std::find_if(vars.begin(), vars.end(), [&](const std::string& v) {
      return p.starts_with(v) && (p.size() == v.size() || p[v.size()] == '/');
    });
    if (it == vars.end())
      return "must be absolute or start with @{CONFINE_APP_PATH}, @{CONFINE_APP_DATA_PATH}, "
             "@{CONFINE_APP_USER_DATA_PATH}, @{CONFINE_APP_TMPDIR} or @{HOME} followed by '/'";
    i = it->size();
  } else if (p.front() != '/') {
    return "must be absolute or start with a @{...} path variable";
  }

  int braces = 0;
  std::string problem;
  for (; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '@' && i + 1 < p.size() && p[i + 1] == '{') {
      auto& vars = inner_variables();
      auto it = std::find_if(vars.begin(), vars.end(),
                             [&](const std::string& v) { return p.substr(i).starts_with(v); });
      if (it == vars.end())
        return "unknown variable at offset " + std::to_string(i) +
               " (inside a path only @{pid}, @{pids}, @{tid} and @{multiarch})";
      i += it->size() - 1;
    } else if (c == '[') {
      auto end = bracket_end(p, i, problem);
      if (!end) return problem;
      i = *end;
    } else if (c == ']') {
      return "unbalanced ']'";
    } else if (c == '{') {
      ++braces;
    } else if (c == '}') {
      if (--braces < 0) return "unbalanced '}'";
    } else if (c == ',' && braces == 0) {
      return "',' outside '{...}'";
    } else if (c == '*' && p.substr(i).starts_with("***")) {
      return "'***' (use '**')";
    } else if (c == '/' && i + 1 < p.size() && p[i + 1] == '/') {
      return "empty path component '//'";
    } else if (c == '/') {
      // "." and ".." components: AppArmor matches the resolved path, so a
      // rule containing them never matches anything.
      std::string_view rest = p.substr(i + 1);
      size_t len = std::min(rest.find('/'), rest.size());
      std::string_view comp = rest.substr(0, len);
      if (comp == "." || comp == "..") return "'" + std::string(comp) + "' path component";
    }
  }
  if (braces > 0) return "unbalanced '{'";
  return std::nullopt;
}

}  // namespace confine::policy
