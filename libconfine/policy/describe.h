// The readable form of a resolved policy (`confine policy APP_ID`): rules
// grouped by where they came from (template, group, flag, override file),
// in the order they were merged.
#pragma once

#include <string>

#include "policy/library.h"
#include "policy/model.h"

namespace confine::policy {

// `policy` should be effective(). `library` (may be null) supplies each
// source's description and included flags, and attributes capabilities and
// network rules, which the model keeps without a source.
std::string describe_policy(const Policy& policy, const PolicyLibrary* library);

}  // namespace confine::policy
