// The one JSON reader of confine: every JSON file it reads (the
// configuration, package metadata, policy files) goes through it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"

namespace confine {

// Parses `text`, rejecting a duplicate object key anywhere (nlohmann keeps
// the last one silently: a second "caps" or "seccomp" would replace the
// first). Errors, without the file's name, which the caller prepends:
// "invalid JSON: parse error at line 1, column 2: ..." or
// "<path>: duplicate key" with the path to the key, e.g. "binaries[1].exec".
Result<nlohmann::json> parse_json_strict(const std::string& text);

}  // namespace confine
