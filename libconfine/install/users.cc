#include "install/users.h"

#include <grp.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <memory>

#include "core/error.h"
#include "core/fault.h"

namespace confine::install {
namespace {

constexpr size_t kMaxName = 32;  // useradd(8)

// FNV-1a: stable across builds and machines (std::hash is neither).
std::string hash8(const std::string& s) {
  uint32_t h = 2166136261U;
  for (unsigned char c : s) h = (h ^ c) * 16777619U;
  static const char kHex[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, h >>= 4) out[static_cast<size_t>(i)] = kHex[h & 15];
  return out;
}

// Fits `base` + `suffix` into 32 bytes, keeping a hash of `key` when it must cut.
std::string fit(const std::string& base, const std::string& suffix, const PackageKey& key) {
  if (base.size() + suffix.size() <= kMaxName) return base + suffix;
  const std::string tail = "_" + hash8(key.str()) + suffix;
  return base.substr(0, kMaxName - tail.size()) + tail;
}

// The fields of the line of `path` whose first field is `name` (colon-separated).
std::optional<std::vector<std::string>> find_entry(const std::string& path,
                                                   const std::string& name) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    size_t start = 0;
    for (;;) {
      size_t c = line.find(':', start);
      f.push_back(line.substr(start, c == std::string::npos ? std::string::npos : c - start));
      if (c == std::string::npos) break;
      start = c + 1;
    }
    if (!f.empty() && f[0] == name) return f;
  }
  return std::nullopt;
}

// A uid or gid field of `file`; a damaged one fails the install.
uint32_t id_field(const std::string& s, const std::string& file) {
  if (s.empty() || s.size() > 10 || s.find_first_not_of("0123456789") != std::string::npos)
    throw ConfineError(file + ": invalid id \"" + s + "\"");
  const unsigned long long v = std::stoull(s);
  if (v >= 0xffffffffULL) throw ConfineError(file + ": invalid id \"" + s + "\"");
  return static_cast<uint32_t>(v);
}

// Runs `argv` (absolute path, empty environment) and waits; its exit status or -1.
int run_tool(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  char* envp[] = {const_cast<char*>("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nullptr};
  pid_t pid;
  if (::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), envp) != 0) return -1;
  int status;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string tool(const char* name) {
  for (const char* dir : {"/usr/sbin/", "/sbin/"}) {
    std::string p = std::string(dir) + name;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  throw ConfineError(std::string(name) + " not found in /usr/sbin or /sbin (package passwd)");
}

class SystemAccounts final : public AccountDb {
 public:
  explicit SystemAccounts(std::string root) : root_(std::move(root)) {}

  std::optional<Account> user(const std::string& name) const override {
    if (auto f = find_entry(etc("passwd"), name); f && f->size() >= 5)
      return Account{name, id_field((*f)[2], etc("passwd")), id_field((*f)[3], etc("passwd")),
                     (*f)[4]};
    if (root_ != "/") return std::nullopt;
    if (const struct passwd* pw = ::getpwnam(name.c_str()))
      return Account{name, pw->pw_uid, pw->pw_gid, pw->pw_gecos ? pw->pw_gecos : ""};
    return std::nullopt;
  }

  std::optional<gid_t> group(const std::string& name) const override {
    if (auto f = find_entry(etc("group"), name); f && f->size() >= 3)
      return id_field((*f)[2], etc("group"));
    if (root_ != "/") return std::nullopt;
    if (const struct group* gr = ::getgrnam(name.c_str())) return gr->gr_gid;
    return std::nullopt;
  }

  Account add_system_user(const std::string& name, const std::string& gecos) override {
    fault_point_or_throw("install: add user");
    std::vector<std::string> args{tool("useradd")};
    prefix(args);
    for (const char* a : {"--system", "--user-group", "--no-create-home", "--home-dir",
                          "/nonexistent", "--shell", "/usr/sbin/nologin", "--comment"})
      args.emplace_back(a);
    args.push_back(gecos);
    args.push_back(name);
    if (int rc = run_tool(args); rc != 0)
      throw ConfineError("useradd " + name + " failed (status " + std::to_string(rc) + ")");
    auto a = user(name);
    if (!a || a->gecos != gecos)
      throw ConfineError("useradd " + name + " succeeded, but the user is not in " + etc("passwd"));
    return *a;
  }

  void remove_user(const std::string& name) override {
    std::vector<std::string> args{tool("userdel")};
    prefix(args);
    args.push_back(name);
    const std::optional<Account> was = user(name);
    if (int rc = run_tool(args); rc != 0)
      throw ConfineError("userdel " + name + " failed (status " + std::to_string(rc) + ")");
    // userdel keeps the user's own group where login.defs lacks
    // USERGROUPS_ENAB: it goes too (useradd --user-group made it).
    if (was && group(name) == was->gid) {
      std::vector<std::string> gargs{tool("groupdel")};
      prefix(gargs);
      gargs.push_back(name);
      if (int rc = run_tool(gargs); rc != 0)
        throw ConfineError("groupdel " + name + " failed (status " + std::to_string(rc) + ")");
    }
  }

 private:
  std::string etc(const char* file) const { return (root_ == "/" ? "" : root_) + "/etc/" + file; }
  void prefix(std::vector<std::string>& args) const {
    if (root_ != "/") {
      args.emplace_back("--prefix");
      args.push_back(root_);
    }
  }
  std::string root_;
};

}  // namespace

std::unique_ptr<AccountDb> system_accounts(const Config& config) {
  return std::make_unique<SystemAccounts>(config.accounts_root);
}

std::string account_mark(const PackageKey& key) {
  return "confine package " + key.str();
}

std::vector<std::string> user_name_candidates(const PackageKey& key) {
  const std::string base = "c_" + key.name + (key.origin.empty() ? "" : "_" + key.origin);
  std::vector<std::string> out{fit(base, "", key)};
  for (int i = 2; i <= 10; ++i) out.push_back(fit(base, "-" + std::to_string(i), key));
  return out;
}

std::optional<Account> find_package_user(const AccountDb& db, const PackageKey& key) {
  const std::string mark = account_mark(key);
  for (const auto& name : user_name_candidates(key))
    if (auto a = db.user(name); a && a->gecos == mark) return a;
  return std::nullopt;
}

Account ensure_package_user(AccountDb& db, const PackageKey& key, bool& created) {
  created = false;
  if (auto a = find_package_user(db, key)) return *a;
  std::string taken;
  for (const auto& name : user_name_candidates(key)) {
    // useradd --user-group needs the group name free too.
    if (!db.user(name) && !db.group(name)) {
      Account a = db.add_system_user(name, account_mark(key));
      created = true;
      return a;
    }
    taken += (taken.empty() ? "" : ", ") + name;
  }
  throw ConfineError("cannot choose a user for " + key.str() + ": " + taken +
                     " exist and are not marked \"" + account_mark(key) + "\"");
}

std::string describe_run_as(const Config& config, const PackageKey& key, AppEntry::User user) {
  switch (user) {
    case AppEntry::User::Caller:
      return "its caller (root's launch: root, with the capabilities its policy grants)";
    case AppEntry::User::Root:
      return "root, as its metadata declares (\"user\": \"root\")";
    case AppEntry::User::Package:
      break;
  }
  const auto a = find_package_user(*system_accounts(config), key);
  const std::string who = a ? a->name + " (uid " + std::to_string(a->uid) + ")"
                            : user_name_candidates(key)[0] + " (made by confine install)";
  return "package user " + who + " when root launches it, else its caller";
}

}  // namespace confine::install
