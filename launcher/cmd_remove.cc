// confine remove KEY [VERSION]
#include <sys/stat.h>

#include <iostream>

#include "command.h"
#include "core/error.h"
#include "install/pipeline.h"

namespace confine::cli {
namespace {

int run_remove(const Invocation& inv) {
  // Generated files and directories are read by confine-run, possibly
  // without root's DAC override: their modes must not depend on the umask.
  ::umask(022);
  std::vector<std::string> pos;
  for (const auto& a : inv.args) {
    if (!a.empty() && a[0] == '-') usage_error(inv, "unknown option " + a);
    pos.push_back(a);
  }
  if (pos.empty()) usage_error(inv, "no package key given");
  if (pos.size() > 2) usage_error(inv, "unexpected argument \"" + pos[2] + "\"");
  PackageKey key = value_or_throw(PackageKey::parse(pos[0]));
  std::string version = pos.size() == 2 ? pos[1] : "";
  if (!version.empty())
    if (auto e = check_version(version)) throw ConfineError(*e);

  auto r = install::remove_package(inv.config, key, version);
  std::cout << "removed " << key.str();
  for (const auto& v : r.versions) std::cout << " " << v;
  std::cout << "\n";
  for (const auto& id : r.apps) std::cout << "  " << id.str() << "\n";
  for (const auto& w : r.warnings) std::cerr << "confine remove: warning: " << w << "\n";
  return 0;
}

}  // namespace

CONFINE_COMMAND(Command{
    "remove", "remove an installed package",
    "Usage: confine remove KEY [VERSION]\n"
    "\n"
    "Remove the package KEY (<name>.<origin> for apps, <name> otherwise), or only\n"
    "its VERSION: stop and delete its systemd units, unload and delete its\n"
    "policy and launch records, then delete its files, its data dirs under\n"
    "data_dir and, when the current version goes, the current link. Per-user\n"
    "data under $HOME/.local/share/confine is never touched.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n"
    "\n"
    "See confine(8).\n",
    &run_remove});

}  // namespace confine::cli
