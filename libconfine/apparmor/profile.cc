#include "apparmor/profile.h"

#include <algorithm>
#include <cctype>

#include "apparmor/label.h"
#include "core/error.h"
#include "core/layout.h"

namespace confine::apparmor {
namespace {

bool has_control_char(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

// Characters a path may hold unquoted. Everything else (space, ',', '#',
// '"', '=', '(', ...) would end or change the rule, so such a path is quoted.
bool plain_path_char(unsigned char c) {
  return std::isalnum(c) ||
         std::string_view("/_.-+~:@{}*?[]^!").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string describe_source(const std::string& source) {
  return source.empty() ? std::string("policy") : source;
}

// "r", "rw", "mrix", ... -> the same letters, checked: AppArmor would accept
// more (ux, px, ...) but the model only has inherit-exec, and an unconfined
// or profile-changing exec mode must never come out of a template or group.
std::string checked_access(const policy::FileRule& r) {
  const std::string& a = r.access;
  std::string out;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c == 'i' && i + 1 < a.size() && a[i + 1] == 'x') {
      out += "ix";
      ++i;
    } else if (std::string_view("rwalkm").find(c) != std::string_view::npos) {
      out += c;
    } else {
      throw ConfineError(describe_source(r.source) + ": file rule " + r.path + ": access \"" + a +
                         "\": only the letters r w a l k m and ix are allowed");
    }
  }
  if (out.empty())
    throw ConfineError(describe_source(r.source) + ": file rule " + r.path + ": empty access");
  return out;
}

// Lower-case words only: "net_raw", "inet stream", "netlink raw".
void check_words(const std::string& what, const std::string& s) {
  bool ok = !s.empty() && s.front() != ' ' && s.back() != ' ';
  for (unsigned char c : s)
    if (!(std::islower(c) || std::isdigit(c) || c == '_' || c == ' ')) ok = false;
  if (!ok) throw ConfineError(what + " \"" + s + "\": expected lower-case words");
}

// The peer expression for rules that let the app talk to itself: its own
// label, and any stack that contains it (with a global profile the app's
// tasks carry e.g. "global//&APP_ID"; the kernel sorts the components by
// name). A task whose label includes APP_ID is confined by APP_ID's profile
// at least, so it is the app. Not tied to the config, so that setting a
// global profile later needs no reinstall.
std::string self_peer(const AppId& id) {
  const std::string a = id.str();
  return "\"{" + a + "," + a + "//&**,**//&" + a + ",**//&" + a + "//&**}\"";
}

void emit_file_rule(std::string& out, const std::string& prefix, const policy::FileRule& r) {
  out += "  " + prefix + (r.audit ? "audit " : "") + quote_path(r.path) + " " + checked_access(r) +
         ",\n";
}

std::vector<std::string> tokens(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    // '(' ')' '=' split too, so that "flags=(unconfined)" yields "unconfined".
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '(' || c == ')' ||
        c == '=') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool is_transition_exec_mode(const std::string& t) {
  // Permission words are letters only. An exec mode naming p/P (another
  // profile's, e.g. a broad distribution profile), c/C (a child profile)
  // or u/U (unconfined) leaves the app's profile; only ix stays in it.
  if (t.find('x') == std::string::npos) return false;
  if (!std::all_of(t.begin(), t.end(), [](char c) {
        return std::string_view("rwaklmixpcuUPCI").find(c) != std::string_view::npos;
      }))
    return false;
  return t.find_first_of("pPcCuU") != std::string::npos;
}

}  // namespace

std::string quote_path(const std::string& path) {
  if (path.empty()) throw ConfineError("empty path in an AppArmor rule");
  if (has_control_char(path))
    throw ConfineError("path in an AppArmor rule contains a control character");
  if (path.front() != '/' && !path.starts_with("@{"))
    throw ConfineError("path \"" + path +
                       "\" in an AppArmor rule must be absolute or start with @{");
  // A ',' inside {a,b} is AppArmor alternation, not the end of the rule.
  int depth = 0;
  bool plain = true;
  for (unsigned char c : path) {
    if (c == '{')
      ++depth;
    else if (c == '}')
      --depth;
    if (!(plain_path_char(c) || (c == ',' && depth > 0))) plain = false;
  }
  if (plain) return path;
  std::string out = "\"";
  for (char c : path) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string literal_path(const std::string& path) {
  if (has_control_char(path))
    throw ConfineError("directory \"" + path + "\" contains a control character");
  std::string escaped;
  for (char c : path) {
    if (std::string_view("*?[]{}^\\\"").find(c) != std::string_view::npos) escaped += '\\';
    escaped += c;
  }
  bool plain = std::all_of(escaped.begin(), escaped.end(),
                           [](unsigned char c) { return plain_path_char(c) || c == '\\'; });
  return plain ? escaped : "\"" + escaped + "\"";
}

std::vector<std::string> variable_definitions(const AppId& id, const Config& config) {
  const Layout layout(config);
  const std::string user_data = "/.local/share/confine/" + id.key.str() + "/" + id.version;
  // The per-user tmp root is <tmp_dir>/confine/<uid>; the uid is only known
  // at launch, so the profile matches any numeric one.
  std::string tmp = literal_path(config.tmp_dir);
  bool quoted = tmp.front() == '"';
  if (quoted) tmp = tmp.substr(1, tmp.size() - 2);
  tmp += "/confine/[0-9]*/" + id.str();
  if (quoted) tmp = "\"" + tmp + "\"";
  return {
      "@{CONFINE_APP_PATH}=" + literal_path(layout.install_dir(id.key, id.version)),
      "@{CONFINE_APP_DATA_PATH}=" + literal_path(layout.data_dir(id.key, id.version)),
      // @{HOME} comes from <tunables/home>: every user's home directory.
      "@{CONFINE_APP_USER_DATA_PATH}=@{HOME}" + user_data,
      "@{CONFINE_APP_TMPDIR}=" + tmp,
      "@{CONFINE_APP_RUNTIME_PATH}=" + literal_path(Layout::runtime_dir(id.key)),
  };
}

std::string raw_profile_with_variables(const AppId& id, const std::string& raw,
                                       const Config& config) {
  std::string prelude;
  for (const auto& def : variable_definitions(id, config)) {
    const std::string name = def.substr(0, def.find('='));  // "@{CONFINE_APP_PATH}"
    // Defined by the author ("@{X}=", "@{X} =", "@{X}+="): theirs wins.
    bool defined = false;
    for (size_t at = raw.find(name); at != std::string::npos; at = raw.find(name, at + 1)) {
      size_t i = at + name.size();
      while (i < raw.size() && (raw[i] == ' ' || raw[i] == '\t')) ++i;
      if (i < raw.size() && (raw[i] == '=' || raw.compare(i, 2, "+=") == 0)) defined = true;
    }
    if (!defined) prelude += def + "\n";
  }
  if (prelude.empty()) return raw;
  return "# Variables of " + id.str() + "'s layout, added by confine install.\n" + prelude + raw;
}

void check_raw_line(const std::string& line) {
  if (has_control_char(line))
    throw ConfineError("raw AppArmor line contains a control character: \"" + line + "\"");
  std::vector<std::string> t = tokens(line);
  for (size_t i = 0; i < t.size(); ++i) {
    const std::string& w = t[i];
    if (w == "#include" || w == "include") {
      // <search path> includes only: a quoted or absolute include could read
      // any file on the installing machine into the policy.
      std::string target = i + 1 < t.size() ? t[i + 1] : "";
      if (target == "if" && i + 3 < t.size() && t[i + 2] == "exists") target = t[i + 3];
      if (target.size() < 3 || target.front() != '<' || target.back() != '>' || target[1] == '/' ||
          target.find("..") != std::string::npos)
        throw ConfineError("raw AppArmor line \"" + line +
                           "\": only includes of the form <path> are allowed");
      return;
    }
    if (!w.empty() && w.front() == '#') return;  // the rest is a comment
    if (w == "change_profile" || w == "change_hat" || w == "unconfined" ||
        w.find("->") != std::string::npos || is_transition_exec_mode(w))
      throw ConfineError("raw AppArmor line \"" + line +
                         "\": unconfined execution and profile transitions are not allowed");
  }
}

void check_device_node_path(const std::string& path) {
  auto bad = [&](const std::string& why) {
    std::string shown;
    for (unsigned char c : path) shown += c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c);
    return ConfineError("device node \"" + shown + "\": " + why);
  };
  if (!path.starts_with("/dev/")) throw bad("not an absolute path under /dev/");
  if (path.size() > 4096) throw bad("too long");
  size_t start = 1;  // after the leading '/'
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string_view comp(path.data() + start, end - start);
    if (comp.empty() || comp == "." || comp == "..")
      throw bad("empty, \".\" or \"..\" path component");
    for (unsigned char c : comp)
      if (!(std::isalnum(c) ||
            std::string_view("_.+:@-").find(static_cast<char>(c)) != std::string_view::npos))
        throw bad(
            "holds a character AppArmor would not take literally (only letters, digits "
            "and _ . + : @ - are allowed)");
    start = end + 1;
  }
}

