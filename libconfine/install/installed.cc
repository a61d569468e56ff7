#include "install/installed.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "core/error.h"
#include "install/pipeline.h"

namespace confine::install {
namespace {

// Entry names of `dir` (none when it does not exist), sorted.
std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return out;
    throw ConfineError("cannot read directory " + dir, errno);
  }
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(std::move(n));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

bool is_dir(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::optional<std::string> current_version(const Layout& layout, const PackageKey& key) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(layout.current_link(key).c_str(), buf, sizeof buf - 1);
  if (n < 0) return std::nullopt;
  std::string v(buf, static_cast<size_t>(n));
  if (!check_version(v)) return std::nullopt;
  return v;
}

std::vector<std::string> installed_versions(const Layout& layout, const PackageKey& key) {
  std::vector<std::string> out;
  const std::string dir = layout.package_dir(key);
  for (const auto& n : entries(dir))
    if (n != "current" && check_version(n).ok() && is_dir(dir + "/" + n)) out.push_back(n);
  return out;
}

std::vector<AppId> recorded_apps(const Layout& layout, const PackageKey& key) {
  std::vector<AppId> out;
  for (const auto& n : entries(layout.launch_dir())) {
    auto id = AppId::parse(n);
    if (id && id->key == key) out.push_back(std::move(*id));
  }
  return out;
}

std::vector<InstalledPackage> list_packages(const Config& config) {
  const Layout layout(config);
  std::vector<InstalledPackage> out;
  for (const auto& n : entries(config.apps_dir)) {
    auto key = PackageKey::parse(n);
    if (!key || !is_dir(config.apps_dir + "/" + n)) continue;
    InstalledPackage p{*key, {}};
    const auto current = current_version(layout, *key);
    const auto apps = recorded_apps(layout, *key);
    for (const auto& v : installed_versions(layout, *key)) {
      InstalledVersion iv{v, current == v, {}};
      for (const auto& id : apps)
        if (id.version == v) iv.apps.push_back(id);
      p.versions.push_back(std::move(iv));
    }
    if (!p.versions.empty()) out.push_back(std::move(p));
  }
  return out;
}

}  // namespace confine::install
