// meta/package.json -> PackageMeta. The package author is untrusted: every
// field is checked against confine-package(5), unknown and duplicate keys are errors (a
// typo in a security field must never silently drop policy), and paths must
// stay inside the package.
#include "install/metadata.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/json.h"
#include "core/launch_record.h"
#include "core/safe_io.h"
#include "policy/language.h"

namespace confine::install {
namespace {

using json = nlohmann::json;
constexpr size_t kMaxMetaSize = 1 << 20;
constexpr size_t kMaxDescription = 4096;

std::string json_quote(const std::string& s) {
  return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

// "services" + "[0]" -> "services[0]"; "services[0]" + "caps" -> "services[0].caps".
std::string join(const std::string& parent, const std::string& key) {
  if (parent.empty()) return key;
  return parent + "." + key;
}
std::string index(const std::string& parent, size_t i) {
  return parent + "[" + std::to_string(i) + "]";
}

json parse_json_strict(const std::string& text, const std::string& file) {
  auto doc = confine::parse_json_strict(text);
  if (!doc) throw ConfineError(file + ": " + doc.error().message);
  return std::move(*doc);
}

// Names of templates and policy groups: they become file names under
// templates_dir, so nothing that could walk out of it.
// The rule is the policy language's (policy::policy_name_valid); this says
// which part of it a bad name breaks.
std::optional<std::string> check_policy_name(std::string_view what, const std::string& s) {
  if (policy::policy_name_valid(s)) return std::nullopt;
  const std::string bad = "invalid " + std::string(what) + " " + json_quote(s) + ": ";
  if (s.empty() || s.size() > 64) return bad + "must be 1 to 64 characters long";
  return bad + "must match ^[a-z0-9](-?[a-z0-9])*$";
}

// A group name as useradd(8) accepts it: [a-z_][a-z0-9_-]*, at most 32.
std::optional<std::string> check_group_name(const std::string& s) {
  const std::string bad = "invalid group " + json_quote(s) + ": ";
  if (s.empty() || s.size() > 32) return bad + "must be 1 to 32 characters long";
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && ((c >= '0' && c <= '9') || c == '-'));
    if (!ok) return bad + "must match ^[a-z_][a-z0-9_-]*$";
  }
  if (s == "root") return bad + "the root group is not a supplementary group an app may get";
  return std::nullopt;
}

class MetaParser {
 public:
  MetaParser(const std::string& file) : file_(file) {}

  [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
    throw ConfineError(file_ + ": " + (path.empty() ? "(top level)" : path) + ": " + problem);
  }

  void require_object(const json& j, const std::string& path) const {
    if (!j.is_object()) fail(path, std::string("must be an object, not ") + j.type_name());
  }

  void only_keys(const json& obj, const std::string& path,
                 std::initializer_list<const char*> allowed) const {
    for (const auto& [k, v] : obj.items()) {
      bool known = false;
      for (const char* a : allowed) known = known || k == a;
      if (known) continue;
      std::string list;
      for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
      fail(join(path, k), "unknown key (expected one of: " + list + ")");
    }
  }

