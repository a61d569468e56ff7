#include "devices/assignments.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <filesystem>

#include "apparmor/profile.h"
#include "core/error.h"
#include "core/lines.h"
#include "core/safe_io.h"
#include "install/installed.h"

namespace confine::devices {
namespace {

constexpr size_t kMaxFile = size_t{256} * 1024;

// Holds the devices dir's lock for one read-modify-write.
class AssignmentsLock {
 public:
  explicit AssignmentsLock(const Layout& l) {
    throw_if_error(make_dirs(l.devices_dir(), 0755));
    const std::string path = l.devices_dir() + "/.lock";
    fd_ = UniqueFd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd_.valid()) throw ConfineError("cannot open " + path, errno);
    if (::flock(fd_.get(), LOCK_EX) != 0) throw ConfineError("cannot lock " + path, errno);
  }

 private:
  UniqueFd fd_;
};

constexpr std::string_view kNodePrefix = "#node ";

// Writes `list` (the lock held). The #node lines follow their rule, so the
// launcher, which skips comments, reads exactly the rules.
void write_locked(const Layout& l, const PackageKey& k, const std::vector<Assignment>& list) {
  const std::string path = l.device_assignments(k);
  if (list.empty()) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      throw ConfineError("cannot remove " + path, errno);
    return;
  }
  std::string text = "# Devices assigned to " + k.str() +
                     " with confine hw-assign; #node lines name the nodes the AppArmor\n"
                     "# profiles grant for the rule above them. See confine(8).\n";
  for (const auto& a : list) {
    text += format_rule(a.rule) + "\n";
    for (const auto& n : a.nodes) {
      apparmor::check_device_node_path(n);
      text += std::string(kNodePrefix) + n + "\n";
    }
  }
  throw_if_error(atomic_write(path, text, 0644));
}

}  // namespace

PackageKey installed_package(const Config& c, const std::string& key) {
  auto k = PackageKey::parse(key);
  if (!k) throw ConfineError(k.error().message);
  const std::string dir = Layout(c).package_dir(*k);
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw ConfineError("unknown package \"" + key + "\": not installed in " + c.apps_dir);
  return *k;
}

DeviceRule device_rule(const std::string& device, bool all_minors, uint8_t access) {
  if (device.empty()) throw ConfineError("empty DEVICE");
  if (device[0] != '/') {
    // "c 116:*": the rule grammar with the access given separately.
    auto r = parse_rule(device + " " + format_access(access));
    if (!r)
      throw ConfineError("invalid DEVICE \"" + device +
                         "\": expected a device node path or \"c|b MAJOR:MINOR|*\"");
    if (r->major == kAny)
      throw ConfineError("invalid DEVICE \"" + device + "\": a major number is required");
    if (all_minors) r->minor = kAny;
    return *r;
  }
  struct stat st, lst;
  if (::stat(device.c_str(), &st) != 0) {
    int e = errno;
    if (::lstat(device.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode))
      throw ConfineError(device + " is a symlink to a missing file", e);
    throw ConfineError("cannot use " + device, e);
  }
  if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
    std::string what = S_ISDIR(st.st_mode)   ? "a directory"
                       : S_ISREG(st.st_mode) ? "a regular file"
                                             : "not a device node";
    if (::lstat(device.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode))
      throw ConfineError(device + " is a symlink to " + what + ", not a device node");
    throw ConfineError(device + " is " + what + ", not a device node");
  }
  DeviceRule r;
  r.type = S_ISCHR(st.st_mode) ? 'c' : 'b';
  const unsigned maj = major(st.st_rdev), min = minor(st.st_rdev);
  if (maj > static_cast<unsigned>(kMaxMajor) || min > static_cast<unsigned>(kMaxMinor))
    throw ConfineError(device + ": device number " + std::to_string(maj) + ":" +
                       std::to_string(min) + " is out of range");
  r.major = static_cast<int>(maj);
  r.minor = all_minors ? kAny : static_cast<int>(min);
  r.access = access;
  return r;
}

