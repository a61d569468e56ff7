// An installed sample package for end-to-end tests of confine-run: a config
// under a TempDir that points every directory into it, and packages installed
// into it by the real `confine install` (so confine-run sees exactly what an
// install leaves: install dir, `current` link, launch record, seccomp filter,
// AppArmor profile). Broken states (a non-executable or missing app file) are
// made by changing the installed files afterwards, as root could.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/config.h"
#include "test_support.h"

namespace confine::testing {

// The test app: prints what it sees, one fact per line:
//   argv0=<$0>  arg=[<each argument>]  cwd=<physical cwd>
//   nice=<field 19 of /proc/<pid>/stat>  env:<each NAME=value of its initial environ>
extern const char kShowScript[];

struct SampleApp {
  enum class After { Keep, MakeNonExecutable, Remove, ReplaceWithDirectory };
  std::string name;                  // app name ("show")
  std::string exec;                  // path in the package ("bin/show")
  std::string script = kShowScript;  // file content
  After after = After::Keep;         // what to do to the installed file
  std::string security = "";         // the app's security fields, JSON members ("" = none)
};

class SampleInstall {
 public:
  // `nice` goes into the config. The package origin is unique per process and
  // fixture, so the per-user data dir it creates in $HOME is ours to remove.
  explicit SampleInstall(int nice = 5);
  // Removes the package with `confine remove` (unloading its AppArmor
  // profiles from the kernel) and the per-user data dir.
  ~SampleInstall();

  // Installs `version` of package "hello.<origin>" with `apps` through
  // `confine install`, which makes it the current version. Returns false
  // (after a gtest failure naming confine's error) when the install failed.
  bool install(const std::string& version, const std::vector<SampleApp>& apps);

  const std::string& config_path() const { return config_path_; }
  const Config& config() const { return config_; }
  std::string key() const { return "hello." + origin_; }
  std::string app_id(const std::string& app, const std::string& version) const {
    return key() + "_" + app + "_" + version;
  }
  std::string install_dir(const std::string& version) const {
    return config_.apps_dir + "/" + key() + "/" + version;
  }
  std::string launch_record(const std::string& app, const std::string& version) const {
    return config_.policy_dir + "/launch/" + app_id(app, version);
  }
  // $HOME of the real user running the tests, from the password database.
  static std::string real_home();
  const TempDir& dir() const { return dir_; }

  // Runs confine-run --config <ours> with `args` and an environment of
  // PATH plus `env`.
  RunResult run(const std::vector<std::string>& args,
                const std::vector<std::string>& env = {}) const;

 private:
  TempDir dir_;
  std::string origin_;
  std::string config_path_;
  Config config_;
  bool installed_ = false;
};

// The app's output parsed: "env:" lines into `env`, "arg=" lines into `args`,
// anything else as key=value into `facts`.
struct AppView {
  std::map<std::string, std::string> env;
  std::vector<std::string> args;
  std::map<std::string, std::string> facts;
};
AppView parse_app_output(const std::string& out);

}  // namespace confine::testing
