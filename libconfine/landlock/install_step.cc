#include "landlock/install_step.h"

#include "core/layers.h"
#include "core/safe_io.h"
#include "devices/assignments.h"
#include "install/staged_files.h"
#include "landlock/compute.h"

namespace confine::landlock {
namespace {

// The policy plus the device nodes assigned to the package (hw-assign): the
// device cgroup lets the app open them, so the filesystem layer must too.
// hw-assign re-runs the install steps, so the rules follow assignments.
policy::Policy with_assigned_nodes(const install::InstallContext& ctx, policy::Policy p) {
  if (devices::assignments_are_stale(ctx.layout, ctx.meta.key(), ctx.meta.version)) return p;
  for (const auto& a : devices::read_assignments(ctx.layout, ctx.meta.key())) {
    std::string access;
    if (a.rule.access & devices::kAccessRead) access += 'r';
    if (a.rule.access & devices::kAccessWrite) access += 'w';
    for (const auto& node : a.nodes)
      p.allow.files.push_back(policy::FileRule{node, access, false, "hw-assign"});
  }
  return p;
}

class LandlockInstallStep final : public install::InstallStep {
 public:
  const char* name() const override { return layer_name(Layer::Landlock).data(); }
  std::optional<Layer> layer() const override { return Layer::Landlock; }

  void prepare(install::InstallContext& ctx) override {
    throw_if_error(make_dirs(ctx.layout.landlock_dir(), 0755));
    for (auto& app : ctx.apps) {
      if (!app.raw_apparmor.empty() || app.entry->security_policy) continue;
      files_.stage(ctx.layout.landlock_rules(app.id),
                   serialize(compute_rules(with_assigned_nodes(ctx, app.policy))));
      app.layers.emplace_back(layer_name(Layer::Landlock));
    }
  }

  void commit(install::InstallContext&) override { files_.commit(); }
  void abort(install::InstallContext&) noexcept override { files_.discard(); }

  void remove(const Config&, const Layout& layout, const std::vector<AppId>& ids) override {
    for (const auto& id : ids) install::remove_with_staged(layout.landlock_rules(id));
  }

 private:
  install::StagedFiles files_;
};

}  // namespace

std::unique_ptr<install::InstallStep> make_landlock_install_step() {
  return std::make_unique<LandlockInstallStep>();
}

}  // namespace confine::landlock
