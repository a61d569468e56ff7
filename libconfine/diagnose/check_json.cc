// `confine check --json`: the facts and the verdict of check.cc as one JSON
// object, schema "confine-check/1" (confine(8), JSON OUTPUT). Fields are
// only ever added within a schema version; a change of meaning is /2.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "diagnose/check.h"

namespace confine::diagnose {
namespace {

std::string holding_name(Holding h) {
  switch (h) {
    case Holding::Held:
      return "held";
    case Holding::Granted:
      return "granted";
    case Holding::Gap:
      return "gap";
  }
  return "gap";
}

nlohmann::json row_json(const CoverageRow& row, const Config& c) {
  const bool accepted =
      std::find(c.accept_gaps.begin(), c.accept_gaps.end(), row.cls) != c.accept_gaps.end();
  return {{"holding", holding_name(row.holding)},
          {"layers", row.layers},
          {"note", row.note},
          {"launch_refused", row.holding == Holding::Gap && !accepted}};
}

}  // namespace

nlohmann::json coverage_json(const SystemFacts& f, const Config& c, const AppFacts& app_template) {
  AppFacts root = app_template, user = app_template;
  root.root = true;
  user.root = false;
  const auto as_root = coverage(launch_layers(f, c, true), root);
  const auto as_user = coverage(launch_layers(f, c, false), user);
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < as_root.size(); ++i)
    out.push_back({{"class", std::string(to_string(as_root[i].cls))},
                   {"root_run", row_json(as_root[i], c)},
                   {"user_run", row_json(as_user[i], c)}});
  return out;
}

nlohmann::json check_json(const SystemFacts& f, const Config& c, const std::string& config_path) {
  const CheckReport r = evaluate(f, c);
  auto mode = [](LayerMode m) { return std::string(to_string(m)); };
  AppFacts unix_app;
  unix_app.seccomp_allows = {AccessClass::UnixPathname, AccessClass::UnixAbstract};
  AppFacts service;
  service.package_user = true;
  nlohmann::json service_rows = nlohmann::json::array();
  for (const auto& row : coverage(launch_layers(f, c, false, true), service))
    service_rows.push_back({{"class", std::string(to_string(row.cls))}, {"user_run", row_json(row, c)}});
  return {
      {"schema", "confine-check/1"},
      {"config", config_path},
      {"ok", r.ok()},
      {"missing_required", r.missing_required},
      {"refused_for", r.refused_for},
      {"layers",
       {{"seccomp",
         {{"mode", mode(c.seccomp)}, {"available", f.seccomp}, {"problem", f.seccomp_problem}}},
        {"apparmor",
         {{"mode", mode(c.apparmor)},
          {"available", f.apparmor},
          {"error", f.apparmor_error},
          {"problem", f.apparmor_problem},
          {"stacking", f.apparmor_stacking},
          {"namespaces", f.apparmor_namespaces},
          {"signal", f.apparmor_signal},
          {"ptrace", f.apparmor_ptrace},
          {"parser", f.parser}}},
        {"devices",
         {{"mode", mode(c.devices)},
          {"backend", std::string(devices::to_string(f.devices))},
          {"where", f.devices_where},
          {"v1_also", f.devices_v1_also},
          {"problem", f.devices_problem}}},
        {"landlock",
         {{"mode", mode(c.landlock)}, {"abi", f.landlock_abi}, {"problem", f.landlock_problem}}}}},
      {"launcher",
       {{"path", f.launcher},
        {"exists", f.launcher_exists},
        {"file_capabilities", f.launcher_file_caps}}},
      {"no_new_privs_for_root", c.no_new_privs},
      {"coverage", coverage_json(f, c, AppFacts{})},
      {"coverage_unix_sockets", coverage_json(f, c, unix_app)},
      {"coverage_package_user_service", service_rows},
  };
}

}  // namespace confine::diagnose
