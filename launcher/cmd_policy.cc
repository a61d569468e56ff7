// confine policy APP_ID: the resolved policy of an installed app, readable,
// grouped by the template, group, flag or file each rule came from.

#include <iostream>

#include "command.h"
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

// Which layer on this machine holds each access class for the app, as
// root-run and as user-run (the same rows as `confine check`).
void print_coverage(const Config& config, const policy::Policy& effective, bool raw_seccomp) {
  AppFacts app;
  app.seccomp_allows = policy::seccomp_allowed_classes(effective, raw_seccomp);
  std::cout << "\ncoverage on this machine (the layer holding each access class):\n";
  for (const auto& l : diagnose::coverage_lines(diagnose::gather_facts(), config, app))
    std::cout << l << "\n";
}

int run_policy(const Invocation& inv) {
  if (inv.args.empty()) usage_error(inv, "missing APP_ID");
  if (inv.args.size() > 1) usage_error(inv, "unexpected argument \"" + inv.args[1] + "\"");
  if (inv.args[0].starts_with("-")) usage_error(inv, "unknown option " + inv.args[0]);
  const AppId id = value_or_throw(AppId::parse(inv.args[0]));
  const policy::InstalledApp installed = policy::resolve_installed_app(inv.config, id);
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
    print_coverage(inv.config, r.policy, !r.raw_seccomp.empty());
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
  print_coverage(inv.config, r.policy, !r.raw_seccomp.empty());
  return 0;
}

}  // namespace

CONFINE_COMMAND(Command{"policy", "show the resolved policy of an installed app",
                        "Usage: confine policy APP_ID\n"
                        "\n"
                        "Resolve the policy of the installed app APP_ID from its package metadata\n"
                        "(<apps_dir>/<key>/<version>/meta/package.json) the way `confine install`\n"
                        "does, and print it grouped by where each rule came from: the template,\n"
                        "each policy group and flag (with its description and the flags it\n"
                        "includes), and security-override files. Denied rules are shown as\n"
                        "\"deny\"; a deny always wins over an allow. For security-policy apps the\n"
                        "raw seccomp rules and the verbatim AppArmor profile are shown.\n"
                        "Last, the coverage on this machine: which layer holds each access\n"
                        "class for the app, root-run and user-run (see confine check).\n"
                        "\n"
                        "Options:\n"
                        "  -h, --help  show this help\n"
                        "\n"
                        "See confine-policy(5).\n",
                        &run_policy});

}  // namespace confine::cli
