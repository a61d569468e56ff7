// An installed sample package for end-to-end tests of confine-run: a config
// under a TempDir that points every directory into it, and packages placed in
// apps_dir with their launch records, exactly as `confine install` leaves
// them (install dir, `current` link, <policy_dir>/launch/<APP_ID>).
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
  std::string name;                  // app name ("show")
  std::string exec;                  // path in the package ("bin/show")
  std::string script = kShowScript;  // file content
  unsigned mode = 0755;              // file mode
  bool create_file = true;           // false: the launch record names a missing file
};

class SampleInstall {
 public:
  // `nice` goes into the config. The package origin is unique per process and
  // fixture, so the per-user data dir it creates in $HOME is ours to remove.
  explicit SampleInstall(int nice = 5);
  ~SampleInstall();

  // Installs `version` of package "hello.<origin>" with `apps`; `make_current`
  // points <key>/current at it.
  void install(const std::string& version, const std::vector<SampleApp>& apps,
               bool make_current = true);

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
