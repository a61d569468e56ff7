#include "diagnose/explain.h"

#include <seccomp.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/launch_record.h"
#include "core/layout.h"
#include "core/names.h"
#include "install/installed.h"
#include "policy/glob.h"
#include "policy/library.h"
#include "policy/resolve.h"

namespace confine::diagnose {
namespace {

// Fields that hold strings the kernel hex-encodes when they contain spaces,
// quotes or control characters (audit_log_untrustedstring()).
const std::set<std::string> kStringFields = {"name",       "profile", "comm",  "exe",
                                             "target",     "peer",    "name2", "label",
                                             "peer_label", "srcname", "fsname"};

bool is_hex(const std::string& s) {
  return !s.empty() && s.size() % 2 == 0 &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit((unsigned char)c); });
}

std::string unhex(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2)
    out += static_cast<char>(std::strtol(s.substr(i, 2).c_str(), nullptr, 16));
  return out;
}

// ---- which app ------------------------------------------------------------

// "APP_ID", ":ns:APP_ID", ":ns://APP_ID", "global//&APP_ID" -> the parts.
std::vector<std::string> label_parts(const std::string& label) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t at = label.find("//&", start);
    std::string p = label.substr(start, at == std::string::npos ? at : at - start);
    if (p.size() > 1 && p[0] == ':') {  // a namespace prefix
      size_t end = p.find(':', 1);
      p = end == std::string::npos ? "" : p.substr(end + 1);
      if (p.starts_with("//")) p = p.substr(2);
    }
    if (!p.empty()) parts.push_back(p);
    if (at == std::string::npos) break;
    start = at + 3;
  }
  return parts;
}

// The app whose binary `exe` is, from the install layout and launch records.
std::optional<AppId> app_of_exe(const Config& c, const std::string& exe, std::string& note) {
  const std::string prefix = c.apps_dir + "/";
  if (!exe.starts_with(prefix)) {
    note =
        exe + " is not under " + c.apps_dir + ": not an app's own binary (a program an app ran?)";
    return std::nullopt;
  }
  std::string rest = exe.substr(prefix.size());
  size_t a = rest.find('/'), b = a == std::string::npos ? a : rest.find('/', a + 1);
  if (b == std::string::npos) {
    note = exe + " is not inside an installed version";
    return std::nullopt;
  }
  auto key = PackageKey::parse(rest.substr(0, a));
  const std::string version = rest.substr(a + 1, b - a - 1), rel = rest.substr(b + 1);
  if (!key) {
    note = exe + " is not inside an installed package";
    return std::nullopt;
  }
  const Layout layout(c);
  for (const auto& id : install::recorded_apps(layout, *key)) {
    if (id.version != version) continue;
    std::ifstream in(layout.launch_record(id));
    std::stringstream ss;
    ss << in.rdbuf();
    auto rec = LaunchRecord::parse(ss.str(), layout.launch_record(id));
    if (rec && rec->exec == rel) return id;
  }
  note = exe + " belongs to " + key->str() + " " + version + " but is no app's binary";
  return std::nullopt;
}

// ---- what would allow it --------------------------------------------------

// The variables of model.h and AppArmor's tunables, as globs for `id`.
std::string substitute(std::string path, const Config& c, const std::optional<AppId>& id) {
  const Layout layout(c);
  std::vector<std::pair<std::string, std::string>> vars = {
      {"@{PROC}", "/proc"}, {"@{pid}", "[0-9]*"},          {"@{pids}", "[0-9]*"},
      {"@{tid}", "[0-9]*"}, {"@{multiarch}", "*-linux-*"}, {"@{HOME}", "{/root,/home/*}"},
      {"@{sys}", "/sys"},
  };
  if (id) {
    vars.insert(vars.begin(),
                {{"@{CONFINE_APP_PATH}", layout.install_dir(id->key, id->version)},
                 {"@{CONFINE_APP_DATA_PATH}", layout.data_dir(id->key, id->version)},
                 {"@{CONFINE_APP_USER_DATA_PATH}",
                  "@{HOME}/.local/share/confine/" + id->key.str() + "/" + id->version},
                 {"@{CONFINE_APP_TMPDIR}", c.tmp_dir + "/confine/[0-9]*/" + id->str()},
                 {"@{CONFINE_APP_RUNTIME_PATH}", Layout::runtime_dir(id->key)}});
  }
  for (const auto& [name, value] : vars)
    for (size_t at = path.find(name); at != std::string::npos; at = path.find(name, at))
      path.replace(at, name.size(), value);
  return path;
}

