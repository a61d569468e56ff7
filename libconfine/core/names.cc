#include "core/names.h"

#include <vector>

namespace confine {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

// Quotes a value for messages; non-printable bytes become \xNN so that an
// embedded NUL or escape sequence cannot hide in the terminal.
std::string quote(std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// ^[a-z0-9](-?[a-z0-9])*$ (or with upper case letters when `upper`).
bool dashed_alnum(std::string_view s, bool upper) {
  if (s.empty()) return false;
  auto ok = [&](char c) { return upper ? is_alnum(c) : is_lower_alnum(c); };
  if (!ok(s.front()) || !ok(s.back())) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '-') {
      if (s[i + 1] == '-') return false;  // safe: s.back() is not '-'
    } else if (!ok(s[i])) {
      return false;
    }
  }
  return true;
}

Status check_pkg_like(std::string_view what, std::string_view s) {
  auto bad = [&](const char* why) {
    return Error{0, "invalid " + std::string(what) + " " + quote(s) + ": " + why};
  };
  if (s.size() < 2 || s.size() > 40) return bad("must be 2 to 40 characters long");
  if (!dashed_alnum(s, false)) return bad("must match ^[a-z0-9](-?[a-z0-9])*$");
  for (char c : s)
    if (c >= 'a' && c <= 'z') return Status::Ok();
  return bad("must contain at least one letter");
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

}  // namespace

std::string_view to_string(PackageType t) {
  switch (t) {
    case PackageType::App: return "app";
    case PackageType::Framework: return "framework";
    case PackageType::Oem: return "oem";
  }
  return "app";
}

std::optional<PackageType> parse_package_type(std::string_view s) {
  if (s == "app") return PackageType::App;
  if (s == "framework") return PackageType::Framework;
  if (s == "oem") return PackageType::Oem;
  return std::nullopt;
}

Status check_package_name(std::string_view s) {
  return check_pkg_like("package name", s);
}

Status check_origin(std::string_view s) { return check_pkg_like("origin", s); }

Status check_app_name(std::string_view s) {
  auto bad = [&](const char* why) { return Error{0, "invalid app name " + quote(s) + ": " + why}; };
  if (s.empty() || s.size() > 40) return bad("must be 1 to 40 characters long");
  if (!dashed_alnum(s, true)) return bad("must match ^[a-zA-Z0-9](-?[a-zA-Z0-9])*$");
  return Status::Ok();
}

Status check_version(std::string_view s) {
  auto bad = [&](const char* why) { return Error{0, "invalid version " + quote(s) + ": " + why}; };
  if (s.empty() || s.size() > 32) return bad("must be 1 to 32 characters long");
  if (!is_alnum(s.front())) return bad("must start with a letter or digit");
  for (char c : s) {
    if (!is_alnum(c) && c != '.' && c != '+' && c != '~' && c != ':' && c != '-')
      return bad("may only contain [A-Za-z0-9.+~:-]");
  }
  return Status::Ok();
}

Result<PackageKey> PackageKey::parse(std::string_view s) {
  auto parts = split(s, '.');
  if (parts.size() > 2)
    return Error{0, "invalid package key " + quote(s) + ": expected <name> or <name>.<origin>"};
  if (auto e = check_package_name(parts[0]); !e) return e.error();
  PackageKey k{std::string(parts[0]), ""};
  if (parts.size() == 2) {
    if (auto e = check_origin(parts[1]); !e) return e.error();
    k.origin = std::string(parts[1]);
  }
  return k;
}

Result<AppId> AppId::parse(std::string_view s) {
  auto parts = split(s, '_');
  if (parts.size() != 3)
    return Error{0, "invalid APP_ID " + quote(s) +
                        ": expected <name>.<origin>_<app>_<version> or <name>_<app>_<version>"};
  auto key = PackageKey::parse(parts[0]);
  if (!key) return key.error().context("invalid APP_ID " + quote(s));
  if (auto e = check_app_name(parts[1]); !e) return e.error().context("invalid APP_ID " + quote(s));
  if (auto e = check_version(parts[2]); !e) return e.error().context("invalid APP_ID " + quote(s));
  return AppId{std::move(*key), std::string(parts[1]), std::string(parts[2])};
}

Result<AppRef> AppRef::parse(std::string_view s) {
  auto parts = split(s, '_');
  if (parts.size() == 3) {
    auto id = AppId::parse(s);
    if (!id) return id.error();
    return AppRef{id->key, id->app, id->version};
  }
  if (parts.size() != 2)
    return Error{0, "invalid app " + quote(s) + ": expected an APP_ID or <key>_<app>"};
  auto key = PackageKey::parse(parts[0]);
  if (!key) return key.error().context("invalid app " + quote(s));
  if (auto e = check_app_name(parts[1]); !e) return e.error().context("invalid app " + quote(s));
  return AppRef{std::move(*key), std::string(parts[1]), std::nullopt};
}

}  // namespace confine