  std::string string_field(const json& obj, const std::string& path, const char* key,
                           bool required) const {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) fail(join(path, key), "required key is missing");
      return "";
    }
    if (!it->is_string())
      fail(join(path, key), std::string("must be a string, not ") + it->type_name());
    return it->get<std::string>();
  }

  std::string description(const json& obj, const std::string& path) const {
    std::string d = string_field(obj, path, "description", false);
    if (d.size() > kMaxDescription)
      fail(join(path, "description"), "longer than " + std::to_string(kMaxDescription) + " bytes");
    // Descriptions end up in systemd units and terminals: no control bytes.
    for (unsigned char c : d)
      if (c < 0x20 || c == 0x7f)
        fail(join(path, "description"), "must not contain control characters");
    return d;
  }

  std::string contained_path(const json& v, const std::string& path) const {
    if (!v.is_string()) fail(path, std::string("must be a string, not ") + v.type_name());
    std::string p = v.get<std::string>();
    if (!is_contained_relative_path(p))
      fail(path, "path " + json_quote(p) +
                     " must be relative to the package directory and stay inside it "
                     "(no leading \"/\", no \"..\", \".\" or empty components)");
    return p;
  }

  SecurityFiles security_files(const json& obj, const std::string& path, bool need_both) const {
    require_object(obj, path);
    only_keys(obj, path, {"apparmor", "seccomp"});
    SecurityFiles f;
    if (auto it = obj.find("apparmor"); it != obj.end())
      f.apparmor = contained_path(*it, join(path, "apparmor"));
    if (auto it = obj.find("seccomp"); it != obj.end())
      f.seccomp = contained_path(*it, join(path, "seccomp"));
    // Raw policy replaces the templates for both layers: a missing half
    // would leave that layer without any policy, so both are required.
    if (need_both && f.apparmor.empty()) fail(join(path, "apparmor"), "required key is missing");
    if (need_both && f.seccomp.empty()) fail(join(path, "seccomp"), "required key is missing");
    if (f.apparmor.empty() && f.seccomp.empty()) fail(path, "must name apparmor, seccomp or both");
    return f;
  }

  AppEntry app(const json& j, AppEntry::Kind kind, const std::string& path) const {
    require_object(j, path);
    const char* exec_key = kind == AppEntry::Kind::Service ? "start" : "exec";
    only_keys(j, path,
              {"name", exec_key, "description", "caps", "security-template", "security-override",
               "security-policy", "user", "groups"});
    AppEntry a;
    a.kind = kind;
    a.json_path = path;
    a.name = string_field(j, path, "name", true);
    if (auto e = check_app_name(a.name); !e) fail(join(path, "name"), e.error().message);
    if (!j.contains(exec_key)) fail(join(path, exec_key), "required key is missing");
    a.exec = contained_path(j[exec_key], join(path, exec_key));
    a.description = description(j, path);

    const bool has_caps = j.contains("caps");
    const bool has_template = j.contains("security-template");
    const bool has_override = j.contains("security-override");
    const bool has_policy = j.contains("security-policy");
    if (has_caps) {
      const json& caps = j["caps"];
      const std::string cpath = join(path, "caps");
      if (!caps.is_array()) fail(cpath, std::string("must be an array, not ") + caps.type_name());
      std::set<std::string> seen;
      for (size_t i = 0; i < caps.size(); ++i) {
        const std::string ipath = index(cpath, i);
        if (!caps[i].is_string())
          fail(ipath, std::string("must be a string, not ") + caps[i].type_name());
        std::string cap = caps[i].get<std::string>();
        if (auto e = check_policy_name("policy group", cap)) fail(ipath, *e);
        if (!seen.insert(cap).second) fail(ipath, "duplicate policy group " + json_quote(cap));
        a.caps.push_back(cap);
      }
    }
    if (has_template) {
      a.security_template = string_field(j, path, "security-template", true);
      if (auto e = check_policy_name("template", a.security_template))
        fail(join(path, "security-template"), *e);
    }
    if (has_override) {
      const std::string opath = join(path, "security-override");
      for (auto [given, name] :
           {std::pair{has_caps, "caps"}, std::pair{has_template, "security-template"},
            std::pair{has_policy, "security-policy"}})
        if (given) fail(opath, std::string("cannot be combined with ") + name);
      a.security_override = security_files(j["security-override"], opath, false);
    }
    if (has_policy) {
      const std::string ppath = join(path, "security-policy");
      for (auto [given, name] :
           {std::pair{has_caps, "caps"}, std::pair{has_template, "security-template"}})
        if (given) fail(ppath, std::string("cannot be combined with ") + name);
      a.security_policy = security_files(j["security-policy"], ppath, true);
    }
    // SPEC defaults: neither caps nor a template -> ["network-client"]; a
    // template without caps -> [] (a.caps is already empty). Raw policy uses
    // neither, so it gets no caps.
    if (!has_caps && !has_template && !has_policy) a.caps = {"network-client"};
    run_as(j, path, a);
    return a;
  }

  // "user": "package" | "root" (services; default "package"), "package"
  // (binaries; default: the caller). "groups": supplementary group names.
  void run_as(const json& j, const std::string& path, AppEntry& a) const {
    const bool service = a.kind == AppEntry::Kind::Service;
    a.user = service ? AppEntry::User::Package : AppEntry::User::Caller;
    if (j.contains("user")) {
      const std::string u = string_field(j, path, "user", true);
      if (u == "package")
        a.user = AppEntry::User::Package;
      else if (u == "root" && service)
        a.user = AppEntry::User::Root;
      else
        fail(join(path, "user"), "invalid user " + json_quote(u) + ": must be " +
                                     (service ? "\"package\" or \"root\"" : "\"package\"") +
                                     " (a package cannot name another user)");
    }
    if (!j.contains("groups")) return;
    const json& g = j["groups"];
    const std::string gpath = join(path, "groups");
    if (a.user != AppEntry::User::Package)
      fail(gpath, "only an app that runs as its package's user has groups (\"user\": \"package\")");
    if (!g.is_array()) fail(gpath, std::string("must be an array, not ") + g.type_name());
    std::set<std::string> seen;
    for (size_t i = 0; i < g.size(); ++i) {
      const std::string ipath = index(gpath, i);
      if (!g[i].is_string()) fail(ipath, std::string("must be a string, not ") + g[i].type_name());
      std::string name = g[i].get<std::string>();
      if (auto e = check_group_name(name)) fail(ipath, *e);
      if (!seen.insert(name).second) fail(ipath, "duplicate group " + json_quote(name));
      a.groups.push_back(name);
    }
  }

  std::vector<AppEntry> apps(const json& doc, const char* key, AppEntry::Kind kind) const {
    std::vector<AppEntry> out;
    auto it = doc.find(key);
    if (it == doc.end()) return out;
    if (!it->is_array()) fail(key, std::string("must be an array, not ") + it->type_name());
    for (size_t i = 0; i < it->size(); ++i) out.push_back(app((*it)[i], kind, index(key, i)));
    return out;
  }

 private:
  std::string file_;
};

