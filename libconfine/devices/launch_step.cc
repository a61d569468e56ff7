#include "devices/launch_step.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "core/layers.h"
#include "core/safe_io.h"
#include "devices/bpf_program.h"
#include "devices/cgroup_dir.h"
#include "devices/cgroup_v1.h"
#include "devices/cgroup_v2.h"
#include "devices/grants.h"
#include "devices/rules.h"
#include "launch/privileges.h"
#include "launch/steps.h"

namespace confine::devices {
namespace {

constexpr size_t kMaxAssignmentsFile = size_t{256} * 1024;
// Tries when a cgroup was removed under us before we joined it (see
// create_and_join()).
constexpr int kAttempts = 3;
constexpr size_t kMaxProcCgroup = size_t{64} * 1024;

// The rules of one launch: defaults, the package's assignments, the grants.
Result<std::vector<DeviceRule>> launch_rules(launch::LaunchContext& ctx) {
  std::vector<DeviceRule> rules = default_rules();
  const std::string assigned = ctx.layout.device_assignments(ctx.record.id.key);
  auto text = ctx.read_artifact(assigned, kMaxAssignmentsFile);
  if (text) {
    auto more = parse_rules(*text, assigned);
    if (!more) return more.error();
    rules.insert(rules.end(), more->begin(), more->end());
  } else if (text.error().err != ENOENT) {
    return text.error();
  }
  auto granted = ctx.grants();
  if (!granted) return granted.error();
  if (*granted) rules.insert(rules.end(), (*granted)->devices.begin(), (*granted)->devices.end());
  if (rules.size() > kMaxRules)
    return Error::from_errno(E2BIG, "more than " + std::to_string(kMaxRules) + " device rules");
  return rules;
}

class DeviceCgroupStep final : public launch::LaunchStep {
 public:
  explicit DeviceCgroupStep(DeviceStepOptions opts) : opts_(std::move(opts)) {}
  const char* name() const override { return "device cgroup"; }
  std::optional<Layer> layer() const override { return Layer::Devices; }

  Status prepare(launch::LaunchContext& ctx) override {
    const bool required = ctx.config.devices == LayerMode::Required;
    auto det = detect_for_launch();
    if (!det) return det.error();
    if (det->backend == Backend::None) {
      Error e = Error::from_errno(ENODEV,
                                  "no device cgroup mechanism: neither a cgroup2 hierarchy this "
                                  "process is in nor the v1 devices controller is mounted");
      if (required) return e;
      ctx.skipped.push_back("device cgroup: " + e.message);
      return Status::Ok();
    }
    backend_ = det->backend;
    auto rules = launch_rules(ctx);
    if (!rules) return rules.error();
    auto base = open_cgroup_base(*det);
    if (!base) return base.error();
    base_ = std::move(base).value();

    app_ = ctx.record.id.str();
    where_ = base_.path + "/confine/" + app_ + "/";
    if (backend_ == Backend::V2) {
      // v2: the launcher joins the rule set's cgroup itself (cgroup_dir.h).
      program_ = device_program(*rules);
      set_ = rule_set_name(program_);
      where_ += set_;
    } else {
      for (int i = 0; i < kAttempts; ++i) names_.push_back(launch_cgroup_name());
      allow_lines_ = v1_allow_lines(*rules);
    }
    if (ctx.raised_by_file_caps) {
      // The rows of the launcher's privilege table for this step and backend
      // (launch/privileges.h): file-system ids 0, then the v1 files or the
      // v2 program.
      raise_ = launch::launcher_caps_for(
          launch::kNeedFsRootIds |
          (backend_ == Backend::V2 ? launch::kNeedCgroupV2 : launch::kNeedCgroupV1));
    }
    ctx.layers.devices = true;
    ctx.applied.push_back("device cgroup (" + std::string(to_string(backend_)) + ", " +
                          std::to_string(rules->size()) + " rules, " + where_ +
                          (names_.empty() ? "" : names_[0]) + ")");
    return Status::Ok();
  }

  Status apply(launch::LaunchContext&) override {
    if (backend_ == Backend::None) return Status::Ok();  // skipped, reported in prepare()
    if (raise_)
      if (auto s = launch::raise_effective(raise_); !s) return s;
    Status result = launch::use_root_fs_ids();
    if (result) {
      result = create_and_join();
      launch::restore_fs_ids();
    }
    // Lower whatever happened: nothing after this step needs them, and the
    // privileges step drops them for good.
    if (raise_)
      if (auto s = launch::lower_effective(); !s && result.ok()) result = s;
    return result;
  }

