// The readable form of a resolved policy (`confine policy APP_ID`): rules
// grouped by where they came from (template, group, flag, override file),
// in the order they were merged.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "policy/library.h"
#include "policy/model.h"

namespace confine::policy {

// `policy` should be effective(). `library` (may be null) supplies each
// source's description and included flags, and attributes capabilities and
// network rules, which the model keeps without a source.
std::string describe_policy(const Policy& policy, const PolicyLibrary* library);

// The same as data (part of `confine policy --json`, schema
// "confine-policy/1" in confine(8)): "sources" (name, description,
// includes, in merge order), "allow" and "deny" rule sets (each rule with
// its source), "apparmor_raw" lines, and "landlock" (the rules Landlock
// holds wider or not at all, with how).
nlohmann::json policy_json(const Policy& policy, const PolicyLibrary* library);

}  // namespace confine::policy
