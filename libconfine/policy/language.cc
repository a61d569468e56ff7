// One policy file -> PolicyItem. Policy files are trusted more than package
// metadata (they are shipped or written by the administrator), but a typo in
// one must still never drop or widen policy silently: every key is known,
// every name is checked, and each error names the file and the field.
#include "policy/language.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.h"
#include "core/json.h"
#include "core/capabilities.h"
#include "policy/constants.h"
#include "policy/glob.h"
#include "policy/syscall_rules.h"

namespace confine::policy {
namespace {

using json = nlohmann::json;
constexpr size_t kMaxDescription = 160;


// AppArmor network rule words (domains and types) that policies may use.
const std::set<std::string> kNetworkDomains = {"alg",     "bluetooth", "can",  "inet",  "inet6",
                                               "netlink", "packet",    "unix", "vsock", "xdp"};
const std::set<std::string> kNetworkTypes = {"dgram", "packet",    "raw",
                                             "rdm",   "seqpacket", "stream"};

std::string quote(const std::string& s) {
  return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

json parse_strict(const std::string& text, const std::string& file) {
  auto doc = parse_json_strict(text);
  if (!doc) throw ConfineError(file + ": " + doc.error().message);
  return std::move(*doc);
}

class ItemParser {
 public:
  ItemParser(PolicyItem& item) : it_(item) {}

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw ConfineError(it_.file + ": " + (field.empty() ? "(top level)" : field) + ": " + problem);
  }

  void parse(const json& doc) {
    if (!doc.is_object()) fail("", std::string("must be an object, not ") + doc.type_name());
    for (const auto& [key, value] : doc.items()) {
      if (key == "description") {
        it_.description = description(value);
      } else if (key == "comment") {
        it_.comment = string(value, key);
        if (it_.comment.empty()) fail(key, "must not be empty");
      } else if (key == "category") {
        if (it_.kind != PolicyKind::Flag)
          fail(key,
               "only flags have a category (this is a " + std::string(to_string(it_.kind)) + ")");
        it_.category = string(value, key);
        const auto& c = categories();
        if (std::find(c.begin(), c.end(), it_.category) == c.end())
          fail(key, "unknown category " + quote(it_.category) +
                        " (networking, filesystem, runtime, user or misc)");
      } else if (key == "include") {
        flag_list(value, key, "");
      } else if (std::find(categories().begin(), categories().end(), key) != categories().end()) {
        category_section(value, key);
      } else if (key == "syscalls") {
        allow_deny(value, key, [&](const json& v, const std::string& f, RuleSet& to) {
          to.syscalls.push_back(syscall(v, f));
        });
      } else if (key == "capabilities") {
        allow_deny(value, key, [&](const json& v, const std::string& f, RuleSet& to) {
          to.capabilities.insert(capability(v, f, &to == &it_.rules.allow));
        });
      } else if (key == "network") {
        allow_deny(value, key, [&](const json& v, const std::string& f, RuleSet& to) {
          to.network.insert(network(v, f));
        });
      } else if (key == "devices") {
        allow_deny(value, key, [&](const json& v, const std::string& f, RuleSet& to) {
          to.devices.push_back(device(v, f));
        });
      } else if (key == "apparmor") {
        raw_lines(value, key);
      } else {
        fail(key, "unknown key");
      }
    }
    if (it_.description.empty()) fail("description", "missing (every policy file has one)");
    if (it_.kind == PolicyKind::Flag && it_.category.empty())
      fail("category", "missing (networking, filesystem, runtime, user or misc)");
  }

 private:
  std::string string(const json& v, const std::string& field) const {
    if (!v.is_string()) fail(field, std::string("must be a string, not ") + v.type_name());
    return v.get<std::string>();
  }

  const json& array(const json& v, const std::string& field) const {
    if (!v.is_array()) fail(field, std::string("must be an array, not ") + v.type_name());
    return v;
  }

  static std::string at(const std::string& field, size_t i) {
    return field + "[" + std::to_string(i) + "]";
  }

  std::string description(const json& v) const {
    std::string d = string(v, "description");
    if (d.empty()) fail("description", "must not be empty");
    if (d.find('\n') != std::string::npos) fail("description", "must be one line");
    if (d.size() > kMaxDescription)
      fail("description", "longer than " + std::to_string(kMaxDescription) +
                              " characters (put details in \"comment\")");
    for (unsigned char c : d)
      if (c < 0x20 || c == 0x7f) fail("description", "contains a control character");
    return d;
  }

  // A list of unique strings, each checked by `check`.
  template <class F>
  void string_list(const json& v, const std::string& field, F check) {
    std::set<std::string> seen;
    const json& a = array(v, field);
    for (size_t i = 0; i < a.size(); ++i) {
      std::string s = string(a[i], at(field, i));
      if (!seen.insert(s).second) fail(at(field, i), quote(s) + " is listed twice");
      check(s, at(field, i));
    }
  }

  void flag_list(const json& v, const std::string& field, const std::string& category) {
    string_list(v, field, [&](const std::string& name, const std::string& f) {
      if (!policy_name_valid(name)) fail(f, "invalid flag name " + quote(name));
      if (name == it_.name && it_.kind == PolicyKind::Flag) fail(f, "a flag cannot include itself");
      it_.flags.push_back(FlagRef{name, f, category});
    });
  }

  void category_section(const json& v, const std::string& cat) {
    if (!v.is_object()) fail(cat, std::string("must be an object, not ") + v.type_name());
    for (const auto& item : v.items()) {
      // Plain references, not a structured binding: clang 14 cannot capture
      // those in the lambdas below.
      const std::string& key = item.key();
      const json& value = item.value();
      const std::string f = cat + "." + key;
      if (key == "flags") {
        flag_list(value, f, cat);
        continue;
      }
      if (cat != "filesystem") fail(f, "unknown key (a " + cat + " section only has \"flags\")");
      struct PathList {
        const char* key;
        const char* access;
        bool deny;
      };
      static const PathList kLists[] = {{"read-only", "r", false},    {"map", "mr", false},
                                        {"execute", "mrix", false},   {"read-write", "rwk", false},
                                        {"log-on-write", "r", false}, {"deny", "rwlkm", true},
                                        {"deny-write", "wl", true}};
      const auto* list = std::find_if(std::begin(kLists), std::end(kLists),
                               [&](const PathList& l) { return key == l.key; });
      if (list == std::end(kLists))
        fail(f,
             "unknown key (filesystem has flags, read-only, map, execute, read-write, "
             "log-on-write, deny and deny-write)");
      string_list(value, f, [&](const std::string& path, const std::string& pf) {
        if (auto problem = glob_problem(path)) fail(pf, quote(path) + ": " + *problem);
        RuleSet& to = list->deny ? it_.rules.deny : it_.rules.allow;
        to.files.push_back(FileRule{path, list->access, false, it_.source()});
        // "log on write": writes are allowed and every one is audited.
        if (key == "log-on-write") to.files.push_back(FileRule{path, "w", true, it_.source()});
      });
    }
  }

  template <class F>
  void allow_deny(const json& v, const std::string& field, F add) {
    if (!v.is_object()) fail(field, std::string("must be an object, not ") + v.type_name());
    for (const auto& [key, value] : v.items()) {
      const std::string f = field + "." + key;
      if (key != "allow" && key != "deny") fail(f, "unknown key (use \"allow\" and \"deny\")");
      RuleSet& to = key == "allow" ? it_.rules.allow : it_.rules.deny;
      const json& a = array(value, f);
      for (size_t i = 0; i < a.size(); ++i) add(a[i], at(f, i), to);
    }
  }

  uint64_t arg_value(const json& v, const std::string& field, std::string& symbol) const {
    if (v.is_number_unsigned()) {
      symbol = std::to_string(v.get<uint64_t>());
      return v.get<uint64_t>();
    }
    if (v.is_number_integer()) {
      symbol = std::to_string(v.get<int64_t>());
      return static_cast<uint64_t>(v.get<int64_t>());
    }
    symbol = string(v, field);
    std::string problem;
    auto value = parse_arg_value(symbol, problem);
    if (!value) fail(field, problem);
    return *value;
  }

  ArgCondition condition(const json& v, const std::string& field) const {
    if (!v.is_object()) fail(field, std::string("must be an object, not ") + v.type_name());
    ArgCondition c;
    bool has_index = false, has_op = false, has_value = false, has_mask = false;
    for (const auto& [key, value] : v.items()) {
      const std::string f = field + "." + key;
      if (key == "index") {
        if (!value.is_number_unsigned() || value.get<uint64_t>() > 5)
          fail(f, "must be an argument index from 0 to 5");
        c.index = value.get<unsigned>();
        has_index = true;
      } else if (key == "op") {
        std::string op = string(value, f);
        if (!parse_op(op, c.op)) fail(f, "unknown operator " + quote(op) + " (== != < <= > >=)");
        has_op = true;
      } else if (key == "value") {
        c.value = arg_value(value, f, c.symbol);
        has_value = true;
      } else if (key == "mask") {
        std::string ignored;
        c.mask = arg_value(value, f, ignored);
        has_mask = true;
      } else {
        fail(f, "unknown key (index, op, value, mask)");
      }
    }
    if (!has_index) fail(field + ".index", "missing");
    if (!has_op) fail(field + ".op", "missing");
    if (!has_value) fail(field + ".value", "missing");
    if (has_mask) {
      if (c.op != ArgCondition::Op::Eq) fail(field + ".mask", "only with op \"==\"");
      c.op = ArgCondition::Op::MaskedEq;
    }
    return c;
  }

  SyscallRule syscall(const json& v, const std::string& field) const {
    SyscallRule r;
    r.source = it_.source();
    if (v.is_string()) {
      r.name = v.get<std::string>();
    } else if (v.is_object()) {
      for (const auto& [key, value] : v.items()) {
        const std::string f = field + "." + key;
        if (key == "name") {
          r.name = string(value, f);
        } else if (key == "optional") {
          if (!value.is_boolean()) fail(f, "must be true or false");
          r.optional = value.get<bool>();
        } else if (key == "comment") {
          string(value, f);
        } else if (key == "args") {
          const json& a = array(value, f);
          if (a.empty()) fail(f, "must not be empty (leave \"args\" out for no conditions)");
          for (size_t i = 0; i < a.size(); ++i) {
            ArgCondition c = condition(a[i], at(f, i));
            for (const auto& prev : r.conditions)
              if (prev.index == c.index)
                fail(at(f, i), "a second condition on argument " + std::to_string(c.index) +
                                   " (write another rule for an alternative)");
            r.conditions.push_back(c);
          }
        } else {
          fail(f, "unknown key (name, args, optional, comment)");
        }
      }
      if (r.name.empty()) fail(field + ".name", "missing");
    } else {
      fail(field, std::string("must be a syscall name or an object, not ") + v.type_name());
    }
    if (!syscall_name_valid(r.name)) fail(field, "invalid syscall name " + quote(r.name));
    if (!r.optional && !syscall_known(r.name))
      fail(field, "unknown syscall " + quote(r.name) +
                      " (libseccomp does not know it on x86_64; mark it \"optional\" if it "
                      "only exists on newer kernels)");
    return r;
  }

  std::string capability(const json& v, const std::string& field, bool allow) const {
    std::string c = string(v, field);
    if (!capability_known(c))
      fail(field, "unknown capability " + quote(c) + " (lower case without CAP_, e.g. net_raw)");
    const auto& deny = capability_denylist();
    if (allow && it_.comment.empty() && std::find(deny.begin(), deny.end(), c) != deny.end())
      fail(field, "granting " + c +
                      " is as good as root: say why in a \"comment\" field before the "
                      "capabilities");
    return c;
  }

  std::string network(const json& v, const std::string& field) const {
    std::string n = string(v, field);
    auto sp = n.find(' ');
    std::string domain = n.substr(0, sp);
    std::string type = sp == std::string::npos ? "" : n.substr(sp + 1);
    if (!kNetworkDomains.contains(domain))
      fail(field, "unknown network domain " + quote(domain) +
                      " (alg bluetooth can inet inet6 netlink packet unix vsock xdp)");
    if (sp != std::string::npos && !kNetworkTypes.contains(type))
      fail(field,
           "unknown socket type " + quote(type) + " (dgram packet raw rdm seqpacket stream)");
    return n;
  }

  DeviceRule device(const json& v, const std::string& field) const {
    if (!v.is_object()) fail(field, std::string("must be an object, not ") + v.type_name());
    DeviceRule d;
    d.source = it_.source();
    bool has_type = false;
    for (const auto& [key, value] : v.items()) {
      const std::string f = field + "." + key;
      if (key == "type") {
        std::string t = string(value, f);
        if (t != "c" && t != "b") fail(f, "must be \"c\" (character) or \"b\" (block)");
        d.type = t[0];
        has_type = true;
      } else if (key == "major" || key == "minor") {
        if (!value.is_number_unsigned() || value.get<uint64_t>() > 1048575)
          fail(f, "must be a device number from 0 to 1048575 (leave it out for any)");
        (key == "major" ? d.major : d.minor) = value.get<int>();
      } else if (key == "access") {
        d.access = string(value, f);
        if (d.access.empty() || d.access.find_first_not_of("rwm") != std::string::npos)
          fail(f, "must be letters from \"rwm\"");
      } else if (key == "comment") {
        string(value, f);
      } else {
        fail(f, "unknown key (type, major, minor, access, comment)");
      }
    }
    if (!has_type) fail(field + ".type", "missing");
    if (d.major == -1 && d.minor != -1) fail(field + ".minor", "needs a major number");
    return d;
  }

  void raw_lines(const json& v, const std::string& field) {
    string_list(v, field, [&](const std::string& line, const std::string& f) {
      if (line.empty() || line.find_first_not_of(' ') == std::string::npos) fail(f, "empty line");
      for (unsigned char c : line)
        if (c < 0x20 || c == 0x7f) fail(f, "contains a control character");
      it_.rules.apparmor_raw.push_back(line);
    });
  }

  PolicyItem& it_;
};

}  // namespace

std::string_view to_string(PolicyKind k) {
  switch (k) {
    case PolicyKind::Template:
      return "template";
    case PolicyKind::Group:
      return "group";
    case PolicyKind::Flag:
      return "flag";
  }
  return "?";
}

const std::vector<std::string>& categories() {
  static const std::vector<std::string> c = {"networking", "filesystem", "runtime", "user", "misc"};
  return c;
}

std::string PolicyItem::source() const {
  std::string s = std::string(to_string(kind)) + " " + name;
  return administrator ? s + " (administrator)" : s;
}

bool policy_name_valid(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!ok(s.front()) || !ok(s.back())) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (!ok(s[i]) && !(s[i] == '-' && s[i + 1] != '-')) return false;
  return true;
}

const std::vector<std::string>& capability_denylist() {
  static const std::vector<std::string> d = {"mac_admin", "sys_admin", "sys_module", "sys_ptrace",
                                             "sys_rawio"};
  return d;
}

bool capability_known(std::string_view name) {
  return capability_from_name(name).has_value();
}

PolicyItem parse_policy_item(const std::string& text, const std::string& file, PolicyKind kind,
                             const std::string& name, bool administrator) {
  PolicyItem item;
  item.kind = kind;
  item.name = name;
  item.file = file;
  item.administrator = administrator;
  if (!policy_name_valid(name))
    throw ConfineError(file + ": invalid " + std::string(to_string(kind)) + " name " + quote(name) +
                       " (must match ^[a-z0-9](-?[a-z0-9])*$)");
  const json doc = parse_strict(text, file);
  // "comment" first: whether a denylisted capability may be granted depends
  // on it, wherever it stands in the file.
  if (doc.is_object() && doc.contains("comment") && doc["comment"].is_string())
    item.comment = doc["comment"].get<std::string>();
  ItemParser(item).parse(doc);
  item.rules.sources.push_back(item.source());
  return item;
}

}  // namespace confine::policy
