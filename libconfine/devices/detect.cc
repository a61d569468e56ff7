#include "devices/detect.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "core/safe_io.h"

namespace confine::devices {
namespace {

constexpr size_t kMaxProcFile = size_t{4} * 1024 * 1024;

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string_view::npos ? p : p - start));
    if (p == std::string_view::npos) return out;
    start = p + 1;
  }
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    auto oct = [](char c) { return c >= '0' && c <= '7'; };
    if (s[i] == '\\' && i + 3 < s.size() && oct(s[i + 1]) && oct(s[i + 2]) && oct(s[i + 3])) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
      continue;
    }
    out += s[i];
  }
  return out;
}

bool has_option(std::string_view opts, std::string_view want) {
  for (auto o : split(opts, ','))
    if (o == want) return true;
  return false;
}

Result<std::string> read_proc(const char* path) {
  UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Error::from_errno(errno, std::string("cannot open ") + path);
  auto text = read_fd(fd.get(), kMaxProcFile);
  if (!text) return text.error().context(path);
  return text;
}

}  // namespace

CgroupMounts parse_mountinfo(std::string_view text) {
  CgroupMounts m;
  for (auto line : split(text, '\n')) {
    // id parent major:minor root mountpoint options [optional...] - fstype source superopts
    auto fields = split(line, ' ');
    size_t dash = 0;
    for (size_t i = 6; i < fields.size(); ++i)
      if (fields[i] == "-") {
        dash = i;
        break;
      }
    if (dash == 0 || dash + 3 >= fields.size()) continue;  // malformed: not ours to guess
    if (fields[3] != "/") continue;
    std::string_view fstype = fields[dash + 1];
    std::string_view super = fields[dash + 3];
    if (fstype == "cgroup2" && m.v2_mount.empty()) {
      m.v2_mount = unescape(fields[4]);
    } else if (fstype == "cgroup" && m.v1_devices.empty() && has_option(super, "devices")) {
      m.v1_devices = unescape(fields[4]);
    }
  }
  return m;
}

ProcCgroups parse_proc_cgroup(std::string_view text) {
  ProcCgroups c;
  for (auto line : split(text, '\n')) {
    // hierarchy-id:controller-list:path (the path may contain ':')
    auto c1 = line.find(':');
    if (c1 == std::string_view::npos) continue;
    auto c2 = line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    std::string_view id = line.substr(0, c1);
    std::string_view ctrls = line.substr(c1 + 1, c2 - c1 - 1);
    std::string_view path = line.substr(c2 + 1);
    if (path.empty() || path[0] != '/') continue;  // e.g. outside our cgroup namespace
    if (id == "0" && ctrls.empty()) {
      if (c.v2_path.empty()) c.v2_path = std::string(path);
    } else if (has_option(ctrls, "devices") && c.v1_devices.empty()) {
      c.v1_devices = std::string(path);
    }
  }
  return c;
}

Detection choose_backend(const CgroupMounts& m, const ProcCgroups& c) {
  if (!m.v2_mount.empty() && !c.v2_path.empty()) return {Backend::V2, m.v2_mount, c.v2_path};
  if (!m.v1_devices.empty() && !c.v1_devices.empty())
    return {Backend::V1, m.v1_devices, c.v1_devices};
  return {};
}

Result<CgroupFacts> read_cgroup_facts() {
  auto mi = read_proc("/proc/self/mountinfo");
  if (!mi) return mi.error();
  auto cg = read_proc("/proc/self/cgroup");
  if (!cg) return cg.error();
  return CgroupFacts{parse_mountinfo(*mi), parse_proc_cgroup(*cg)};
}

Result<Detection> detect() {
  auto f = read_cgroup_facts();
  if (!f) return f.error();
  return choose_backend(f->mounts, f->cgroups);
}

std::string_view to_string(Backend b) {
  switch (b) {
    case Backend::V1:
      return "cgroup v1";
    case Backend::V2:
      return "cgroup v2";
    case Backend::None:
      break;
  }
  return "none";
}

}  // namespace confine::devices
