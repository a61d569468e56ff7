// The confinement layers, one row each (docs/architecture.md, "The
// layers"): the name written in launch records, reports and errors (also
// the configuration key of its mode), the artifact `confine install` writes
// for it below policy_dir, its place in the launch order, and its parts on
// each path (install step, launch step, `confine check` probe). Install and
// launch steps name their layer by the Layer value, never by a string; a
// record, a configuration or a report knows exactly the names of this table.
//
// The four built-in layers are rows from the start. Their parts are bound by
// each path in one table of its own (install/steps.cc, launch/steps.cc,
// diagnose/check.cc), since confine-run links no install code. A layer
// registered at run time (register_layer) brings its parts in its row and is
// then installed, launched, recorded, configured and checked like the others.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/error.h"
#include "core/names.h"

namespace confine {

namespace launch { class LaunchStep; }
namespace install { class InstallStep; }
namespace diagnose {
struct SystemFacts;
struct CheckReport;
}  // namespace diagnose

// The built-in layers; a registered layer gets the next free value.
enum class Layer : int { Devices, Landlock, AppArmor, Seccomp };

// Launch position of the privileges step, which is no layer of its own
// record: layers with a lower launch_order run before it.
inline constexpr int kPrivilegesLaunchOrder = 20;

struct LayerInfo {
  Layer layer;
  std::string name;             // "seccomp": records, reports, config key
  LayerMode default_mode;       // the mode without a configuration key
  LayerMode Config::*mode;      // built-in layers: the Config member; else null
  std::string artifact_dir;     // below policy_dir
  std::string artifact_suffix;  // after the APP_ID ("" or ".bpf")
  int launch_order;             // launch steps run by increasing order
  // A registered layer's parts (empty for the built-in ones, whose parts
  // each path binds itself).
  std::function<std::unique_ptr<launch::LaunchStep>()> launch_step;
  std::function<std::unique_ptr<install::InstallStep>()> install_step;
  // Adds the layer's line(s) to `confine check`'s report and, when the
  // kernel lacks it and its mode is required, to missing_required.
  std::function<void(const diagnose::SystemFacts&, const Config&, diagnose::CheckReport&)> check;
};

// The rows in launch order. References to rows stay valid for the
// process's life; the list itself changes in register_layer(), which must
// not run while it is iterated.
const std::vector<std::reference_wrapper<const LayerInfo>>& layer_table();
const LayerInfo& layer_info(Layer layer);
std::string_view layer_name(Layer layer);
// The row of `name`; nullopt for a name no layer has.
std::optional<Layer> find_layer(std::string_view name);
// <policy_dir>/<artifact_dir>/<APP_ID><artifact_suffix>.
std::string layer_artifact(const Config& config, Layer layer, const AppId& id);

// The layer's mode in `config`: its Config member, or for a registered
// layer the value of its configuration key (its default_mode without one).
LayerMode layer_mode(const Config& config, Layer layer);
void set_layer_mode(Config& config, Layer layer, LayerMode mode);

// Adds a layer (its `layer` and `mode` are assigned here). Register before
// reading configurations or records. Errors: a name that is not [a-z]+ or
// is taken (also "privileges" and the configuration key "nice"), a taken
// artifact_dir or launch_order, a '/' in artifact_suffix, or a missing part.
// Its factories must return a step.
Result<Layer> register_layer(LayerInfo row);

}  // namespace confine
