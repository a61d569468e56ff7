// confine policy APP_ID: the resolved policy of an installed app, readable,
// grouped by the template, group, flag or file each rule came from.

#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "core/layout.h"
#include "core/safe_io.h"
#include "diagnose/check.h"
#include "policy/allows.h"
#include "install/metadata.h"
#include "install/users.h"
#include "policy/describe.h"
#include "policy/resolve.h"

namespace confine::cli {
namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "(none)" : s;
}

AppFacts app_facts(const policy::ResolvedApp& r) {
  AppFacts app;
  app.seccomp_allows = policy::seccomp_allowed_classes(r.policy, !r.raw_seccomp.empty());
  return app;
}

// The app's installed launch record; none when it is missing or unreadable
// (the layer lines then say so).
std::optional<LaunchRecord> installed_record(const Config& config, const AppId& id) {
  auto text = read_trusted(Layout(config).launch_record(id), 1 << 20);
  if (!text) return std::nullopt;
  auto r = LaunchRecord::parse(*text, Layout(config).launch_record(id));
  if (!r) return std::nullopt;
  return std::move(*r);
}

// Each layer in launch order: its mode here, its artifact, and whether the
// app's launch record requires it.
void print_layers(const Config& config, const AppId& id) {
  const auto record = installed_record(config, id);
  std::cout << "\nlayers (in launch order):\n";
  for (const auto& l : diagnose::app_layers(config, id, record ? &*record : nullptr))
    std::cout << "  " << l.name << std::string(l.name.size() < 10 ? 10 - l.name.size() : 1, ' ')
              << (l.in_record ? "required by the app" : "not in the app's launch record")
              << " [config: " << to_string(l.mode) << "] " << l.artifact << "\n";
  if (!record) std::cout << "  (no readable launch record: the app does not launch)\n";
}

nlohmann::json layers_json(const Config& config, const AppId& id) {
  const auto record = installed_record(config, id);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& l : diagnose::app_layers(config, id, record ? &*record : nullptr))
    out.push_back({{"layer", l.name},
                   {"mode", std::string(to_string(l.mode))},
                   {"artifact", l.artifact},
                   {"in_record", l.in_record}});
  return out;
}

// Which layer on this machine holds each access class for the app, as
// root-run and as user-run (the same rows as `confine check`).
void print_coverage(const Config& config, const policy::ResolvedApp& r) {
  std::cout << "\ncoverage on this machine (the layer holding each access class):\n";
  for (const auto& l : diagnose::coverage_lines(diagnose::gather_facts(), config, app_facts(r)))
    std::cout << l << "\n";
}

nlohmann::json files_json(const std::optional<install::SecurityFiles>& f) {
  if (!f) return nullptr;
  return {{"apparmor", f->apparmor}, {"seccomp", f->seccomp}};
}

// Schema confine-policy/1 (confine(8), JSON OUTPUT).
nlohmann::json policy_json(const Config& config, const AppId& id,
                           const policy::InstalledApp& installed) {
  const install::AppEntry& app = installed.app;
  const policy::ResolvedApp& r = installed.resolved;
  const bool raw = app.security_policy.has_value();
  const auto lib = raw ? std::nullopt
                       : std::optional(policy::PolicyLibrary::load(config.templates_dir,
                                                                   config.flags_dir));
  nlohmann::json out = {
      {"schema", "confine-policy/1"},
      {"app_id", id.str()},
      {"metadata", installed.meta.file},
      {"entry", app.json_path},
      {"runs_as", install::describe_run_as(config, id.key, app.user)},
      {"security_template", raw ? "" : app.security_template},
      {"caps", raw ? std::vector<std::string>{} : app.caps},
      {"security_override", files_json(app.security_override)},
      {"security_policy", files_json(app.security_policy)},
      {"apparmor_profile", r.raw_apparmor},
  };
  out.update(policy::policy_json(r.policy, lib ? &*lib : nullptr));
  out["layers"] = layers_json(config, id);
  out["coverage"] = diagnose::coverage_json(diagnose::gather_facts(), config, app_facts(r));
  return out;
}

int run_policy(const Invocation& inv) {
  const JsonArgs args = parse_json_args(inv, 1);
  if (args.operands.empty()) usage_error(inv, "missing APP_ID");
  const AppId id = value_or_throw(AppId::parse(args.operands[0]));
  const policy::InstalledApp installed = policy::resolve_installed_app(inv.config, id);
  if (args.json) {
    print_json(policy_json(inv.config, id, installed));
    return 0;
  }
  const install::PackageMeta& meta = installed.meta;
  const install::AppEntry* app = &installed.app;
  const policy::ResolvedApp& r = installed.resolved;
  std::cout << id.str() << " (" << app->json_path << " of " << meta.file << ")\n";
  std::cout << "runs as: " << install::describe_run_as(inv.config, id.key, app->user) << "\n";
  if (app->security_policy) {
    std::cout << "security-policy: hand-written raw policy, no template\n"
              << "  apparmor: "
              << (app->security_policy->apparmor.empty() ? "(none)"
                                                         : app->security_policy->apparmor)
              << "\n  seccomp:  "
              << (app->security_policy->seccomp.empty() ? "(none)" : app->security_policy->seccomp)
              << "\n";
    std::cout << policy::describe_policy(r.policy, nullptr);
    if (!r.raw_apparmor.empty()) std::cout << "\nAppArmor profile (verbatim)\n" << r.raw_apparmor;
    print_layers(inv.config, id);
    print_coverage(inv.config, r);
    return 0;
  }
  std::cout << "security-template: " << app->security_template << "\ncaps: " << join(app->caps)
            << "\n";
  if (app->security_override)
    std::cout << "security-override: apparmor "
              << (app->security_override->apparmor.empty() ? "(none)"
                                                           : app->security_override->apparmor)
              << ", seccomp "
              << (app->security_override->seccomp.empty() ? "(none)"
                                                          : app->security_override->seccomp)
              << "\n";
  const auto lib = policy::PolicyLibrary::load(inv.config.templates_dir, inv.config.flags_dir);
  std::cout << "(each rule is listed once, under the first source that grants it)\n"
            << policy::describe_policy(r.policy, &lib);
  print_layers(inv.config, id);
  print_coverage(inv.config, r);
  return 0;
}

}  // namespace

CONFINE_COMMAND(Command{"policy", "show the resolved policy of an installed app",
                        "Usage: confine policy [--json] APP_ID\n"
                        "\n"
                        "Resolve the policy of the installed app APP_ID from its package metadata\n"
                        "(<apps_dir>/<key>/<version>/meta/package.json) the way `confine install`\n"
                        "does, and print it grouped by where each rule came from: the template,\n"
                        "each policy group and flag (with its description and the flags it\n"
                        "includes), and security-override files. Denied rules are shown as\n"
                        "\"deny\"; a deny always wins over an allow. For security-policy apps the\n"
                        "raw seccomp rules and the verbatim AppArmor profile are shown.\n"
                        "Then the layers in launch order: whether the app's launch record\n"
                        "requires each, its mode in the configuration and its artifact. Last,\n"
                        "the coverage on this machine: which layer holds each access class\n"
                        "for the app, root-run and user-run (see confine check).\n"
                        "\n"
                        "Options:\n"
                        "  --json      the same as one JSON object (schema confine-policy/1,\n"
                        "              confine(8))\n"
                        "  -h, --help  show this help\n"
                        "\n"
                        "See confine-policy(5).\n",
                        &run_policy});

}  // namespace confine::cli