// Whether a rule's access letters cover AppArmor's requested mask.
bool covers(const std::string& access, const std::string& requested) {
  for (char r : requested) {
    bool ok = true;
    switch (r) {
      case 'r':
        ok = access.find('r') != std::string::npos;
        break;
      case 'w':
      case 'c':
      case 'd':
        ok = access.find('w') != std::string::npos;
        break;
      case 'a':
        ok = access.find_first_of("aw") != std::string::npos;
        break;
      case 'l':
      case 'k':
      case 'm':
      case 'x':
        ok = access.find(r) != std::string::npos;
        break;
      default:
        break;  // letters without a file-rule equivalent
    }
    if (!ok) return false;
  }
  return true;
}

// What of `rules` (and raw lines) grants the access; "" = nothing.
std::string file_grant(const policy::RuleSet& rules, const std::vector<std::string>& raw,
                       const std::string& path, const std::string& requested, const Config& c,
                       const std::optional<AppId>& id) {
  for (const auto& f : rules.files)
    if (covers(f.access, requested) && policy::glob_matches(substitute(f.path, c, id), path))
      return f.path + " " + f.access + (f.source.empty() ? "" : " (" + f.source + ")");
  for (const auto& line : raw)
    if (auto r = policy::simple_file_rule(line);
        r && covers(r->second, requested) &&
        policy::glob_matches(substitute(r->first, c, id), path))
      return line;
  return "";
}

constexpr const char* kSomeArguments = " for some arguments only";

std::string syscall_grant(const policy::RuleSet& rules, const std::string& name) {
  for (const auto& s : rules.syscalls)
    if (s.name == name)
      return s.name + (s.conditions.empty() ? "" : std::string(kSomeArguments)) +
             (s.source.empty() ? "" : " from " + s.source);
  return "";
}

