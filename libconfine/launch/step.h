// The launch path: an ordered list of steps, each applying one confinement
// layer or fails the launch. See launch/steps.cc for the order.
//
// Steps run after the environment, directories, cwd and nice value are set
// and immediately before execve. A step must not print via spdlog after
// `prepare()` (allocation is done by then); it reports failures as Status.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/coverage.h"
#include "core/error.h"
#include "core/launch_record.h"
#include "core/layers.h"
#include "core/layout.h"
#include "core/safe_io.h"
#include "devices/grants.h"

namespace confine::launch {

// The app's directories as this launch created them, and the user's home
// (from the password database): the values of the policy's variables.
struct AppPaths {
  std::string install_dir, data_dir, user_data_dir, tmp_dir, home;
  std::string runtime_dir;  // Layout::runtime_dir: systemd's, may not exist
};

struct LaunchContext {
  const Config& config;
  const Layout& layout;
  const LaunchRecord& record;
  uid_t uid;  // the real uid of the caller
  gid_t gid;
  // Set when the launcher was raised by file capabilities (not run by root):
  // the caller is untrusted.
  bool raised_by_file_caps = false;
  // Lines for the "applied:" report, e.g. "seccomp (42 rules)".
  std::vector<std::string> applied;
  // Layers skipped because the config allows it, e.g. "apparmor: not enabled in kernel".
  std::vector<std::string> skipped;
  AppPaths paths = {};
  // What the prepared steps will hold: each sets its own fields in
  // prepare(); run_app() computes the coverage from them.
  LayerFacts layers = {};
  // policy_dir as locate_app() opened and checked it: artifacts below it are
  // read from its fd (read_artifact) instead of walking from "/" each time.
  // Null (tests that build a context by hand): each file is walked from "/".
  const TrustedDir* policy_dir = nullptr;
  // The package user a root launch switches to (launch/run_as.h); null: the
  // app runs as its caller.
  const RunUser* run_as = nullptr;

  // The app's grants file (<policy_dir>/grants/<APP_ID>), read and parsed
  // once per launch by the first step that asks (the device cgroup and the
  // privileges steps both need it); null when the record has no "devices"
  // layer. Defined in devices/grants.cc.
  Result<const devices::Grants*> grants();
  std::optional<devices::Grants> grants_read = std::nullopt;  // grants()'s cache

  // Reads the root-owned artifact `path` (an absolute path, normally below
  // policy_dir) with the checks of read_trusted(), at most `max_size` bytes.
  Result<std::string> read_artifact(const std::string& path, size_t max_size) const {
    return policy_dir ? policy_dir->read_file(path, max_size) : read_trusted(path, max_size);
  }
};

class LaunchStep {
 public:
  virtual ~LaunchStep() = default;
  // Short name used in errors: "device cgroup", "apparmor", "seccomp".
  virtual const char* name() const = 0;
  // The layer whose row (core/layers.h) this step applies; none for the
  // privileges step.
  virtual std::optional<Layer> layer() const { return std::nullopt; }
  // Reads and validates artifacts, allocates what apply() needs. May log.
  virtual Status prepare(LaunchContext& ctx) = 0;
  // Applies the layer. Must not allocate or log.
  virtual Status apply(LaunchContext& ctx) = 0;
};

}  // namespace confine::launch
