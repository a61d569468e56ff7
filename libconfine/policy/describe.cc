#include "policy/describe.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "landlock/compute.h"
#include "policy/glob.h"
#include "policy/syscall_rules.h"

namespace confine::policy {
namespace {

constexpr size_t kWidth = 78;
constexpr size_t kLabel = 16;  // "  deny syscalls " + padding

const PolicyItem* find_source(const PolicyLibrary* lib, const std::string& source) {
  if (!lib) return nullptr;
  for (auto k : {PolicyKind::Template, PolicyKind::Group, PolicyKind::Flag})
    for (const auto* i : lib->items(k))
      if (i->source() == source) return i;
  return nullptr;
}

class Section {
 public:
  explicit Section(std::string& out) : out_(out) {}

  // Words filled into lines after the label.
  void words(const std::string& label, const std::vector<std::string>& ws,
             const std::string& sep = " ") {
    if (ws.empty()) return;
    std::string line = pad(label);
    bool first = true;
    for (const auto& w : ws) {
      if (!first && line.size() + sep.size() + w.size() > kWidth) {
        out_ += line + (sep == " " ? "" : ",") + "\n";
        line = pad("");
        first = true;
      }
      line += (first ? "" : sep) + w;
      first = false;
    }
    out_ += line + "\n";
  }
  // One entry per line after the label.
  void lines(const std::string& label, const std::vector<std::string>& ls) {
    for (size_t i = 0; i < ls.size(); ++i) out_ += pad(i == 0 ? label : "") + ls[i] + "\n";
  }

