// The install path: a pipeline of steps, one per generated artifact kind
// (launch records, seccomp filters, AppArmor profiles, systemd units). Each
// step generates into a staging directory, then the pipeline commits every
// step or none. Adding a layer means adding a step, not editing the others.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/launch_record.h"
#include "core/layers.h"
#include "core/layout.h"
#include "core/names.h"
#include "install/metadata.h"
#include "policy/model.h"

namespace confine::install {

// One app (service or binary) of the package being installed.
struct AppPlan {
  AppId id;
  const AppEntry* entry;    // its metadata
  policy::Policy policy;    // resolved (template + caps + overrides), effective()
  std::string raw_apparmor; // security-policy.apparmor text, when given
  std::string raw_seccomp;  // security-policy.seccomp text, when given
  // Layers whose artifacts the steps generated for this app; written into
  // its launch record by the last step so that confine-run knows what to
  // require ("seccomp", "apparmor", "devices").
  std::vector<std::string> layers;
  // The package user it runs as (the users step sets it in prepare()); none:
  // its caller, or root for a root-run service.
  std::optional<RunUser> user;
};

struct InstallContext {
  const Config& config;
  const Layout& layout;
  const PackageMeta& meta;
  std::string install_dir;  // final install dir (apps_dir/<key>/<version>)
  std::vector<AppPlan> apps;
  // Artifacts that were installed for the previous version of this package
  // and must go away on commit (APP_IDs no longer present). The pipeline
  // calls every step's remove(stale) itself, after all commits and the
  // `current` switch succeeded; commit() must not remove them (a later
  // step's failure would otherwise break the previous install).
  std::vector<AppId> stale;
};

class InstallStep {
 public:
  virtual ~InstallStep() = default;
  virtual const char* name() const = 0;
  // The layer whose artifact this step writes (core/layers.h); none for the
  // users, units and launch-record steps.
  virtual std::optional<Layer> layer() const { return std::nullopt; }
  // Generates and validates this step's artifacts without touching the live
  // system; appends its layer name to each AppPlan::layers it covers.
  // Throws ConfineError on bad input.
  virtual void prepare(InstallContext& ctx) = 0;
  // Puts artifacts in place / loads them. Failure after a partial commit must
  // leave the previous artifacts usable.
  virtual void commit(InstallContext& ctx) = 0;
  // Once the whole install is live (every commit done, `current` switched)
  // and before the previous version's artifacts are removed: starts what
  // the new artifacts describe (services). Failures are reported as
  // warnings, the install stays. Not called by regenerate_policy.
  virtual void activate(InstallContext&, std::vector<std::string>& /*warnings*/) {}
  // Undoes prepare() (removes staged files). Called on every started step
  // when the install fails, also after its commit(): a step whose commit
  // overwrote what the previous version still needs (the units step: one
  // unit name for every version) puts it back here.
  virtual void abort(InstallContext& ctx) noexcept = 0;
  // Removes every artifact of `ids` (confine remove).
  virtual void remove(const Config& config, const Layout& layout,
                      const std::vector<AppId>& ids) = 0;
};

}  // namespace confine::install