 private:
  Result<Detection> detect_for_launch() const {
    // The common case without mountinfo: in a cgroup2 hierarchy mounted at
    // its usual place (well_known_cgroup2_root() says when that is certain),
    // v2 is the answer choose_backend() would give.
    if (opts_.force != Backend::V1 && opts_.v2_mount.empty()) {
      UniqueFd fd(::open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC));
      if (!fd.valid()) return Error::from_errno(errno, "cannot open /proc/self/cgroup");
      auto text = read_fd(fd.get(), kMaxProcCgroup);
      if (!text) return text.error().context("/proc/self/cgroup");
      ProcCgroups cg = parse_proc_cgroup(*text);
      if (!cg.v2_path.empty())
        if (std::string mount = well_known_cgroup2_root(); !mount.empty())
          return Detection{Backend::V2, mount, cg.v2_path};
    }
    auto facts = read_cgroup_facts();
    if (!facts) return facts.error();
    CgroupMounts& m = facts->mounts;
    if (!opts_.v2_mount.empty()) m.v2_mount = opts_.v2_mount;
    if (opts_.force == Backend::V1) m.v2_mount.clear();
    if (opts_.force == Backend::V2) m.v1_devices.clear();
    return choose_backend(m, facts->cgroups);
  }

  // No allocation on success (error messages allocate, after which the
  // launch ends).
  Status create_and_join() {
    const Syscalls& sys = *opts_.sys;
    auto top = ensure_cgroup_dir(base_.fd.get(), "confine", false, sys);
    if (!top) return top.error().context(base_.path + "/confine");
    auto app = ensure_cgroup_dir(top->get(), app_.c_str(), false, sys);
    if (!app) return app.error().context(base_.path + "/confine/" + app_);
    // v1: the launch cgroups of exited launches go first. v2 has none: after
    // joining, the rule sets of earlier rules are removed once empty (an
    // unused set is a directory listing away; nothing is created per launch).
    if (backend_ == Backend::V1) reap_app_cgroups(app->get(), "");

    for (int i = 0;; ++i) {
      Status s = backend_ == Backend::V2 ? launch_v2(app->get()) : launch_v1(app->get(), names_[i]);
      if (s) {
        if (backend_ == Backend::V2) prune_rule_sets(app->get(), set_.c_str());
        return s;
      }
      // ENOENT/ENODEV: a cgroup was removed under us before we joined it
      // (v1: another launch's reaper judged its pid dead, e.g. from another
      // pid namespace; v2: a launch with other rules, or confine install,
      // removed the rule set while it was still empty). Start again (v1:
      // with the next name); anything else fails the launch.
      const int e = s.error().err;
      if ((e != ENOENT && e != ENODEV) || i + 1 >= kAttempts) return s;
    }
  }

  Status launch_v1(int app, const std::string& name) {
    const Syscalls& sys = *opts_.sys;
    auto dir = ensure_cgroup_dir(app, name.c_str(), true, sys);
    if (!dir) return dir.error().context(where_ + name);
    int not_granted = 0;
    Status s = configure_v1(dir->get(), allow_lines_, sys, not_granted);
    if (s) s = join_cgroup(dir->get(), sys);
    if (s) return s;
    // A launch cgroup whose rules are not all in place must not outlive
    // the failed launch: nobody may join it later.
    ::unlinkat(app, name.c_str(), AT_REMOVEDIR);
    // (No context string unless it failed: apply() allocates only on errors.)
    return s.context(where_ + name);
  }

  // Joins the rule set's cgroup <app>/r-<hash>, creating it and attaching
  // its program first when needed.
  Status launch_v2(int app) {
    const Syscalls& sys = *opts_.sys;
    bool created = false;
    auto set = ensure_cgroup_dir(app, set_.c_str(), false, sys, &created);
    if (!set) return set.error().context(where_);
    // The rule set's program: attached by whoever created the set. Without
    // one (its creator failed, or has not attached yet) attach our own:
    // a launch never joins a set that has no program.
    uint32_t attached = 0;
    if (!created) {
      auto n = attached_device_programs(set->get(), sys);
      if (!n) return n.error().context(where_);
      attached = *n;
    }
    if (attached == 0) {
      auto prog = load_device_program(program_, sys);
      Status s = prog ? attach_device_program(set->get(), prog->get(), sys) : prog.error();
      if (!s) {
        // A set we made and could not equip goes again (rmdir fails with
        // EBUSY if a concurrent launch joined it after attaching its own).
        if (created) ::unlinkat(app, set_.c_str(), AT_REMOVEDIR);
        return s.context(where_);
      }
    }
    // (No context string unless it failed: apply() allocates only on errors.)
    if (auto s = join_cgroup(set->get(), sys); !s) return s.context(where_);
    return Status::Ok();
  }

  DeviceStepOptions opts_;
  Backend backend_ = Backend::None;
  CgroupBase base_;
  std::string app_, where_;
  std::string set_;  // v2: the rule set's cgroup name, "r-<hash>"; v1: ""

  std::vector<std::string> names_;  // v1: launch cgroup names, one per attempt
  std::vector<bpf_insn> program_;
  std::vector<std::string> allow_lines_;
  launch::CapSet raise_ = 0;
};

}  // namespace

std::unique_ptr<launch::LaunchStep> make_device_cgroup_step(DeviceStepOptions opts) {
  return std::make_unique<DeviceCgroupStep>(std::move(opts));
}

}  // namespace confine::devices

// The factory launch/steps.cc calls (declared in launch/steps.h).
std::unique_ptr<confine::launch::LaunchStep> confine::launch::make_device_cgroup_step() {
  return devices::make_device_cgroup_step({});
}
