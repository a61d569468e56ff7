#include "core/layers.h"

namespace confine {
namespace {

constexpr LayerInfo kLayers[] = {
    {Layer::Devices, "devices", &Config::devices, "grants", "", 1},
    {Layer::Landlock, "landlock", &Config::landlock, "landlock", "", 3},
    {Layer::AppArmor, "apparmor", &Config::apparmor, "apparmor", "", 4},
    {Layer::Seccomp, "seccomp", &Config::seccomp, "seccomp", ".bpf", 5},
};

}  // namespace

std::span<const LayerInfo> layer_table() {
  return kLayers;
}

const LayerInfo& layer_info(Layer layer) {
  for (const auto& l : kLayers)
    if (l.layer == layer) return l;
  return kLayers[0];  // unreachable: every enumerator has a row (layers_test)
}

std::string_view layer_name(Layer layer) {
  return layer_info(layer).name;
}

std::optional<Layer> find_layer(std::string_view name) {
  for (const auto& l : kLayers)
    if (l.name == name) return l.layer;
  return std::nullopt;
}

std::string layer_artifact(const Config& config, Layer layer, const AppId& id) {
  const LayerInfo& l = layer_info(layer);
  return config.policy_dir + "/" + std::string(l.artifact_dir) + "/" + id.str() +
         std::string(l.artifact_suffix);
}

}  // namespace confine
