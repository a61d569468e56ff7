#include "core/launch_record.h"

#include <map>

#include "core/coverage.h"
#include "core/layers.h"
#include "core/lines.h"

namespace confine {

bool is_contained_relative_path(std::string_view rel) {
  if (rel.empty() || rel.front() == '/' || rel.back() == '/') return false;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t end = rel.find('/', start);
    if (end == std::string_view::npos) end = rel.size();
    std::string_view c = rel.substr(start, end - start);
    if (c.empty() || c == "." || c == "..") return false;
    start = end + 1;
  }
  for (char ch : rel)
    if (ch == '\0' || ch == '\n') return false;
  return true;
}

bool LaunchRecord::has_layer(Layer l) const {
  return has_layer(layer_name(l));
}

bool LaunchRecord::has_layer(std::string_view l) const {
  for (const auto& x : layers)
    if (x == l) return true;
  return false;
}

namespace {

// "user=<name>:<uid>:<gid>\ngroups=<gid>,...\n", or "" for the caller.
std::string serialize_user(const std::optional<RunUser>& user) {
  if (!user) return "";
  std::string out = "user=" + user->name + ":" + std::to_string(user->uid) + ":" +
                    std::to_string(user->gid) + "\ngroups=";
  for (size_t i = 0; i < user->groups.size(); ++i)
    out += (i ? "," : "") + std::to_string(user->groups[i]);
  return out + "\n";
}

// A decimal id other than 0 and -1 (root's is never a package user's).
std::optional<uint32_t> parse_id(std::string_view s) {
  if (s.empty() || s.size() > 10 || s.front() == '0') return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v >= 0xffffffffULL) return std::nullopt;
  return static_cast<uint32_t>(v);
}

std::optional<RunUser> parse_user(const std::string& user, const std::string& groups) {
  RunUser u;
  const size_t a = user.find(':');
  const size_t b = a == std::string::npos ? a : user.find(':', a + 1);
  if (b == std::string::npos || a == 0 || a > 32) return std::nullopt;
  u.name = user.substr(0, a);
  for (char c : u.name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return std::nullopt;
  auto uid = parse_id(std::string_view(user).substr(a + 1, b - a - 1));
  auto gid = parse_id(std::string_view(user).substr(b + 1));
  if (!uid || !gid) return std::nullopt;
  u.uid = *uid;
  u.gid = *gid;
  size_t p = 0;
  while (p < groups.size()) {
    size_t c = groups.find(',', p);
    if (c == std::string::npos) c = groups.size();
    auto g = parse_id(std::string_view(groups).substr(p, c - p));
    if (!g || u.groups.size() >= 64) return std::nullopt;
    u.groups.push_back(*g);
    p = c + 1;
    if (p == groups.size() && c < groups.size()) return std::nullopt;  // trailing comma
  }
  return u;
}

}  // namespace

std::string LaunchRecord::serialize() const {
  std::string layers_s;
  for (const auto& l : layers) layers_s += (layers_s.empty() ? "" : ",") + l;
  std::string allows_s;
  for (AccessClass c : seccomp_allows)
    allows_s += (allows_s.empty() ? "" : ",") + std::string(to_string(c));
  return "format=1\napp_id=" + id.str() + "\ntype=" + std::string(to_string(type)) +
         "\nexec=" + exec + "\nlayers=" + layers_s + "\nseccomp_allows=" + allows_s + "\n" +
         serialize_user(user);
}

Result<LaunchRecord> LaunchRecord::parse(const std::string& text, const std::string& origin) {
  std::map<std::string, std::string> kv;
  LineReader lines(text);
  std::string_view view;
  while (lines.next(view)) {
    const int lineno = lines.lineno();
    const std::string line(view);
    auto eq = line.find('=');
    if (eq == std::string::npos)
      return Error{0, origin + ":" + std::to_string(lineno) + ": expected key=value"};
    std::string key = line.substr(0, eq);
    if (key != "format" && key != "app_id" && key != "type" && key != "exec" && key != "layers" &&
        key != "seccomp_allows" && key != "user" && key != "groups")
      return Error{0, origin + ":" + std::to_string(lineno) + ": unknown key \"" + key + "\""};
    if (!kv.emplace(key, line.substr(eq + 1)).second)
      return Error{0, origin + ":" + std::to_string(lineno) + ": duplicate key \"" + key + "\""};
  }
  if (lines.unterminated())
    return Error{0, origin + ":" + std::to_string(lines.lineno()) + ": missing final newline"};
  for (const char* k : {"format", "app_id", "type", "exec", "layers"})
    if (!kv.contains(k)) return Error{0, origin + ": missing key \"" + std::string(k) + "\""};
  if (kv["format"] != "1")
    return Error{0, origin + ": unsupported format \"" + kv["format"] + "\" (expected 1)"};

  auto id = AppId::parse(kv["app_id"]);
  if (!id) return id.error().context(origin);
  auto type = parse_package_type(kv["type"]);
  if (!type) return Error{0, origin + ": invalid type \"" + kv["type"] + "\""};
  if ((*type == PackageType::App) != id->has_origin())
    return Error{0, origin + ": app_id \"" + kv["app_id"] + "\" does not match type " + kv["type"]};
  if (!is_contained_relative_path(kv["exec"]))
    return Error{0, origin + ": exec \"" + kv["exec"] + "\" must be a path inside the package"};

  if (kv.contains("user") != kv.contains("groups"))
    return Error{0, origin + ": \"user\" and \"groups\" go together"};
  std::optional<RunUser> user;
  if (kv.contains("user")) {
    user = parse_user(kv["user"], kv["groups"]);
    if (!user)
      return Error{0, origin + ": invalid user \"" + kv["user"] + "\" or groups \"" +
                          kv["groups"] + "\" (expected name:uid:gid, gid,...; no id 0)"};
  }

  LaunchRecord r{std::move(*id), *type, kv["exec"], {}, std::move(user), {}, true};
  const std::string& ls = kv["layers"];
  size_t p = 0;
  while (p < ls.size()) {
    size_t c = ls.find(',', p);
    if (c == std::string::npos) c = ls.size();
    std::string l = ls.substr(p, c - p);
    if (!find_layer(l)) return Error{0, origin + ": unknown layer \"" + l + "\""};
    r.layers.push_back(l);
    p = c + 1;
  }
  // Optional: records written before it existed do not say (all allowed).
  if (auto it = kv.find("seccomp_allows"); it == kv.end()) {
    r.seccomp_allows_known = false;
  } else {
    const std::string& as = it->second;
    for (p = 0; p < as.size();) {
      size_t c = as.find(',', p);
      if (c == std::string::npos) c = as.size();
      auto cls = access_class_from_name(as.substr(p, c - p));
      if (!cls)
        return Error{0, origin + ": seccomp_allows: unknown access class \"" + as.substr(p, c - p) +
                            "\""};
      r.seccomp_allows.push_back(*cls);
      p = c + 1;
    }
  }
  return r;
}

}  // namespace confine