std::string list(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// What of a rule set (and, for allows, the raw AppArmor lines next to it)
// grants the denied operation; "" = nothing.
using Grants =
    std::function<std::string(const policy::RuleSet&, const std::vector<std::string>& raw)>;

// Which flags grant it themselves, and which groups and templates reach
// one (into `out`). `out.add_caps` gets what an app could list in its caps
// to be allowed it.
std::string shipped_grants(const policy::PolicyLibrary& lib, const Grants& grants,
                           ExplainedDenial& out) {
  auto& flags = out.flags;
  auto& groups = out.groups;
  auto& templates = out.templates;
  for (const auto* f : lib.items(policy::PolicyKind::Flag))
    if (!grants(f->rules.allow, f->rules.apparmor_raw).empty()) flags.push_back(f->name);
  for (const auto* g : lib.items(policy::PolicyKind::Group))
    if (const auto p = lib.expand(*g).effective(); !grants(p.allow, p.apparmor_raw).empty())
      groups.push_back(g->name);
  for (const auto* t : lib.items(policy::PolicyKind::Template))
    if (const auto p = lib.expand(*t).effective(); !grants(p.allow, p.apparmor_raw).empty())
      templates.push_back(t->name);
  out.add_caps = groups.empty() ? flags : groups;
  if (flags.empty() && groups.empty() && templates.empty())
    return "  no flag, group or template on this system allows it";
  std::string s = "  allowed by: flag" + std::string(flags.size() == 1 ? " " : "s ") + list(flags);
  if (!groups.empty()) s += "; group" + std::string(groups.size() == 1 ? " " : "s ") + list(groups);
  if (!templates.empty())
    s += "; template" + std::string(templates.size() == 1 ? " " : "s ") + list(templates);
  return s;
}

// What the app's own policy says, when it is installed (its kind in
// `verdict`).
std::string app_verdict(const Config& c, const AppId& id, const Grants& grants,
                        const std::vector<std::string>& caps, std::string& verdict) {
  policy::InstalledApp app;
  try {
    app = policy::resolve_installed_app(c, id);
  } catch (const ConfineError& e) {
    verdict = "unreadable";
    return std::string("  its policy cannot be read: ") + e.what();
  }
  const policy::Policy& p = app.resolved.policy;
  const std::string entry = app.app.json_path + " in " + app.meta.file;
  if (std::string d = grants(p.deny, {}); !d.empty()) {
    verdict = "denied-explicitly";
    return "  its policy denies it explicitly: " + d + " (deny overrides allow)";
  }
  if (std::string a = grants(p.allow, p.apparmor_raw); !a.empty()) {
    if (a.find(kSomeArguments) != std::string::npos) {
      verdict = "allowed-other-arguments";
      return "  its policy allows " + a +
             "; this call's arguments were not among them (see "
             "confine policy " +
             id.str() + ")";
    }
    verdict = "allowed";
    return "  its policy allows it (" + a +
           "): the denial came from another profile in a stack, or the loaded policy is older "
           "than the installed one (confine apparmor-reload)";
  }
  if (caps.empty()) {
    verdict = "override-only";
    return "  its policy does not allow it; only a security-override (" + entry + ") can";
  }
  verdict = "not-granted";
  return "  its policy does not allow it: add " + list(caps) + " (any one) to caps of " + entry;
}

std::string explain_apparmor(const Denial& d, const Config& c, const policy::PolicyLibrary& lib,
                             const std::string& where, std::vector<std::string>& errors,
                             ExplainedDenial& ex) {
  const auto& f = d.fields;
  auto need = [&](const char* k) -> const std::string* {
    auto it = f.find(k);
    if (it == f.end() || it->second.empty()) {
      errors.push_back(where + ": field \"" + k + "\": missing in an apparmor=\"DENIED\" record");
      return nullptr;
    }
    return &it->second;
  };
  const std::string* op = need("operation");
  const std::string* label = need("profile");
  if (!op || !label) return "";
  ex.layer = "apparmor";
  ex.subject = *label;
  ex.operation = *op;

  std::optional<AppId> id;
  std::string who;
  for (const auto& part : label_parts(*label)) {
    if (auto a = AppId::parse(part)) {
      id = *a;
    } else if (part == c.global_profile) {
      who = "the system-wide profile " + part + " (global_profile)";
    }
  }
  std::string what;
  Grants grants;
  if (f.contains("capname")) {
    const std::string cap = f.at("capname");
    what = "capability " + cap;
    grants = [cap](const policy::RuleSet& r, const std::vector<std::string>&) {
      return r.capabilities.contains(cap) ? "capability " + cap : std::string();
    };
  } else if (f.contains("family")) {
    const std::string fam = f.at("family");
    const std::string type = f.contains("sock_type") ? f.at("sock_type") : "";
    what = "network " + fam + (type.empty() ? "" : " " + type);
    grants = [fam, type](const policy::RuleSet& r, const std::vector<std::string>&) {
      for (const auto& n : r.network)
        if (n == fam || n == fam + " " + type) return "network " + n;
      return std::string();
    };
  } else if (f.contains("name") && f.contains("requested_mask")) {
    const std::string path = f.at("name");
    std::string mask = f.at("requested_mask");
    std::erase(mask, ':');
    what = "\"" + mask + "\" access to " + path;
    grants = [path, mask, &c, id](const policy::RuleSet& r, const std::vector<std::string>& raw) {
      return file_grant(r, raw, path, mask, c, id);
    };
  } else {
    what = "a " + (f.contains("class") ? f.at("class") : std::string("non-file")) +
           " operation (only a raw AppArmor rule in a security-override can allow it)";
  }
  ex.denied = what;
  ex.app = id;
  std::string out =
      where + ": " + *label + ": AppArmor denied " + what + " (operation " + *op + ")\n";
  if (!id && who.empty()) {
    ex.verdict = "not-an-app";
    return out + "  " + *label + " is not a confine APP_ID\n";
  }
  if (!who.empty() && !id) {
    ex.verdict = "system-wide";
    return out + "  denied by " + who + ", not by an app's policy\n";
  }
  if (!grants) return out;
  out += shipped_grants(lib, grants, ex) + "\n";
  return out + app_verdict(c, *id, grants, ex.add_caps, ex.verdict) + "\n";
}

std::string explain_seccomp(const Denial& d, const Config& c, const policy::PolicyLibrary& lib,
                            const std::string& where, std::vector<std::string>& errors,
                            ExplainedDenial& ex) {
  const auto& f = d.fields;
  auto bad = [&](const std::string& k, const std::string& problem) {
    errors.push_back(where + ": field \"" + k + "\": " + problem);
    return std::string();
  };
  if (!f.contains("syscall")) return bad("syscall", "missing in a seccomp record");
  if (!f.contains("arch")) return bad("arch", "missing in a seccomp record");
  char* end = nullptr;
  errno = 0;
  const long nr = std::strtol(f.at("syscall").c_str(), &end, 10);
  if (errno || *end || end == f.at("syscall").c_str() || nr < 0)
    return bad("syscall", "not a syscall number: \"" + f.at("syscall") + "\"");
  const unsigned long arch = std::strtoul(f.at("arch").c_str(), &end, 16);
  if (*end || f.at("arch").empty())
    return bad("arch", "not an audit architecture: \"" + f.at("arch") + "\"");
  char* resolved = seccomp_syscall_resolve_num_arch(static_cast<uint32_t>(arch), int(nr));
  if (!resolved)
    return bad("syscall", "no syscall " + f.at("syscall") + " on architecture " + f.at("arch"));
  const std::string name = resolved;
  std::free(resolved);

  const std::string exe = f.contains("exe") ? f.at("exe") : "";
  std::string note;
  std::optional<AppId> id = exe.empty() ? std::nullopt : app_of_exe(c, exe, note);
  std::string out = where + ": " +
                    (id                ? id->str()
                     : f.contains("comm") ? f.at("comm")
                                       : "?") +
                    ": seccomp denied " + name + " (syscall " + f.at("syscall") + ", arch " +
                    f.at("arch") + ")\n";
  ex.layer = "seccomp";
  ex.subject = id ? id->str() : f.contains("comm") ? f.at("comm") : "?";
  ex.app = id;
  ex.denied = name;
  ex.operation = f.at("syscall");
  Grants grants = [name](const policy::RuleSet& r, const std::vector<std::string>&) {
    return syscall_grant(r, name);
  };
  out += shipped_grants(lib, grants, ex) + "\n";
  if (!id) {
    ex.verdict = "unknown-app";
    return out + "  app: unknown: " + (exe.empty() ? "the record has no exe" : note) + "\n";
  }
  return out + app_verdict(c, *id, grants, ex.add_caps, ex.verdict) + "\n";
}

}  // namespace

