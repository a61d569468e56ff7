// Package users (confine-package(5), USERS): the system account a package's
// services run as. `confine install` creates it with useradd(8) (a system
// uid, its own group, no home, no login shell), `confine purge`
// deletes it with userdel(8); a plain remove leaves it, with its files.
//
// The name is derived from the package key: "c_<name>_<origin>" (type app)
// or "c_<name>", at most 32 bytes (longer keys keep a prefix and end in 8 hex
// digits of a hash of the key). Package names and origins hold neither '_'
// nor '.', so different keys give different names. The account is marked as
// the package's by its comment field, "confine package <key>": a name that
// exists without that mark (a user or a group of that name) belongs to
// someone else, and the next candidate ("...-2" to "...-10") is tried.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/names.h"
#include "install/metadata.h"

namespace confine::install {

struct Account {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string gecos;
};

// The accounts below <root>/etc (passwd, group); for root "/" also what NSS
// knows, so that a name taken in LDAP counts as taken.
class AccountDb {
 public:
  virtual ~AccountDb() = default;
  virtual std::optional<Account> user(const std::string& name) const = 0;
  virtual std::optional<gid_t> group(const std::string& name) const = 0;
  // Adds a system user and its own group; throws ConfineError.
  virtual Account add_system_user(const std::string& name, const std::string& gecos) = 0;
  // Deletes the user (and its own group); throws ConfineError.
  virtual void remove_user(const std::string& name) = 0;
};

// useradd/userdel --prefix <accounts_root> (no --prefix for "/").
std::unique_ptr<AccountDb> system_accounts(const Config& config);

// "confine package <key>": the mark in the comment field.
std::string account_mark(const PackageKey& key);
// The candidate names for `key`, in the order they are tried (10).
std::vector<std::string> user_name_candidates(const PackageKey& key);
// The package's existing account (a candidate carrying its mark), if any.
std::optional<Account> find_package_user(const AccountDb& db, const PackageKey& key);
// The existing account, or a new one under the first free candidate.
// Throws ConfineError naming the taken names when every candidate is taken.
// `created` is set when the account was added now.
Account ensure_package_user(AccountDb& db, const PackageKey& key, bool& created);

// Who an app of `key` runs as, for `confine policy`: "its caller",
// "root (declared ...)" or "package user <name> (uid N)".
std::string describe_run_as(const Config& config, const PackageKey& key, AppEntry::User user);

}  // namespace confine::install
