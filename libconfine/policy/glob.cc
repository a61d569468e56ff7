#include "policy/glob.h"

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <unordered_set>

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
                                             "@{CONFINE_APP_TMPDIR}",
                                             "@{CONFINE_APP_RUNTIME_PATH}", "@{HOME}"};
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
    const auto& vars = path_variables();
    auto it = std::find_if(vars.begin(), vars.end(), [&](const std::string& v) {
      return p.starts_with(v) && (p.size() == v.size() || p[v.size()] == '/');
    });
    if (it == vars.end())
      return "must be absolute or start with @{CONFINE_APP_PATH}, @{CONFINE_APP_DATA_PATH}, "
             "@{CONFINE_APP_USER_DATA_PATH}, @{CONFINE_APP_TMPDIR}, @{CONFINE_APP_RUNTIME_PATH} "
             "or @{HOME} followed by '/'";
    i = it->size();
  } else if (p.front() != '/') {
    return "must be absolute or start with a @{...} path variable";
  }

  int braces = 0;
  std::string problem;
  for (; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '@' && i + 1 < p.size() && p[i + 1] == '{') {
      const auto& vars = inner_variables();
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

namespace {

// Index just past the '}' matching the '{' at g[open], or npos.
size_t brace_end(std::string_view g, size_t open) {
  int depth = 0;
  for (size_t i = open; i < g.size(); ++i) {
    if (g[i] == '{') ++depth;
    if (g[i] == '}' && --depth == 0) return i + 1;
  }
  return std::string_view::npos;
}

// Matches one '[...]' class at g[i] against c; sets `next` past it.
bool class_matches(std::string_view g, size_t i, char c, size_t& next) {
  size_t j = i + 1;
  bool negate = j < g.size() && g[j] == '^';
  if (negate) ++j;
  bool hit = false;
  for (; j < g.size() && g[j] != ']'; ++j) {
    if (j + 2 < g.size() && g[j + 1] == '-' && g[j + 2] != ']') {
      hit = hit || (c >= g[j] && c <= g[j + 2]);
      j += 2;
    } else {
      hit = hit || c == g[j];
    }
  }
  next = j + 1;
  return j < g.size() && c != '/' && hit != negate;
}

// The (rest of glob, rest of path, prev is '/') states already known not to
// match. Without it every '*' retries every split of the path for each later
// '*' and each '{' alternative: exponential in the glob, and `confine
// explain` matches globs against paths that come from the app's audit lines.
// Only failures are remembered (a success returns at once). Every glob
// matched is the caller's or one of `alternatives` (interned: one string per
// content, kept until the end), so where its rest starts and its length name
// it; the path is always a suffix of the one given, so its length names it.
struct MatchState {
  std::set<std::tuple<const char*, size_t, size_t, bool>> failed;
  std::unordered_set<std::string> alternatives;
};
bool match_uncached(std::string_view g, std::string_view p, char prev, MatchState& st);

// `prev` is the glob character matched just before g (AppArmor: a '*' or
// '**' right after '/' must match at least one character, so "/dir/*" and
// "/dir/**" do not match "/dir/" itself; "/dir/{,**}" does).
bool match(std::string_view g, std::string_view p, char prev, MatchState& st) {
  const auto key = std::make_tuple(g.data(), g.size(), p.size(), prev == '/');
  if (st.failed.contains(key)) return false;
  const bool hit = match_uncached(g, p, prev, st);
  if (!hit) st.failed.insert(key);
  return hit;
}

bool match_uncached(std::string_view g, std::string_view p, char prev, MatchState& st) {
  while (!g.empty()) {
    const char c = g[0];
    if (c == '{') {
      // Try each alternative followed by the rest of the glob.
      const size_t end = brace_end(g, 0);
      if (end == std::string_view::npos) return false;
      std::string_view body = g.substr(1, end - 2), rest = g.substr(end);
      int depth = 0;
      size_t start = 0;
      for (size_t i = 0; i <= body.size(); ++i) {
        if (i < body.size() && body[i] == '{') ++depth;
        if (i < body.size() && body[i] == '}') --depth;
        if (i == body.size() || (body[i] == ',' && depth == 0)) {
          const std::string& alt =
              *st.alternatives.insert(std::string(body.substr(start, i - start)) + std::string(rest))
                   .first;
          if (match(alt, p, prev, st)) return true;
          start = i + 1;
        }
      }
      return false;
    }
    if (c == '*') {
      const bool any = g.size() > 1 && g[1] == '*';
      std::string_view rest = g.substr(any ? 2 : 1);
      // Stars after "**" add nothing: it already matches any characters.
      if (any)
        while (!rest.empty() && rest[0] == '*') rest.remove_prefix(1);
      for (size_t n = prev == '/' ? 1 : 0; n <= p.size(); ++n) {
        if (n > 0 && p[n - 1] == '/' && !any) return false;
        if (match(rest, p.substr(n), '*', st)) return true;
      }
      return false;
    }
    if (p.empty()) return false;
    prev = c;
    if (c == '?') {
      if (p[0] == '/') return false;
      g.remove_prefix(1);
    } else if (c == '[') {
      size_t next = 0;
      if (!class_matches(g, 0, p[0], next)) return false;
      g.remove_prefix(next);
    } else {
      if (c != p[0]) return false;
      g.remove_prefix(1);
    }
    p.remove_prefix(1);
  }
  return p.empty();
}

}  // namespace

bool glob_matches(std::string_view glob, std::string_view path) {
  // Not validated with glob_problem(): explain matches globs whose variables
  // were replaced by alternatives ("{/root,/home/*}/..."). Unbalanced braces
  // or classes never match.
  MatchState st;
  return match(glob, path, '\0', st);
}

std::optional<std::pair<std::string, std::string>> simple_file_rule(std::string line) {
  for (const char* q : {"audit ", "owner "})
    if (line.starts_with(q)) line = line.substr(std::string(q).size());
  if (line.empty() || (line[0] != '/' && !line.starts_with("@{")) || !line.ends_with(","))
    return std::nullopt;
  size_t sp = line.rfind(' ');
  if (sp == std::string::npos) return std::nullopt;
  return std::make_pair(line.substr(0, sp), line.substr(sp + 1, line.size() - sp - 2));
}

std::vector<std::string> expand_braces(const std::string& glob, size_t limit, bool& complete) {
  complete = true;
  std::vector<std::string> todo{glob}, out;
  while (!todo.empty()) {
    std::string g = std::move(todo.back());
    todo.pop_back();
    size_t open = g.find('{');
    while (open != std::string::npos && open > 0 && g[open - 1] == '@')  // a variable, @{NAME}
      open = g.find('{', open + 1);
    const size_t end = open == std::string::npos ? open : brace_end(g, open);
    if (open == std::string::npos || end == std::string::npos) {
      if (out.size() == limit) {
        complete = false;
        return out;
      }
      out.push_back(std::move(g));
      continue;
    }
    const std::string body = g.substr(open + 1, end - open - 2);
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i <= body.size(); ++i) {
      if (i < body.size() && body[i] == '{') ++depth;
      if (i < body.size() && body[i] == '}') --depth;
      if (i == body.size() || (body[i] == ',' && depth == 0)) {
        todo.push_back(g.substr(0, open) + body.substr(start, i - start) + g.substr(end));
        start = i + 1;
      }
    }
  }
  return out;
}

}  // namespace confine::policy