std::map<std::string, std::string> audit_fields(const std::string& line) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t eq = line.find('=', i), sp = line.find(' ', i);
    if (eq == std::string::npos) break;
    if (sp != std::string::npos && sp < eq) {  // a word without '='
      i = sp;
      continue;
    }
    std::string key = line.substr(i, eq - i);
    // "audit: type=1400" / "kernel: [..] audit: type=" : keep the last word.
    if (size_t at = key.rfind(' '); at != std::string::npos) key = key.substr(at + 1);
    std::string value;
    i = eq + 1;
    if (i < line.size() && line[i] == '"') {
      size_t close = line.find('"', i + 1);
      if (close == std::string::npos) close = line.size();
      value = line.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      size_t stop = line.find(' ', i);
      if (stop == std::string::npos) stop = line.size();
      value = line.substr(i, stop - i);
      if (kStringFields.contains(key) && is_hex(value)) value = unhex(value);
      i = stop;
    }
    if (!out.contains(key)) out[key] = value;  // the first wins (audit.log repeats some keys)
  }
  return out;
}

std::vector<Denial> find_denials(const std::string& text, const std::string& origin,
                                 std::vector<std::string>& errors) {
  std::vector<Denial> out;
  std::istringstream in(text);
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    Denial d{Denial::Kind::AppArmor, n, {}};
    if (line.find("apparmor=\"DENIED\"") != std::string::npos) {
      d.kind = Denial::Kind::AppArmor;
    } else if (line.find("type=1326") != std::string::npos ||
               line.find("type=SECCOMP") != std::string::npos) {
      d.kind = Denial::Kind::Seccomp;
    } else {
      continue;
    }
    for (char ch : line)
      if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t') {
        errors.push_back(origin + ":" + std::to_string(n) + ": control character in the record");
        line.clear();
        break;
      }
    if (line.empty()) continue;
    d.fields = audit_fields(line);
    out.push_back(std::move(d));
  }
  return out;
}

Explanation explain(const std::string& text, const std::string& origin, const Config& config) {
  Explanation e;
  const std::vector<Denial> denials = find_denials(text, origin, e.errors);
  e.denials = denials.size();
  if (denials.empty()) return e;
  const policy::PolicyLibrary lib =
      policy::PolicyLibrary::load(config.templates_dir, config.flags_dir);
  for (const auto& d : denials) {
    ExplainedDenial ex;
    ex.where = origin + ":" + std::to_string(d.line);
    ex.text = d.kind == Denial::Kind::AppArmor
                  ? explain_apparmor(d, config, lib, ex.where, e.errors, ex)
                  : explain_seccomp(d, config, lib, ex.where, e.errors, ex);
    e.text += ex.text;
    if (!ex.text.empty()) e.items.push_back(std::move(ex));
  }
  return e;
}

}  // namespace confine::diagnose
