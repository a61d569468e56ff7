#include "core/config.h"

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/json.h"
#include "core/layers.h"

namespace confine {
namespace {

using nlohmann::json;

Error bad(const std::string& origin, const std::string& key, const std::string& what) {
  return Error{0, origin + ": " + key + ": " + what};
}

}  // namespace

std::string_view to_string(LayerMode m) {
  return m == LayerMode::Required ? "required" : "if-available";
}

Result<Config> parse_config(const std::string& text, const std::string& origin) {
  auto parsed = parse_json_strict(text);
  if (!parsed) return parsed.error().context(origin);
  const json& j = *parsed;
  if (!j.is_object()) return Error{0, origin + ": the top level must be a JSON object"};

  Config c;
  c.path = origin;
  for (const auto& [key, v] : j.items()) {
    std::string* dir = nullptr;
    std::optional<Layer> layer;
    if (key == "apps_dir") dir = &c.apps_dir;
    else if (key == "data_dir") dir = &c.data_dir;
    else if (key == "policy_dir") dir = &c.policy_dir;
    else if (key == "templates_dir") dir = &c.templates_dir;
    else if (key == "flags_dir") dir = &c.flags_dir;
    else if (key == "units_dir") dir = &c.units_dir;
    else if (key == "tmp_dir") dir = &c.tmp_dir;
    else if (key == "accounts_root") dir = &c.accounts_root;
    else layer = find_layer(key);

    if (dir) {
      if (!v.is_string()) return bad(origin, key, "must be a string");
      std::string s = v.get<std::string>();
      if (s.empty() || s.front() != '/') return bad(origin, key, "must be an absolute path");
      if (s.find('\0') != std::string::npos || s.find("/../") != std::string::npos ||
          s.ends_with("/.."))
        return bad(origin, key, "must not contain NUL or '..' components");
      while (s.size() > 1 && s.back() == '/') s.pop_back();
      *dir = s;
    } else if (layer) {
      if (!v.is_string()) return bad(origin, key, "must be \"required\" or \"if-available\"");
      std::string s = v.get<std::string>();
      if (s == "required") set_layer_mode(c, *layer, LayerMode::Required);
      else if (s == "if-available") set_layer_mode(c, *layer, LayerMode::IfAvailable);
      else return bad(origin, key, "must be \"required\" or \"if-available\", not \"" + s + "\"");
    } else if (key == "nice") {
      if (!v.is_number_integer()) return bad(origin, key, "must be an integer");
      // Above LLONG_MAX, get<long long>() would wrap (2^64-1 would read as -1).
      if (v.is_number_unsigned() && v.get<unsigned long long>() > 19)
        return bad(origin, key, "must be between -20 and 19");
      long long n = v.get<long long>();
      if (n < -20 || n > 19) return bad(origin, key, "must be between -20 and 19");
      c.nice = static_cast<int>(n);
    } else if (key == "max_package_size") {
      if (!v.is_number_unsigned() || v.get<unsigned long long>() == 0)
        return bad(origin, key, "must be a positive number of bytes");
      c.max_package_size = v.get<unsigned long long>();
    } else if (key == "global_profile" || key == "apparmor_namespace") {
      if (!v.is_string()) return bad(origin, key, "must be a string");
      std::string s = v.get<std::string>();
      for (char ch : s) {
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  ch == '-' || ch == '_' || ch == '.';
        if (!ok) return bad(origin, key, "may only contain [A-Za-z0-9._-]");
      }
      (key == "global_profile" ? c.global_profile : c.apparmor_namespace) = s;
    } else if (key == "accept_gaps") {
      if (!v.is_array()) return bad(origin, key, "must be a list of access class names");
      for (const auto& e : v) {
        auto cls = e.is_string() ? access_class_from_name(e.get<std::string>()) : std::nullopt;
        if (!cls) {
          std::string names;
          for (const auto& i : access_classes())
            names += (names.empty() ? "" : ", ") + std::string(i.name);
          return bad(origin, key, e.dump() + " is not an access class (one of: " + names + ")");
        }
        c.accept_gaps.push_back(*cls);
      }
    } else if (key == "no_new_privs") {
      if (!v.is_boolean()) return bad(origin, key, "must be true or false");
      c.no_new_privs = v.get<bool>();
    } else {
      return bad(origin, key, "unknown key");
    }
  }
  return c;
}

Result<Config> load_config(const std::string& path, bool missing_ok) {
  std::ifstream in(path);
  if (!in) {
    int e = errno;
    if (e == ENOENT && missing_ok) return Config{};
    return Error::from_errno(e, "cannot read config " + path);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Error::from_errno(EIO, "cannot read config " + path);
  return parse_config(ss.str(), path);
}

}  // namespace confine
