// All templates, groups and flags of a system, loaded and cross-checked.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "policy/language.h"

namespace confine::policy {

class PolicyLibrary {
 public:
  // Loads <templates_dir>/{templates,groups,flags}/*.json and the
  // administrator's flags <flags_dir>/*.json (a missing flags_dir is fine;
  // files there must not be writable by group or others, nor shadow a
  // shipped flag or group). Files not ending in ".json" are ignored.
  // Throws ConfineError naming the file and field on any problem, including
  // unknown flag names, a flag listed under the wrong category, and include
  // cycles.
  static PolicyLibrary load(const std::string& templates_dir, const std::string& flags_dir);

  // Builds a library from parsed items with the same cross-checks (tests).
  static PolicyLibrary from_items(std::vector<PolicyItem> items);

  const PolicyItem* find(PolicyKind kind, const std::string& name) const;
  // All items of `kind`, sorted by name.
  std::vector<const PolicyItem*> items(PolicyKind kind) const;

  // The item's own rules merged with those of every flag it reaches (each
  // flag once), with `sources` listing them in order. Not yet effective().
  Policy expand(const PolicyItem& item) const;

 private:
  void add(PolicyItem item);
  void check_references() const;
  void expand_into(const PolicyItem& item, Policy& out, std::vector<std::string>& seen) const;

  std::map<std::string, PolicyItem> templates_, groups_, flags_;
};

}  // namespace confine::policy
