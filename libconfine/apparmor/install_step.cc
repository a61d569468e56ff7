#include "apparmor/install_step.h"

#include <dirent.h>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "apparmor/parser.h"
#include "apparmor/profile.h"
#include "core/error.h"
#include "core/fault.h"
#include "core/layers.h"
#include "core/safe_io.h"
#include "devices/assignments.h"

namespace confine::apparmor {
namespace {

namespace fs = std::filesystem;

void fsync_dir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw ConfineError("cannot open " + dir, errno);
  int rc = fsync(fd);
  int e = errno;
  close(fd);
  if (rc != 0) throw ConfineError("cannot sync " + dir, e);
}

// Compiled copies of `name` in every features-hash directory of the cache.
void remove_cached(const Layout& layout, const std::string& name) {
  std::error_code ec;
  for (const auto& sub : fs::directory_iterator(layout.apparmor_cache_dir(), ec)) {
    if (!sub.is_directory()) continue;
    fs::remove(sub.path() / name, ec);
  }
}

std::string describe(const install::InstallContext& ctx, const install::AppPlan& app) {
  if (!app.raw_apparmor.empty() && app.entry && app.entry->security_policy)
    return ctx.meta.file + ": " + app.entry->json_path + ".security-policy.apparmor (" +
           app.entry->security_policy->apparmor + ")";
  return "AppArmor profile of " + app.id.str();
}

// The device nodes assigned to the package (confine hw-assign), which every
// generated profile of its apps grants.
std::vector<AssignedDevice> assigned_devices(const install::InstallContext& ctx) {
  std::vector<AssignedDevice> out;
  // A package new under its key inherits nothing (the devices step removes
  // the leftover file).
  if (devices::assignments_are_stale(ctx.layout, ctx.meta.key(), ctx.meta.version)) return out;
  for (const auto& a : devices::read_assignments(ctx.layout, ctx.meta.key()))
    for (const auto& node : a.nodes)
      out.push_back(AssignedDevice{node, devices::format_access(a.rule.access)});
  return out;
}

class AppArmorInstallStep final : public install::InstallStep {
 public:
  const char* name() const override { return layer_name(Layer::AppArmor).data(); }
  std::optional<Layer> layer() const override { return Layer::AppArmor; }

  void prepare(install::InstallContext& ctx) override {
    const Layout& layout = ctx.layout;
    throw_if_error(make_dirs(layout.apparmor_dir(), 0755));
    // One private staging directory per install, beside the final files so
    // that commit is a rename. Its name starts with '.', which reload skips.
    std::string tmpl = layout.apparmor_dir() + "/.staging-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw ConfineError("cannot create " + tmpl, errno);
    staging_ = tmpl;
    const std::vector<AssignedDevice> assigned = assigned_devices(ctx);
    for (auto& app : ctx.apps) {
      // A hand-written profile is installed as written: it must allow
      // assigned devices itself (confine(8), hw-assign).
      if (!app.raw_apparmor.empty() && !assigned.empty())
        spdlog::warn(
            "{}: the hand-written AppArmor profile does not get the devices assigned "
            "to {}; it must allow them itself",
            app.id.str(), ctx.meta.key().str());
      const std::string text =
          app.raw_apparmor.empty()
              ? emit_profile(app.id, app.policy, ctx.config, assigned)
              : raw_profile_with_variables(app.id, app.raw_apparmor, ctx.config);
      // The staged file carries the final name: apparmor_parser names its
      // cache entry after the file.
      const std::string staged = staging_ + "/" + app.id.str();
      throw_if_error(atomic_write(staged, text, 0644));
      validate_profile(staged, app.id, ctx.config, describe(ctx, app));
      app.layers.emplace_back(layer_name(Layer::AppArmor));
    }
  }

  void commit(install::InstallContext& ctx) override {
    const Layout& layout = ctx.layout;
    // Without AppArmor in the kernel there is nothing to load into; the
    // validated profiles are still installed so that a later boot with
    // AppArmor (confine apparmor-reload) loads them.
    const bool load = kernel_enforces_apparmor();
    for (auto& app : ctx.apps) {
      const std::string staged = staging_ + "/" + app.id.str();
      // Load first: if the kernel refuses, the previous profile stays both
      // loaded and on disk.
      if (load) load_profile(staged, ctx.config);
      const std::string final_path = layout.apparmor_profile(app.id);
      fault_point_or_throw("install: rename profile");
      if (rename(staged.c_str(), final_path.c_str()) != 0)
        throw ConfineError("cannot install " + final_path, errno);
    }
    fsync_dir(layout.apparmor_dir());
    cleanup();
  }

  void abort(install::InstallContext&) noexcept override { cleanup(); }

  void remove(const Config& config, const Layout& layout, const std::vector<AppId>& ids) override {
    const bool loaded = kernel_enforces_apparmor();
    for (const auto& id : ids) {
      const std::string path = layout.apparmor_profile(id);
      if (access(path.c_str(), F_OK) != 0) continue;
      if (loaded) {
        // Unloading a profile turns the tasks it confines unconfined. A
        // profile still in use stays loaded (until they exit and the next
        // boot); it only disappears from disk.
        if (profile_in_use(id))
          spdlog::warn("AppArmor profile {} stays loaded: processes still run under it", id.str());
        else
          unload_profile(path, config);
      }
      if (unlink(path.c_str()) != 0 && errno != ENOENT)
        throw ConfineError("cannot remove " + path, errno);
      remove_cached(layout, id.str());
    }
  }

 private:
  void cleanup() noexcept {
    if (staging_.empty()) return;
    std::error_code ec;
    fs::remove_all(staging_, ec);
    staging_.clear();
  }

  std::string staging_;
};

}  // namespace

std::unique_ptr<install::InstallStep> make_apparmor_install_step() {
  return std::make_unique<AppArmorInstallStep>();
}

}  // namespace confine::apparmor