// Resolves `rel` under `root` (both real paths) and checks it stays inside:
// a symlink in the package must not lead the launcher or the policy compiler
// to a file outside it.
std::string resolve_inside(const std::string& root, const std::string& rel, const MetaParser& p,
                           const std::string& path) {
  std::string full = root + "/" + rel;
  char buf[PATH_MAX];
  if (!::realpath(full.c_str(), buf)) {
    int e = errno;
    if (e == ENOENT || e == ENOTDIR)
      p.fail(path, json_quote(rel) + " does not exist in the package");
    p.fail(path, "cannot resolve " + json_quote(rel) + ": " + std::strerror(e));
  }
  std::string real = buf;
  if (real.compare(0, root.size() + 1, root + "/") != 0)
    p.fail(path, json_quote(rel) + " resolves to " + json_quote(real) + ", outside the package");
  return real;
}

void check_package_file(const std::string& root, const std::string& rel, bool executable,
                        const MetaParser& p, const std::string& path) {
  std::string real = resolve_inside(root, rel, p, path);
  struct stat st;
  if (::stat(real.c_str(), &st) != 0) p.fail(path, "cannot stat " + json_quote(rel));
  if (!S_ISREG(st.st_mode)) p.fail(path, json_quote(rel) + " is not a regular file");
  if (executable && (st.st_mode & 0111) == 0) p.fail(path, json_quote(rel) + " is not executable");
}

}  // namespace

std::vector<const AppEntry*> PackageMeta::apps() const {
  std::vector<const AppEntry*> out;
  for (const auto& s : services) out.push_back(&s);
  for (const auto& b : binaries) out.push_back(&b);
  return out;
}

