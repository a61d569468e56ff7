// confine remove KEY [VERSION]
#include <sys/stat.h>

#include <iostream>

#include "command.h"
#include "core/error.h"
#include "install/pipeline.h"

namespace confine::cli {
namespace {

int run_remove(const Invocation& inv) {
  std::vector<std::string> pos;
  bool keep_data = false;
  for (const auto& a : inv.args) {
    if (a == "--keep-data") keep_data = true;
    else if (!a.empty() && a[0] == '-') usage_error(inv, "unknown option " + a);
    else pos.push_back(a);
  }
  if (pos.empty()) usage_error(inv, "no package key given");
  if (pos.size() > 2) usage_error(inv, "unexpected argument \"" + pos[2] + "\"");
  PackageKey key = value_or_throw(PackageKey::parse(pos[0]));
  std::string version = pos.size() == 2 ? pos[1] : "";
  if (!version.empty())
    if (auto v = check_version(version); !v) throw ConfineError(v.error().message);

  auto r = install::remove_package(inv.config, key, version, keep_data);
  std::cout << "removed " << key.str();
  for (const auto& v : r.versions) std::cout << " " << v;
  std::cout << "\n";
  for (const auto& id : r.apps) std::cout << "  " << id.str() << "\n";
  for (const auto& w : r.warnings) std::cerr << "confine remove: warning: " << w << "\n";
  return 0;
}

int run_purge(const Invocation& inv) {
  if (inv.args.empty()) usage_error(inv, "no package key given");
  if (inv.args[0].starts_with("-")) usage_error(inv, "unknown option " + inv.args[0]);
  if (inv.args.size() > 1) usage_error(inv, "unexpected argument \"" + inv.args[1] + "\"");
  PackageKey key = value_or_throw(PackageKey::parse(inv.args[0]));
  const bool deleted = install::purge_data(inv.config, key);
  // Its package user goes too (plain remove keeps it): install/users.h.
  const auto user = install::purge_package_user(inv.config, key);
  std::cout << (deleted || user ? "purged " : "nothing to purge for ") << key.str() << "\n";
  if (user) std::cout << "  deleted user " << user->name << " (uid " << user->uid << ")\n";
  return 0;
}

}  // namespace

CONFINE_COMMAND(Command{
    "remove", "remove an installed package",
    "Usage: confine remove [--keep-data] KEY [VERSION]\n"
    "\n"
    "Remove the package KEY (<name>.<origin> for apps, <name> otherwise), or only\n"
    "its VERSION: stop and delete its systemd units, unload and delete its\n"
    "policy and launch records, then delete its files, its data dirs under\n"
    "data_dir and, when the current version goes, the current link. Per-user\n"
    "data under $HOME/.local/share/confine is never touched.\n"
    "\n"
    "Options:\n"
    "  --keep-data  leave the data dirs under data_dir (`confine purge` deletes them)\n"
    "  -h, --help   show this help\n"
    "\n"
    "See confine(8).\n",
    &run_remove});

CONFINE_COMMAND(Command{
    "purge", "delete the data of a removed package",
    "Usage: confine purge KEY\n"
    "\n"
    "Delete <data_dir>/KEY, the data dirs that `confine remove --keep-data` left\n"
    "(a Debian package's purge), and the package's user with its tmp dirs\n"
    "(confine-package(5), USERS). Refused while KEY is installed; nothing to\n"
    "delete is success. Per-user data under $HOME/.local/share/confine is never\n"
    "touched.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n"
    "\n"
    "See confine(8).\n",
    &run_purge});

}  // namespace confine::cli
