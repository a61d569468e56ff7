#include "core/layers.h"

#include <algorithm>
#include <deque>

namespace confine {
namespace {

struct Registry {
  std::deque<LayerInfo> rows;  // append-only: references stay valid
  std::vector<std::reference_wrapper<const LayerInfo>> ordered;

  Registry() {
    // name, default mode, Config member, artifact dir and suffix, launch
    // order; no parts (each path binds the built-in layers' own).
    add({Layer::Devices, "devices", LayerMode::Required, &Config::devices, "grants", "", 10, {},
         {}, {}});
    add({Layer::Landlock, "landlock", LayerMode::IfAvailable, &Config::landlock, "landlock", "",
         30, {}, {}, {}});
    add({Layer::AppArmor, "apparmor", LayerMode::IfAvailable, &Config::apparmor, "apparmor", "",
         40, {}, {}, {}});
    add({Layer::Seccomp, "seccomp", LayerMode::Required, &Config::seccomp, "seccomp", ".bpf", 50,
         {}, {}, {}});
  }
  void add(LayerInfo row) {
    const LayerInfo& r = rows.emplace_back(std::move(row));
    ordered.emplace_back(r);
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const LayerInfo& a, const LayerInfo& b) {
                       return a.launch_order < b.launch_order;
                     });
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

const std::vector<std::reference_wrapper<const LayerInfo>>& layer_table() {
  return registry().ordered;
}

const LayerInfo& layer_info(Layer layer) {
  const auto& rows = registry().rows;
  const auto i = static_cast<size_t>(layer);
  // Every Layer value comes from a row: built-in, or register_layer's.
  return i < rows.size() ? rows[i] : rows[0];
}

std::string_view layer_name(Layer layer) {
  return layer_info(layer).name;
}

std::optional<Layer> find_layer(std::string_view name) {
  for (const LayerInfo& l : registry().rows)
    if (l.name == name) return l.layer;
  return std::nullopt;
}

std::string layer_artifact(const Config& config, Layer layer, const AppId& id) {
  const LayerInfo& l = layer_info(layer);
  return config.policy_dir + "/" + l.artifact_dir + "/" + id.str() + l.artifact_suffix;
}

LayerMode layer_mode(const Config& config, Layer layer) {
  const LayerInfo& l = layer_info(layer);
  if (l.mode) return config.*l.mode;
  auto it = config.layer_modes.find(l.name);
  return it == config.layer_modes.end() ? l.default_mode : it->second;
}

void set_layer_mode(Config& config, Layer layer, LayerMode mode) {
  const LayerInfo& l = layer_info(layer);
  if (l.mode)
    config.*l.mode = mode;
  else
    config.layer_modes[l.name] = mode;
}

Result<Layer> register_layer(LayerInfo row) {
  auto refuse = [&](const std::string& why) {
    return Error{0, "layer \"" + row.name + "\": " + why};
  };
  if (row.name.empty() ||
      !std::all_of(row.name.begin(), row.name.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
    return refuse("a layer name is one or more of a-z");
  // "privileges" is the launch step without a row; "nice" a configuration
  // key (the others have an underscore).
  if (row.name == "privileges" || row.name == "nice" || find_layer(row.name))
    return refuse("the name is taken");
  if (row.artifact_suffix.find('/') != std::string::npos)
    return refuse("artifact_suffix must not contain '/'");
  if (!row.launch_step || !row.install_step || !row.check)
    return refuse("needs a launch step, an install step and a check probe");
  if (row.launch_order == kPrivilegesLaunchOrder) return refuse("launch order is taken");
  // The seccomp filter constrains every later syscall, so it stays last.
  if (row.launch_order >= layer_info(Layer::Seccomp).launch_order)
    return refuse("launch order must be below seccomp's, the last step");
  for (const LayerInfo& l : registry().rows) {
    if (l.launch_order == row.launch_order) return refuse("launch order is taken");
    if (l.artifact_dir == row.artifact_dir) return refuse("artifact_dir is taken");
  }
  // launch/, devices/ and apparmor-cache/ are policy_dir's other directories
  // (core/layout.h).
  if (row.artifact_dir.empty() || row.artifact_dir.find('/') != std::string::npos ||
      row.artifact_dir == "." || row.artifact_dir == ".." || row.artifact_dir == "launch" ||
      row.artifact_dir == "devices" || row.artifact_dir == "apparmor-cache")
    return refuse("artifact_dir must be one new directory name");
  row.layer = static_cast<Layer>(registry().rows.size());
  row.mode = nullptr;
  const Layer l = row.layer;
  registry().add(std::move(row));
  return l;
}

}  // namespace confine