PackageMeta parse_package_meta(const std::string& text, const std::string& file,
                               const std::string& origin) {
  MetaParser p(file);
  json doc = parse_json_strict(text, file);
  p.require_object(doc, "");
  p.only_keys(doc, "", {"name", "version", "type", "description", "services", "binaries"});

  PackageMeta m;
  m.file = file;
  m.name = p.string_field(doc, "", "name", true);
  if (auto e = check_package_name(m.name); !e) p.fail("name", e.error().message);
  m.version = p.string_field(doc, "", "version", true);
  if (auto e = check_version(m.version); !e) p.fail("version", e.error().message);
  // <apps_dir>/<key>/current is the link to the active version.
  if (m.version == "current")
    p.fail("version", "\"current\" is reserved for the link to the active version");
  if (doc.contains("type")) {
    std::string t = p.string_field(doc, "", "type", true);
    auto type = parse_package_type(t);
    if (!type) p.fail("type", "invalid type " + json_quote(t) + ": must be app, framework or oem");
    m.type = *type;
  }
  // The origin is the publisher's namespace, given by whoever installs the
  // package (--origin), never by the package itself.
  if (m.type == PackageType::App) {
    if (origin.empty()) p.fail("type", "a package of type app needs --origin ORIGIN");
    if (auto e = check_origin(origin); !e) p.fail("--origin", e.error().message);
    m.origin = origin;
  } else if (!origin.empty()) {
    p.fail("type",
           "--origin is only for packages of type app, not " + std::string(to_string(m.type)));
  }
  m.description = p.description(doc, "");
  m.services = p.apps(doc, "services", AppEntry::Kind::Service);
  m.binaries = p.apps(doc, "binaries", AppEntry::Kind::Binary);

  // Names are unique across services and binaries: both become APP_IDs.
  std::map<std::string, std::string> seen;
  for (const AppEntry* a : m.apps()) {
    auto [it, fresh] = seen.emplace(a->name, a->json_path);
    if (!fresh)
      p.fail(join(a->json_path, "name"),
             "app name " + json_quote(a->name) + " is already used by " + it->second);
  }
  return m;
}

PackageMeta load_package_meta(const std::string& package_dir, const std::string& origin) {
  const std::string file = package_dir + "/meta/package.json";
  char buf[PATH_MAX];
  if (!::realpath(package_dir.c_str(), buf))
    throw ConfineError("cannot open package directory " + package_dir, errno);
  const std::string root = buf;
  struct stat st;
  if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw ConfineError(package_dir + ": not a directory");
  if (root == "/") throw ConfineError(package_dir + ": the root directory is not a package");

  MetaParser p(file);
  if (!::realpath(file.c_str(), buf)) throw ConfineError("cannot read " + file, errno);
  const std::string real_meta = buf;
  if (real_meta.compare(0, root.size() + 1, root + "/") != 0)
    throw ConfineError(file + ": resolves to " + json_quote(real_meta) + ", outside the package");
  UniqueFd fd(::open(real_meta.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd.valid()) throw ConfineError("cannot open " + file, errno);
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    throw ConfineError(file + ": not a regular file");
  auto text = read_fd(fd.get(), kMaxMetaSize);
  if (!text) throw ConfineError(text.error().context(file));

  PackageMeta m = parse_package_meta(*text, file, origin);
  for (const AppEntry* a : m.apps()) {
    const char* exec_key = a->kind == AppEntry::Kind::Service ? "start" : "exec";
    check_package_file(root, a->exec, true, p, join(a->json_path, exec_key));
    for (const auto& [field, files] : {std::pair{"security-override", &a->security_override},
                                       std::pair{"security-policy", &a->security_policy}}) {
      if (!*files) continue;
      const std::string fpath = join(a->json_path, field);
      if (!(*files)->apparmor.empty())
        check_package_file(root, (*files)->apparmor, false, p, join(fpath, "apparmor"));
      if (!(*files)->seccomp.empty())
        check_package_file(root, (*files)->seccomp, false, p, join(fpath, "seccomp"));
    }
  }
  return m;
}

}  // namespace confine::install
