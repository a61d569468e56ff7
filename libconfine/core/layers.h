// The confinement layers, one row each (docs/architecture.md, "The
// layers"): the name written in launch records, reports and errors (also
// the configuration key of its mode), the artifact `confine install` writes
// for it below policy_dir, and its place in the launch order. Install and
// launch steps name their layer by this enum, never by a string; a record,
// a configuration or a report knows exactly the names of this table.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/names.h"

namespace confine {

enum class Layer { Devices, Landlock, AppArmor, Seccomp };

struct LayerInfo {
  Layer layer;
  std::string_view name;             // "seccomp": records, reports, config key
  LayerMode Config::*mode;           // the configuration's mode for it
  std::string_view artifact_dir;     // below policy_dir
  std::string_view artifact_suffix;  // after the APP_ID ("" or ".bpf")
  // 1-based position among the launch steps (the privileges step, which is
  // not a layer of its own record, is 2: see launch/steps.h).
  int launch_step;
};

// In launch order.
std::span<const LayerInfo> layer_table();
const LayerInfo& layer_info(Layer layer);
std::string_view layer_name(Layer layer);
// The row of `name`; nullopt for a name no layer has.
std::optional<Layer> find_layer(std::string_view name);
// <policy_dir>/<artifact_dir>/<APP_ID><artifact_suffix>.
std::string layer_artifact(const Config& config, Layer layer, const AppId& id);

}  // namespace confine
