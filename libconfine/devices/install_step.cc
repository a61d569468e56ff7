#include "devices/install_step.h"


#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/layers.h"
#include "core/safe_io.h"
#include "devices/assignments.h"
#include "devices/detect.h"
#include "devices/grants.h"
#include "install/installed.h"
#include "install/staged_files.h"
#include "launch/privileges.h"

namespace confine::devices {
namespace {

// The policy's grants, checked as strictly as the launcher will read them.
Grants grants_of(const install::AppPlan& app) {
  Grants g;
  const std::string where = app.id.str() + ": ";
  for (const auto& name : app.policy.allow.capabilities) {
    auto cap = launch::capability_from_name(name);
    if (!cap) throw ConfineError(where + "capabilities: unknown capability \"" + name + "\"");
    g.capabilities |= launch::cap_bit(*cap);
  }
  for (const auto& d : app.policy.allow.devices) {
    auto bad = [&](const std::string& why) {
      return ConfineError(where + "devices: " + why + " (from " +
                          (d.source.empty() ? "the policy" : d.source) + ")");
    };
    if (d.type != 'c' && d.type != 'b') throw bad("type must be c or b");
    if (d.major < kAny || d.major > kMaxMajor) throw bad("major out of range");
    if (d.minor < kAny || d.minor > kMaxMinor) throw bad("minor out of range");
    auto acc = parse_access(d.access);
    if (!acc) throw bad(acc.error().message);
    g.devices.push_back(DeviceRule{d.type, d.major, d.minor, *acc});
  }
  if (g.devices.size() + default_rules().size() > kMaxRules)
    throw ConfineError(where + "devices: more than " + std::to_string(kMaxRules) + " rules");
  return g;
}

class DevicesInstallStep final : public install::InstallStep {
 public:
  const char* name() const override { return layer_name(Layer::Devices).data(); }
  std::optional<Layer> layer() const override { return Layer::Devices; }

  void prepare(install::InstallContext& ctx) override {
    stale_assignments_ = assignments_are_stale(ctx.layout, ctx.meta.key(), ctx.meta.version);
    throw_if_error(make_dirs(grants_dir(ctx.config), 0755));
    for (auto& app : ctx.apps) {
      const std::string text = serialize_grants(grants_of(app), app.id);
      files_.stage(grants_path(ctx.config, app.id), text);
      app.layers.emplace_back(layer_name(Layer::Devices));
    }
  }

  void commit(install::InstallContext& ctx) override {
    files_.commit();
    // A package new under its key must not inherit a leftover assignment
    // list (which the launcher would apply): see assignments_are_stale().
    if (stale_assignments_) remove_assignments(ctx.layout, ctx.meta.key());
  }

  void abort(install::InstallContext&) noexcept override { files_.discard(); }

  void remove(const Config& config, const Layout& layout, const std::vector<AppId>& ids) override {
    for (const auto& id : ids) {
      install::remove_with_staged(grants_path(config, id));
      remove_app_cgroups(id);
    }
    // Assignments belong to the package only while a version of it is
    // installed: a different package installed later under the same key
    // must not inherit device access. Removing the apps of the last
    // installed version (confine remove; a failed first install) removes
    // them; removing the previous version's apps after an upgrade does not.
    std::vector<PackageKey> keys;
    for (const auto& id : ids)
      if (std::find(keys.begin(), keys.end(), id.key) == keys.end()) keys.push_back(id.key);
    for (const auto& key : keys) {
      auto versions = install::installed_versions(layout, key);
      std::erase_if(versions, [&](const std::string& v) {
        return std::any_of(ids.begin(), ids.end(),
                           [&](const AppId& id) { return id.key == key && id.version == v; });
      });
      if (versions.empty()) remove_assignments(layout, key);
    }
  }

 private:
  install::StagedFiles files_;
  bool stale_assignments_ = false;
};

}  // namespace

void remove_app_cgroups(const AppId& id) {
  auto f = read_cgroup_facts();
  if (!f) return;
  const std::string app = "/confine/" + id.str();
  auto under = [](const std::string& mount, const std::string& path) {
    return mount.empty() || path.empty() ? std::string() : mount + (path == "/" ? "" : path);
  };
  for (const std::string& base :
       {f->mounts.v2_mount, under(f->mounts.v2_mount, f->cgroups.v2_path), f->mounts.v1_devices,
        under(f->mounts.v1_devices, f->cgroups.v1_devices)}) {
    if (base.empty()) continue;
    remove_cgroup_tree(base + app);
  }
}

void remove_cgroup_tree(const std::string& dir) {
  // Cgroup directories hold only files the kernel made and child cgroups:
  // remove the children depth-first, then the directory (rmdir fails with
  // EBUSY on one that still holds a process, which then stays).
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_directory(ec) && !e.is_symlink(ec)) remove_cgroup_tree(e.path().string());
  ::rmdir(dir.c_str());
}

std::unique_ptr<install::InstallStep> make_devices_install_step() {
  return std::make_unique<DevicesInstallStep>();
}

}  // namespace confine::devices
