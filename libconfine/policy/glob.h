// AppArmor path globs as policy files may write them.
//
// Accepted: absolute paths, or paths starting with one of the variables of
// model.h (@{CONFINE_APP_PATH} @{CONFINE_APP_DATA_PATH}
// @{CONFINE_APP_USER_DATA_PATH} @{CONFINE_APP_TMPDIR} @{CONFINE_APP_RUNTIME_PATH}
// @{HOME}) followed by
// '/' or the end; inside a path also @{pid}, @{pids}, @{tid} and
// @{multiarch} from AppArmor's tunables. Glob syntax: '*', '**', '?',
// '[...]' (with '^' negation and a-z ranges), '{a,b}' (nestable). Refused,
// because AppArmor would read them differently from what the author meant or
// they never match: unbalanced brackets or braces, '***', '//', '.' or '..'
// components, backslash escapes, quotes, control characters, unknown
// variables.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace confine::policy {

// The variables a path may start with.
const std::vector<std::string>& path_variables();

// nullopt when `path` is a valid glob, else the problem (without the path).
std::optional<std::string> glob_problem(std::string_view path);

// Whether the concrete `path` matches `glob` the way AppArmor matches it:
// '*' any characters but '/', '**' any characters, '?' one character but
// '/', '[...]' a class ('^' negates, ranges a-z), '{a,b}' alternatives
// (nestable). Variables must already be replaced (see confine explain).
// Unbalanced braces or brackets never match.
bool glob_matches(std::string_view glob, std::string_view path);

// A raw AppArmor line that is a plain allow file rule, "[audit] [owner]
// PATH ACCESS," as policy groups write them when they need "owner":
// {PATH, ACCESS}. Anything else (deny rules, other rule kinds): nullopt.
std::optional<std::pair<std::string, std::string>> simple_file_rule(std::string line);

// The alternatives of every '{a,b}' in `glob`, expanded ("/{usr/,}lib" ->
// "/usr/lib", "/lib"); variables (@{NAME}) stay; at most `limit` results (then the rest is dropped
// and `complete` set false).
std::vector<std::string> expand_braces(const std::string& glob, size_t limit, bool& complete);

}  // namespace confine::policy
