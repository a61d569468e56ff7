// confine templates: what package metadata may name in "security-template"
// and "caps", with each item's one-line description.
#include <iostream>

#include "command.h"
#include "policy/describe.h"
#include "policy/library.h"

namespace confine::cli {
namespace {

// One line per item, descriptions aligned in one column for all sections.
void print_items(const std::vector<const policy::PolicyItem*>& items, const std::string& indent,
                 size_t column) {
  for (const auto* i : items) {
    std::string name = indent + i->name;
    name.resize(std::max(column, name.size()), ' ');
    std::cout << name << "  " << i->description << "\n";
  }
}

// `confine templates NAME`: everything one item grants, flag by flag.
int show_item(const policy::PolicyLibrary& lib, const std::string& name) {
  using policy::PolicyKind;
  int shown = 0;
  for (auto k : {PolicyKind::Template, PolicyKind::Group, PolicyKind::Flag}) {
    const policy::PolicyItem* item = lib.find(k, name);
    if (!item) continue;
    if (shown++) std::cout << "\n";
    std::cout << item->source() << " (" << item->file << ")\n";
    if (!item->comment.empty()) std::cout << "  why: " << item->comment << "\n";
    std::cout << policy::describe_policy(lib.expand(*item).effective(), &lib);
  }
  if (!shown)
    throw ConfineError("no template, policy group or flag named \"" + name +
                       "\" (run confine templates for the list)");
  return 0;
}

int run_templates(const Invocation& inv) {
  if (inv.args.size() > 1) usage_error(inv, "unexpected argument \"" + inv.args[1] + "\"");
  if (!inv.args.empty() && inv.args[0].starts_with("-"))
    usage_error(inv, "unknown option " + inv.args[0]);
  const auto lib = policy::PolicyLibrary::load(inv.config.templates_dir, inv.config.flags_dir);
  if (!inv.args.empty()) return show_item(lib, inv.args[0]);
  using policy::PolicyKind;
  size_t column = 0;
  for (auto k : {PolicyKind::Template, PolicyKind::Group, PolicyKind::Flag})
    for (const auto* i : lib.items(k)) column = std::max(column, 4 + i->name.size());

  std::cout << "Templates (security-template):\n";
  print_items(lib.items(PolicyKind::Template), "  ", column);
  std::cout << "\nPolicy groups (caps):\n";
  print_items(lib.items(PolicyKind::Group), "  ", column);
  std::cout << "\nFlags (used by templates and groups; caps may name them too):\n";
  std::vector<const policy::PolicyItem*> admin;
  for (const auto& category : policy::categories()) {
    std::vector<const policy::PolicyItem*> in;
    for (const auto* f : lib.items(PolicyKind::Flag)) {
      if (f->administrator) continue;
      if (f->category == category) in.push_back(f);
    }
    if (in.empty()) continue;
    std::cout << "  " << category << ":\n";
    print_items(in, "    ", column);
  }
  for (const auto* f : lib.items(PolicyKind::Flag))
    if (f->administrator) admin.push_back(f);
  if (!admin.empty()) {
    std::cout << "\nAdministrator's flags (" << inv.config.flags_dir << "):\n";
    print_items(admin, "  ", column);
  }
  return 0;
}

}  // namespace

CONFINE_COMMAND(Command{
    "templates", "list security templates, policy groups and flags",
    "Usage: confine templates [NAME]\n"
    "\n"
    "List the security templates, policy groups and flags this system knows,\n"
    "sorted by name, each with its one-line description: the shipped ones from\n"
    "templates_dir and the administrator's own flags from flags_dir.\n"
    "\n"
    "With NAME, show everything that template, group or flag grants, grouped\n"
    "by the flag each rule comes from.\n"
    "\n"
    "Package metadata names a template in \"security-template\" (default:\n"
    "default) and policy groups in \"caps\" (default: network-client); a cap\n"
    "may also name a flag. A broken policy file is reported as an error.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n"
    "\n"
    "See confine-policy(5) for what each item grants.\n",
    &run_templates});

}  // namespace confine::cli
