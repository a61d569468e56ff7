#include "landlock/compute.h"

#include <map>

#include "policy/glob.h"

namespace confine::landlock {
namespace {

constexpr const char* kPtsDir = "/dev/pts/";
constexpr const char* kNonDotTree = "[^.]**";

// AppArmor access letters -> our rights letters, plus 'm' for a map-only
// rule (resolved by compute_rules). A literal directory ("/usr/ r") grants
// listing it (Landlock: listing beneath it).
std::string rights_for(const std::string& access, bool dir_literal) {
  const bool r = access.find('r') != std::string::npos;
  const bool w = access.find_first_of("wa") != std::string::npos;
  const bool x = access.find('x') != std::string::npos;  // ix, px, ux, cx
  const bool m = access.find('m') != std::string::npos;
  if (dir_literal) return r ? "l" : "";  // "/dir/ r": list it, nothing beneath
  std::string out;
  if (r) out += 'r';
  if (w) out += 'w';
  if (x) out += 'x';
  if (m && !x) out += 'm';
  return out;
}

void add(std::map<std::string, std::string>& rules, const std::string& path,
         const std::string& rights) {
  std::string& have = rules[path];
  std::string merged;
  for (char c : std::string("lrwxm"))
    if (have.find(c) != std::string::npos || rights.find(c) != std::string::npos) merged += c;
  have = merged;
}

}  // namespace

size_t literal_end(const std::string& g) {
  for (size_t i = 0; i < g.size(); ++i) {
    if (g[i] == '*' || g[i] == '?' || g[i] == '[') return i;
    if (g.compare(i, 2, "@{") == 0) {
      bool known = false;
      for (const auto& v : launch_variables())
        if (g.compare(i, v.size(), v) == 0) {
          known = true;
          i += v.size() - 1;
          break;
        }
      if (!known) return i;
    }
  }
  return std::string::npos;
}

std::vector<Rule> compute_rules(const policy::Policy& policy) {
  std::vector<std::pair<std::string, std::string>> globs;
  for (const auto& f : policy.allow.files) globs.emplace_back(f.path, f.access);
  for (const auto& line : policy.apparmor_raw)
    if (auto r = policy::simple_file_rule(line)) globs.push_back(*r);

  std::map<std::string, std::string> rules;
  for (const auto& [glob, access] : globs) {
    // Terminals by name (the terminal flag's /dev/pts/[0-9]*): Landlock
    // checks opens only, never descriptors the app inherited, so it needs
    // no rule for the terminal the app was started from, and one would let
    // it open every other session's pty. (AppArmor also checks inherited
    // descriptors at exec, which is why the flag names them.)
    if (glob.starts_with(kPtsDir)) continue;
    bool complete = true;
    for (const auto& g : policy::expand_braces(glob, 256, complete)) {
      const size_t end = literal_end(g);
      std::string path;
      bool dir_literal = false;
      if (end != std::string::npos && std::string_view(g).substr(end) == kNonDotTree &&
          end > 0 && g[end - 1] == '/') {
        // "DIR/[^.]**": everything below DIR except its dot entries. Cut at
        // DIR it would grant the dot entries too (~/.ssh for the home
        // group); instead confine-run adds one rule per non-dot entry of
        // DIR at launch (rules.h, kNonDotEntries), which is exact.
        const std::string rights = rights_for(access, false);
        if (!rights.empty()) add(rules, g.substr(0, end) + kNonDotEntries, rights);
        continue;
      }
      if (end == std::string::npos) {
        path = g;
        dir_literal = path.ends_with("/");
      } else {
        path = g.substr(0, g.rfind('/', end) + 1);  // the directory before the wildcard
      }
      if (path.empty()) continue;
      const std::string rights = rights_for(access, dir_literal);
      if (!rights.empty()) add(rules, path, rights);
    }
    // More alternatives than we expand: grant the directory before the
    // first brace instead (never less than the policy).
    if (!complete) {
      const std::string g = glob.substr(0, glob.rfind('/', glob.find('{')) + 1);
      if (!g.empty()) add(rules, g, rights_for(access, false));
    }
  }
  // Map-only rules ('m': mmap PROT_EXEC, which Landlock does not check):
  // Landlock's execute right, since the kernel opens an ELF interpreter
  // (ld.so) with execute. Not where the app may write: at that directory,
  // above it (the data dirs' "mr"), or below it (a Landlock right holds for
  // the whole subtree, so "/srv/** mr" with "/srv/app/data/ rw" would let
  // the app execve what it wrote there, which AppArmor, with no ix, refuses).
  for (auto& [path, rights] : rules) {
    const size_t m = rights.find('m');
    if (m == std::string::npos) continue;
    // A rule on a path without the slash may be a directory too: its
    // rights then hold below it as well.
    auto below = [](const std::string& top, const std::string& p) {
      return p.starts_with(top.ends_with("/") ? top : top + "/") && p != top;
    };
    bool writable = false;
    for (const auto& [dir, have] : rules)
      writable = writable || (have.find('w') != std::string::npos &&
                              (dir == path || below(dir, path) || below(path, dir)));
    rights.erase(m, 1);
    if (!writable && rights.find('x') == std::string::npos) rights += 'x';
  }
  // Every rule costs the launch an open and a landlock_add_rule: leave out
  // those a directory rule above them already grants ("/usr/lib/gconv/"
  // under "/usr/lib/"). AppArmor matches resolved paths too, so a symlink
  // below the directory never needed the dropped rule.
  std::vector<Rule> out;
  for (const auto& [path, rights] : rules) {
    bool covered = false;
    for (const auto& [dir, have] : rules) {
      if (dir == path || !dir.ends_with("/") || !path.starts_with(dir)) continue;
      bool all = true;
      for (char c : rights)
        all = all && (have.find(c) != std::string::npos ||
                      (c == 'l' && have.find('r') != std::string::npos));
      covered = covered || all;
    }
    if (!covered) out.push_back(Rule{rights, path});
  }
  return out;
}

}  // namespace confine::landlock
