// The high-level policy language: one JSON file per template, policy group
// or flag (policy-templates/{templates,groups,flags}/<name>.json, and the
// administrator's flags in config.flags_dir). The format is documented in
// confine-policy(5); this file turns one file into a PolicyItem, checking
// every field. Cross-file checks (unknown flag names, categories, include
// cycles) are PolicyLibrary's (library.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/model.h"

namespace confine::policy {

enum class PolicyKind { Template, Group, Flag };
std::string_view to_string(PolicyKind k);  // "template", "group", "flag"

// The categories of the language, in display order.
const std::vector<std::string>& categories();

// A reference from one policy file to a flag, with the field it was written
// in ("include[0]", "networking.flags[1]") for error messages.
struct FlagRef {
  std::string name;
  std::string field;
  std::string category;  // the section it was listed under ("" for include)
};

struct PolicyItem {
  PolicyKind kind = PolicyKind::Flag;
  std::string name;
  std::string file;  // for messages
  std::string description;
  std::string comment;
  std::string category;        // flags only: one of categories()
  bool administrator = false;  // an administrator's flag from flags_dir
  std::vector<FlagRef> flags;  // included flags, in file order
  Policy rules;                // its own rules; each rule's source is source()

  // "template default", "group home", "flag dns", "flag mine (administrator)"
  std::string source() const;
};

// Parses policy file `text` read from `file` as item `name` of `kind`.
// Throws ConfineError("<file>: <field>: <problem>") for invalid JSON,
// duplicate or unknown keys, wrong types, missing or multi-line
// descriptions, bad globs, unknown syscalls (unless optional), unknown
// constants, capabilities, network families or access letters, and
// denylisted capabilities granted without a "comment".
PolicyItem parse_policy_item(const std::string& text, const std::string& file, PolicyKind kind,
                             const std::string& name, bool administrator = false);

// Names of templates, groups and flags (they are file names):
// ^[a-z0-9](-?[a-z0-9])*$, at most 64 characters.
bool policy_name_valid(std::string_view s);

// Capabilities (lower case, no CAP_) a policy may grant only with a
// "comment" saying why: each one is as good as root.
const std::vector<std::string>& capability_denylist();
// A capability the kernel headers name (core/capabilities.cc holds the one
// table of names, capabilities(7) order).
bool capability_known(std::string_view name);

}  // namespace confine::policy
