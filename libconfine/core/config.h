// /etc/confine/config.json: where things live and how strictly to confine.
// A missing file means all defaults; unknown keys and wrong types are errors
// naming the file and key.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/coverage.h"

#include "core/error.h"

namespace confine {

inline constexpr const char* kDefaultConfigPath = "/etc/confine/config.json";

// How a confinement layer that the kernel may lack is treated.
enum class LayerMode {
  Required,     // the kernel lacks it -> exit 125, app not started
  IfAvailable,  // the kernel lacks it -> one-line notice, app runs without it
};

struct Config {
  std::string path;  // the file this was read from ("" = defaults only)

  std::string apps_dir = "/var/lib/confine/apps";
  std::string data_dir = "/var/lib/confine/data";
  std::string policy_dir = "/var/lib/confine/policy";
  std::string templates_dir = CONFINE_DEFAULT_TEMPLATES_DIR;
  std::string flags_dir = "/etc/confine/flags.d";      // administrators' own flags
  std::string units_dir = "/etc/systemd/system";       // generated service units
  std::string tmp_dir = "/tmp";                        // parent of per-user app tmp dirs
  // Where `confine install` adds package users: <accounts_root>/etc/passwd
  // and group (useradd --prefix); "/" is the system's own.
  std::string accounts_root = "/";
  int nice = 0;                                        // -20..19, applied at every launch
  // The most a package tree may hold, counting every file's size (holes
  // included): `confine install` refuses a larger one before it fills the disk.
  unsigned long long max_package_size = 4ULL << 30;

  LayerMode apparmor = LayerMode::IfAvailable;
  std::string global_profile;      // stack every app with this profile ("" = none)
  std::string apparmor_namespace;  // load/launch profiles in this namespace ("" = none)
  LayerMode seccomp = LayerMode::Required;
  LayerMode devices = LayerMode::Required;
  // Landlock: if-available applies it where AppArmor is not enabled (the two
  // together would hide AppArmor's denials and their log lines); required
  // applies it always and fails the launch without it.
  LayerMode landlock = LayerMode::IfAvailable;
  // The modes of layers registered at run time (core/layers.h), by name.
  std::map<std::string, LayerMode, std::less<>> layer_modes;
  // Set PR_SET_NO_NEW_PRIVS even when the launcher runs as root (it is always
  // set for callers without CAP_SYS_ADMIN, which seccomp requires).
  bool no_new_privs = false;
  // Access classes (core/coverage.h) the administrator accepts as held by no
  // layer on this kernel: such a launch runs, reported as partially confined.
  // Any other gap fails the launch (exit 125).
  std::vector<AccessClass> accept_gaps;
};

// Reads `path`; ENOENT yields defaults only when `missing_ok`.
Result<Config> load_config(const std::string& path, bool missing_ok);
// Parses config JSON text; `origin` names the file in messages.
Result<Config> parse_config(const std::string& text, const std::string& origin);

std::string_view to_string(LayerMode m);

}  // namespace confine
