// Where every file of an app lives, computed from the config alone.
#pragma once

#include <string>
#include <sys/types.h>

#include "core/config.h"
#include "core/layers.h"
#include "core/names.h"

namespace confine {

class Layout {
 public:
  explicit Layout(const Config& c) : c_(c) {}

  // <apps_dir>/<key>
  std::string package_dir(const PackageKey& k) const { return c_.apps_dir + "/" + k.str(); }
  // <apps_dir>/<key>/<version>  (CONFINE_APP_PATH)
  std::string install_dir(const PackageKey& k, const std::string& version) const {
    return package_dir(k) + "/" + version;
  }
  // <apps_dir>/<key>/current -> <version>
  std::string current_link(const PackageKey& k) const { return package_dir(k) + "/current"; }
  // <data_dir>/<key>/<version>  (CONFINE_APP_DATA_PATH)
  std::string data_dir(const PackageKey& k, const std::string& version) const {
    return c_.data_dir + "/" + k.str() + "/" + version;
  }
  // $HOME/.local/share/confine/<key>/<version>  (CONFINE_APP_USER_DATA_PATH)
  static std::string user_data_dir(const std::string& home, const PackageKey& k,
                                   const std::string& version) {
    return home + "/.local/share/confine/" + k.str() + "/" + version;
  }
  // /run/confine/<key>: the package's services' RuntimeDirectory= (systemd
  // makes it, owned by the service's user, 0700)  (CONFINE_APP_RUNTIME_PATH).
  // Below confine's own directory: a framework's key has no dot, and
  // /run/<key> could be a system directory (/run/systemd).
  static std::string runtime_dir(const PackageKey& k) { return "/run/confine/" + k.str(); }
  // RuntimeDirectory='s value for it (relative to /run).
  static std::string runtime_dir_unit_value(const PackageKey& k) { return "confine/" + k.str(); }
  // <tmp_dir>/confine: root's, 0711; holds one directory per user.
  std::string tmp_root() const { return c_.tmp_dir + "/confine"; }
  // <tmp_dir>/confine/<uid>: owned by uid, 0700; parent of the per-app tmp dirs.
  std::string user_tmp_root(uid_t uid) const {
    return tmp_root() + "/" + std::to_string(uid);
  }
  // <tmp_dir>/confine/<uid>/<APP_ID>  (CONFINE_APP_TMPDIR, TMPDIR)
  std::string tmp_dir(const AppId& id, uid_t uid) const {
    return user_tmp_root(uid) + "/" + id.str();
  }

  // Generated artifacts, all under policy_dir, all root-owned; a layer's
  // is where its row of the layer table (core/layers.h) says.
  std::string artifact_dir(Layer layer) const {
    return c_.policy_dir + "/" + std::string(layer_info(layer).artifact_dir);
  }
  std::string launch_dir() const { return c_.policy_dir + "/launch"; }
  std::string launch_record(const AppId& id) const { return launch_dir() + "/" + id.str(); }
  std::string seccomp_dir() const { return artifact_dir(Layer::Seccomp); }
  std::string seccomp_filter(const AppId& id) const { return layer_artifact(c_, Layer::Seccomp, id); }
  std::string apparmor_dir() const { return artifact_dir(Layer::AppArmor); }
  std::string apparmor_profile(const AppId& id) const {
    return layer_artifact(c_, Layer::AppArmor, id);
  }
  std::string apparmor_cache_dir() const { return c_.policy_dir + "/apparmor-cache"; }
  std::string landlock_dir() const { return artifact_dir(Layer::Landlock); }
  std::string landlock_rules(const AppId& id) const {
    return layer_artifact(c_, Layer::Landlock, id);
  }
  std::string devices_dir() const { return c_.policy_dir + "/devices"; }
  std::string device_assignments(const PackageKey& k) const { return devices_dir() + "/" + k.str(); }

  const Config& config() const { return c_; }

 private:
  const Config& c_;
};

}  // namespace confine