 private:
  static std::string pad(const std::string& label) {
    std::string s = "  " + label;
    if (s.size() < kLabel)
      s.resize(kLabel, ' ');
    else
      s += " ";
    return s;
  }
  std::string& out_;
};

std::string file_text(const FileRule& f) {
  std::string access = (f.audit ? "audit " : "") + f.access;
  if (access.size() < 6) access.resize(6, ' ');
  return access + " " + f.path;
}

std::string device_text(const DeviceRule& d) {
  auto num = [](int n) { return n < 0 ? std::string("*") : std::to_string(n); };
  return std::string(1, d.type) + " " + num(d.major) + ":" + num(d.minor) + " " + d.access;
}

void describe_syscalls(Section& s, const std::string& label, const std::vector<SyscallRule>& rules,
                       const std::string& source) {
  std::vector<std::string> plain, conditional;
  for (const auto& r : rules) {
    if (r.source != source) continue;
    if (r.conditions.empty() && !r.optional)
      plain.push_back(r.name);
    else
      conditional.push_back(to_text(r));
  }
  s.words(label, plain);
  s.lines(plain.empty() ? label : "", conditional);
}

// How the Landlock layer (kernels without AppArmor) holds a file rule
// where it cannot hold it exactly (landlock/compute.cc); "" when exact.
std::string landlock_note(const std::string& glob) {
  if (glob.starts_with("/dev/pts/")) return "not granted (the app keeps the terminal it inherited)";
  bool complete = true;
  const auto all = expand_braces(glob, 256, complete);
  for (const auto& g : all) {
    // Where landlock/compute.cc cuts it: a wildcard or a variable not
    // substituted at launch (@{multiarch}).
    const size_t w = landlock::literal_end(g);
    if (w == std::string::npos) {
      // "DIR/{,**}": beneath is granted anyway, the listing adds nothing.
      if (g.ends_with("/") && std::find(all.begin(), all.end(), g + "**") == all.end())
        return "listing " + g + " lists every directory beneath it (names)";
      continue;
    }
    const std::string rest = g.substr(w);
    if (rest == "[^.]**" && g[w - 1] == '/')
      return "one rule per non-dot entry of " + g.substr(0, w) + ", added at launch (exact)";
    if (rest != "**" || g[w - 1] != '/')
      return "all of " + g.substr(0, g.rfind('/', w) + 1) + " (wider than the pattern)";
  }
  return complete ? "" : "the directory before the first brace (wider than the pattern)";
}

// Landlock's way of holding each file rule it cannot hold exactly, once.
std::vector<std::array<std::string, 3>> landlock_notes(const Policy& p) {
  std::vector<std::array<std::string, 3>> notes;
  auto note = [&](const std::string& glob, const std::string& access) {
    std::array<std::string, 3> n{glob, access, landlock_note(glob)};
    if (!n[2].empty() && std::find(notes.begin(), notes.end(), n) == notes.end())
      notes.push_back(std::move(n));
  };
  for (const auto& f : p.allow.files) note(f.path, f.access);
  for (const auto& line : p.apparmor_raw)
    if (auto r = simple_file_rule(line)) note(r->first, r->second);
  return notes;
}

nlohmann::json rules_json(const RuleSet& r) {
  nlohmann::json syscalls = nlohmann::json::array(), files = nlohmann::json::array(),
                 devices = nlohmann::json::array();
  for (const auto& s : r.syscalls) {
    nlohmann::json conditions = nlohmann::json::array();
    for (const auto& c : s.conditions) conditions.push_back(to_text(c));
    syscalls.push_back({{"name", s.name},
                        {"conditions", conditions},
                        {"optional", s.optional},
                        {"source", s.source}});
  }
  for (const auto& f : r.files)
    files.push_back(
        {{"path", f.path}, {"access", f.access}, {"audit", f.audit}, {"source", f.source}});
  for (const auto& d : r.devices)
    devices.push_back({{"type", std::string(1, d.type)},
                       {"major", d.major},
                       {"minor", d.minor},
                       {"access", d.access},
                       {"source", d.source}});
  return {{"syscalls", syscalls},
          {"files", files},
          {"capabilities", r.capabilities},
          {"network", r.network},
          {"devices", devices}};
}

}  // namespace

nlohmann::json policy_json(const Policy& p, const PolicyLibrary* lib) {
  nlohmann::json sources = nlohmann::json::array(), landlock = nlohmann::json::array();
  for (const auto& source : p.sources) {
    const PolicyItem* item = find_source(lib, source);
    std::vector<std::string> inc;
    if (item)
      for (const auto& f : item->flags) inc.push_back(f.name);
    sources.push_back(
        {{"name", source}, {"description", item ? item->description : ""}, {"includes", inc}});
  }
  for (const auto& [path, access, how] : landlock_notes(p))
    landlock.push_back({{"path", path}, {"access", access}, {"holds", how}});
  return {{"sources", sources},
          {"allow", rules_json(p.allow)},
          {"deny", rules_json(p.deny)},
          {"apparmor_raw", p.apparmor_raw},
          {"landlock", landlock}};
}

std::string describe_policy(const Policy& p, const PolicyLibrary* lib) {
  // Raw lines that come from no library item come from a security-override
  // AppArmor file; the model keeps no source for raw lines, so they are shown
  // under the first source that is neither an item nor has other rules.
  std::vector<std::string> other_raw;
  for (const auto& line : p.apparmor_raw) {
    bool from_item = false;
    for (const auto& source : p.sources)
      if (const PolicyItem* i = find_source(lib, source))
        for (const auto& l : i->rules.apparmor_raw) from_item = from_item || l == line;
    if (!from_item) other_raw.push_back(line);
  }

  std::string out;
  Section s(out);
  for (const auto& source : p.sources) {
    const PolicyItem* item = find_source(lib, source);
    out += "\n" + source + (item ? ": " + item->description : "") + "\n";
    const size_t before = out.size();
    if (item) {
      std::vector<std::string> inc;
      for (const auto& f : item->flags) inc.push_back(f.name);
      s.words("includes", inc, ", ");
    }
    describe_syscalls(s, "syscalls", p.allow.syscalls, source);
    describe_syscalls(s, "deny syscalls", p.deny.syscalls, source);
    std::vector<std::string> files, deny_files, devices, deny_devices;
    for (const auto& f : p.allow.files)
      if (f.source == source) files.push_back(file_text(f));
    for (const auto& f : p.deny.files)
      if (f.source == source) deny_files.push_back(file_text(f));
    for (const auto& d : p.allow.devices)
      if (d.source == source) devices.push_back(device_text(d));
    for (const auto& d : p.deny.devices)
      if (d.source == source) deny_devices.push_back(device_text(d));
    s.lines("files", files);
    s.lines("deny files", deny_files);
    s.words("devices", devices, ", ");
    s.words("deny devices", deny_devices, ", ");
    if (item) {
      // Capabilities and network rules carry no source in the model: show
      // those of the item's own file that survived effective().
      std::vector<std::string> caps, net, deny_caps, deny_net;
      for (const auto& c : item->rules.allow.capabilities)
        if (p.allow.capabilities.contains(c)) caps.push_back(c);
      for (const auto& n : item->rules.allow.network)
        if (p.allow.network.contains(n)) net.push_back(n);
      deny_caps.assign(item->rules.deny.capabilities.begin(), item->rules.deny.capabilities.end());
      deny_net.assign(item->rules.deny.network.begin(), item->rules.deny.network.end());
      s.words("capabilities", caps, ", ");
      s.words("deny caps", deny_caps, ", ");
      s.words("network", net, ", ");
      s.words("deny network", deny_net, ", ");
      s.lines("apparmor", item->rules.apparmor_raw);
    } else if (out.size() == before && !other_raw.empty()) {
      s.lines("apparmor", other_raw);
      other_raw.clear();
    }
    if (out.size() == before) out += "  (no rules of its own)\n";
  }
  if (!other_raw.empty()) {
    out += "\nAppArmor lines\n";
    s.lines("apparmor", other_raw);
  }
  // Landlock grants by directory: say where that is not the rule itself.
  std::vector<std::string> notes;
  for (const auto& [path, access, how] : landlock_notes(p))
    notes.push_back(path + " " + access + ": " + how);
  if (!notes.empty()) {
    out += "\nWhere Landlock confines the files (no AppArmor), it grants instead\n";
    s.lines("landlock", notes);
  }
  return out;
}

}  // namespace confine::policy
