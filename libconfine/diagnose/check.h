// confine check: which confinement this kernel and system support, and
// whether confine-run would start apps with the current configuration.
//
// gather_facts() asks the system, through the same detection code the launch
// steps use (so `check` and a real launch cannot disagree); evaluate() is a
// pure function of those facts and the config, so every combination is
// testable without the kernel at hand.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/coverage.h"
#include "core/launch_record.h"
#include "devices/detect.h"

namespace confine::diagnose {

struct SystemFacts {
  // seccomp: filter mode with the ERRNO action.
  bool seccomp = false;
  std::string seccomp_problem;  // why not, when !seccomp

  // AppArmor: enabled in the kernel; an unexpected answer is an error that
  // fails every launch (apparmor_problem set, apparmor false).
  bool apparmor = false;
  bool apparmor_error = false;
  std::string apparmor_problem;
  bool apparmor_stacking = false;    // features/domain/stack
  bool apparmor_namespaces = false;  // policy/namespaces
  bool apparmor_signal = false;      // features/signal
  bool apparmor_ptrace = false;      // features/ptrace
  std::string parser;                // apparmor_parser path ("" = not installed)

  // Device cgroup: the backend the launcher would use and where; the v1
  // devices controller's mount too when both exist (a hybrid system).
  devices::Backend devices = devices::Backend::None;
  std::string devices_where;
  std::string devices_v1_also;
  std::string devices_problem;

  int landlock_abi = 0;         // 0 = not available
  std::string landlock_problem;  // why the kernel's answer is not trusted ("" = it is)

  // confine-run beside this confine: its path and whether it carries file
  // capabilities (so that ordinary users can launch apps).
  std::string launcher;
  bool launcher_exists = false;
  bool launcher_file_caps = false;
};

SystemFacts gather_facts();

struct CheckReport {
  std::vector<std::string> lines;             // what to print, one per line
  std::vector<std::string> missing_required;  // layers required but unavailable
  // Apps a launch would refuse for a coverage gap: "user-run apps (file-metadata)".
  std::vector<std::string> refused_for;
  bool ok() const { return missing_required.empty(); }
};

CheckReport evaluate(const SystemFacts& facts, const Config& config);

// The layers a launch on this system would apply for an app running as
// root (`root`) or as another uid (its caller's, or its package user's:
// `package_user`), as the launch steps decide them.
LayerFacts launch_layers(const SystemFacts& facts, const Config& config, bool root,
                         bool package_user = false);

// The coverage lines `check` and `confine policy` print: one per access
// class, for a root-run and a user-run app whose filter lets `allows` through.
std::vector<std::string> coverage_lines(const SystemFacts& facts, const Config& config,
                                        const AppFacts& app_template);

// `confine check --json` (schema "confine-check/1", confine(8)): the facts,
// each layer's mode, the verdict and the coverage of root-run and user-run
// apps, as evaluate() decides them.
nlohmann::json check_json(const SystemFacts& facts, const Config& config,
                          const std::string& config_path);

// The coverage part of it: one object per access class, with how a
// root-run and a user-run app like `app_template` are held ("class",
// "root_run", "user_run"). `confine policy --json` shows it for one app.
nlohmann::json coverage_json(const SystemFacts& facts, const Config& config,
                             const AppFacts& app_template);

// One app's layers, as `confine policy` shows them: each row of the layer
// table in launch order, its mode in `config`, its artifact for the app, and
// whether the app's launch record requires it (`record`: the installed
// record, null when there is none).
struct AppLayer {
  std::string name;
  LayerMode mode;
  std::string artifact;
  bool in_record;
};
std::vector<AppLayer> app_layers(const Config& config, const AppId& id, const LaunchRecord* record);

}  // namespace confine::diagnose