std::string emit_profile(const AppId& id, const policy::Policy& policy, const Config& config,
                         const std::vector<AssignedDevice>& assigned) {
  std::string out;
  out += "# AppArmor profile of " + id.str() + ", generated by confine install.\n";
  for (const auto& s : policy.sources) {
    if (has_control_char(s)) throw ConfineError("policy source name contains a control character");
    out += "# from: " + s + "\n";
  }
  out += "abi <abi/3.0>,\ninclude <tunables/global>\n\n";
  for (const auto& v : variable_definitions(id, config)) out += v + "\n";
  out += "\nprofile " + profile_name(id, config) + " {\n";
  out += "  include <abstractions/base>\n";

  if (!policy.apparmor_raw.empty()) out += "\n";
  for (const auto& line : policy.apparmor_raw) {
    check_raw_line(line);
    out += "  " + line + "\n";
  }

  const policy::RuleSet& allow = policy.allow;
  const policy::RuleSet& deny = policy.deny;
  if (!allow.capabilities.empty() || !allow.network.empty()) out += "\n";
  for (const auto& c : allow.capabilities) {
    check_words("capability", c);
    out += "  capability " + c + ",\n";
  }
  for (const auto& n : allow.network) {
    check_words("network rule", n);
    out += "  network " + n + ",\n";
  }

  if (!allow.files.empty()) out += "\n";
  for (const auto& r : allow.files) emit_file_rule(out, "", r);

  // Assigned devices: literal node paths (checked again here, whoever built
  // the list), after the policy's own rules and before the denies, which
  // still win.
  std::string devices;
  for (const auto& d : assigned) {
    check_device_node_path(d.path);
    std::string access;
    for (char c : d.access)
      if (c != 'r' && c != 'w' && c != 'm')
        throw ConfineError("device node " + d.path + ": access \"" + d.access +
                           "\": only the letters r w m are allowed");
    if (d.access.find('r') != std::string::npos) access += "r";
    if (d.access.find('w') != std::string::npos) access += "wk";
    if (!access.empty()) devices += "  " + d.path + " " + access + ",\n";
  }
  if (!devices.empty())
    out += "\n  # Devices assigned to " + id.key.str() + " with confine hw-assign.\n" + devices;

  // Deny rules win over any allow, including ones from abstractions.
  if (!deny.files.empty() || !deny.capabilities.empty() || !deny.network.empty()) out += "\n";
  for (const auto& r : deny.files) emit_file_rule(out, "deny ", r);
  for (const auto& c : deny.capabilities) {
    check_words("capability", c);
    out += "  deny capability " + c + ",\n";
  }
  for (const auto& n : deny.network) {
    check_words("network rule", n);
    out += "  deny network " + n + ",\n";
  }

  // abstractions/base grants every profile the encrypted home (owner
  // ~/.Private/** mrixwlk): never an app's, whatever its policy says.
  out += "\n  deny @{HOME}/.Private/** mrwlkx,\n";
  out += "  deny @{HOMEDIRS}/.ecryptfs/*/.Private/** mrwlkx,\n";

  // The app may signal, inspect and talk to its own processes (and only
  // those): multi-process apps need it, other labels stay out of reach.
  const std::string peer = self_peer(id);
  out += "\n  signal (send, receive) peer=" + peer + ",\n";
  // abstractions/base lets every profile probe every process's existence
  // (kill(pid, 0): signal set "exists"); not the system's unconfined ones.
  out += "  deny signal (send) set=(\"exists\") peer=unconfined,\n";
  out += "  ptrace (read, readby) peer=" + peer + ",\n";
  out += "  unix peer=(label=" + peer + "),\n";
  out += "}\n";
  return out;
}

}  // namespace confine::apparmor