Assignment make_assignment(const std::string& device, const DeviceRule& r) {
  Assignment a{r, {}};
  if (!device.empty() && device[0] == '/') {
    // AppArmor mediates the path the open resolves to: /dev/cdrom -> /dev/sr0.
    char buf[PATH_MAX];
    if (!::realpath(device.c_str(), buf)) throw ConfineError("cannot resolve " + device, errno);
    const std::string node = buf;
    if (!node.starts_with("/dev/"))
      throw ConfineError(device + " resolves to " + node +
                         ", which is not under /dev/: only nodes under /dev/ can be assigned");
    apparmor::check_device_node_path(node);
    // The rule came from stat(device): the node AppArmor will grant must be
    // that same device (a symlink swapped in between must not pair one
    // node's number with another node's path).
    struct stat st;
    if (::stat(node.c_str(), &st) != 0) throw ConfineError("cannot use " + node, errno);
    const char type = S_ISCHR(st.st_mode) ? 'c' : S_ISBLK(st.st_mode) ? 'b' : 0;
    if (type != r.type || static_cast<int>(major(st.st_rdev)) != r.major ||
        (r.minor != kAny && static_cast<int>(minor(st.st_rdev)) != r.minor))
      throw ConfineError(device + " changed while it was being assigned");
    a.nodes.push_back(node);
  }
  if (r.minor == kAny || device.empty() || device[0] != '/') {
    for (auto& n : nodes_matching(r)) {
      apparmor::check_device_node_path(n);
      a.nodes.push_back(std::move(n));
    }
  }
  std::sort(a.nodes.begin(), a.nodes.end());
  a.nodes.erase(std::unique(a.nodes.begin(), a.nodes.end()), a.nodes.end());
  return a;
}

std::vector<Assignment> read_assignments(const Layout& l, const PackageKey& k) {
  const std::string path = l.device_assignments(k);
  auto fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) {
    if (errno == ENOENT) return {};
    throw ConfineError("cannot open " + path, errno);
  }
  auto text = value_or_throw(read_fd(fd.get(), kMaxFile));
  // The rules as the launcher reads them (one set of checks), then the
  // #node lines attached to the rule above them.
  auto rules = value_or_throw(parse_rules(text, path));
  std::vector<Assignment> out;
  LineReader lines(text);  // parse_rules checked the final newline
  std::string_view view;
  while (lines.next(view)) {
    const int lineno = lines.lineno();
    const std::string line(view);
    const std::string where = path + ":" + std::to_string(lineno) + ": ";
    if (line.starts_with(kNodePrefix)) {
      if (out.empty()) throw ConfineError(where + "#node line before any rule");
      const std::string node = line.substr(kNodePrefix.size());
      try {
        apparmor::check_device_node_path(node);
      } catch (const ConfineError& e) {
        throw ConfineError(where + e.what());
      }
      out.back().nodes.push_back(node);
    } else if (!line.empty() && line[0] != '#') {
      out.push_back(Assignment{rules.at(out.size()), {}});
    }
  }
  return out;
}

void write_assignments(const Layout& l, const PackageKey& k, const std::vector<Assignment>& list) {
  AssignmentsLock lock(l);
  write_locked(l, k, list);
}

void remove_assignments(const Layout& l, const PackageKey& k) {
  struct stat st;
  if (::lstat(l.device_assignments(k).c_str(), &st) != 0 && errno == ENOENT) return;
  AssignmentsLock lock(l);
  write_locked(l, k, {});
}

bool assignments_are_stale(const Layout& l, const PackageKey& k, const std::string& version) {
  for (const auto& v : install::installed_versions(l, k))
    if (v != version) return false;
  return install::current_version(l, k) != version;
}

AssignResult assign_device(const Layout& l, const PackageKey& k, const Assignment& a) {
  AssignmentsLock lock(l);
  auto list = read_assignments(l, k);
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const auto& x) { return x.rule.same_device(a.rule); });
  if (it != list.end() && *it == a) return AssignResult::Unchanged;
  AssignResult res = AssignResult::Added;
  if (it != list.end()) {
    *it = a;
    res = AssignResult::Updated;
  } else {
    if (list.size() >= kMaxRules - default_rules().size())
      throw ConfineError("too many devices assigned to " + k.str());
    list.push_back(a);
  }
  write_locked(l, k, list);
  return res;
}

void unassign_device(const Layout& l, const PackageKey& k, const DeviceRule& r) {
  AssignmentsLock lock(l);
  auto list = read_assignments(l, k);
  auto n = std::erase_if(list, [&](const auto& x) { return x.rule.same_device(r); });
  if (n == 0) {
    std::string device = format_rule(r);
    device.resize(device.rfind(' '));  // "c 10:237" without the access
    throw ConfineError(device + " is not assigned to " + k.str());
  }
  write_locked(l, k, list);
}

std::vector<std::string> nodes_matching(const DeviceRule& r, const std::string& dev) {
  std::vector<std::string> out;
  std::error_code ec;
  namespace fs = std::filesystem;
  for (auto it =
           fs::recursive_directory_iterator(dev, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    if (it.depth() > 3 && S_ISDIR(st.st_mode)) it.disable_recursion_pending();
    const char type = S_ISCHR(st.st_mode) ? 'c' : S_ISBLK(st.st_mode) ? 'b' : 0;
    if (type != r.type) continue;
    if ((r.major == kAny || static_cast<unsigned>(r.major) == major(st.st_rdev)) &&
        (r.minor == kAny || static_cast<unsigned>(r.minor) == minor(st.st_rdev)))
      out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace confine::devices
