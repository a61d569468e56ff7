#include "core/launch_record.h"

#include <map>

#include "core/coverage.h"

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

bool LaunchRecord::has_layer(std::string_view l) const {
  for (const auto& x : layers)
    if (x == l) return true;
  return false;
}

std::string LaunchRecord::serialize() const {
  std::string layers_s;
  for (const auto& l : layers) layers_s += (layers_s.empty() ? "" : ",") + l;
  std::string allows_s;
  for (AccessClass c : seccomp_allows)
    allows_s += (allows_s.empty() ? "" : ",") + std::string(to_string(c));
  return "format=1\napp_id=" + id.str() + "\ntype=" + std::string(to_string(type)) +
         "\nexec=" + exec + "\nlayers=" + layers_s + "\nseccomp_allows=" + allows_s + "\n";
}

Result<LaunchRecord> LaunchRecord::parse(const std::string& text, const std::string& origin) {
  std::map<std::string, std::string> kv;
  size_t start = 0;
  int lineno = 0;
  while (start < text.size()) {
    ++lineno;
    size_t end = text.find('\n', start);
    if (end == std::string::npos)
      return Error{0, origin + ":" + std::to_string(lineno) + ": missing final newline"};
    std::string line = text.substr(start, end - start);
    start = end + 1;
    auto eq = line.find('=');
    if (eq == std::string::npos)
      return Error{0, origin + ":" + std::to_string(lineno) + ": expected key=value"};
    std::string key = line.substr(0, eq);
    if (key != "format" && key != "app_id" && key != "type" && key != "exec" && key != "layers" &&
        key != "seccomp_allows")
      return Error{0, origin + ":" + std::to_string(lineno) + ": unknown key \"" + key + "\""};
    if (!kv.emplace(key, line.substr(eq + 1)).second)
      return Error{0, origin + ":" + std::to_string(lineno) + ": duplicate key \"" + key + "\""};
  }
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

  LaunchRecord r{std::move(*id), *type, kv["exec"], {}, {}, true};
  const std::string& ls = kv["layers"];
  size_t p = 0;
  while (p < ls.size()) {
    size_t c = ls.find(',', p);
    if (c == std::string::npos) c = ls.size();
    std::string l = ls.substr(p, c - p);
    if (l != "seccomp" && l != "apparmor" && l != "devices" && l != "landlock")
      return Error{0, origin + ": unknown layer \"" + l + "\""};
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
