// The Landlock launch step (launch/steps.h: after privileges, before
// AppArmor and seccomp).
//
// prepare(): decides whether the file rules apply (config `landlock`:
// if-available applies them only where AppArmor is not enabled; required
// always), reads and validates the app's rules, substitutes this launch's
// directories, opens each path and adds it to a new ruleset. On ABI 6 and
// later the ruleset also scopes abstract unix sockets and signals to the
// app (it can reach neither outside itself). Where AppArmor confines the
// files, a ruleset keeps ptys from being opened by name and / and /dev
// from changing (apparmor_veil: what AppArmor cannot express), with the
// scopes; where no rules were
// installed, one with the scopes only. apply():
// sets no_new_privs where the kernel requires it (no CAP_SYS_ADMIN, as for
// seccomp) and restricts this process, which the app inherits across
// execve. No allocation in apply().
#include <dirent.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/openat2.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "apparmor/launch_step.h"
#include "core/layers.h"
#include "core/safe_io.h"
#include "landlock/detect.h"
#include "landlock/rules.h"
#include "launch/steps.h"
#include "seccomp/launch_step.h"

namespace confine::landlock {
namespace {

constexpr size_t kMaxFile = size_t{64} * 1024;

// struct landlock_ruleset_attr of Linux 6.12 (Debian 12's headers have only
// the first field). The kernel accepts the larger struct on older ABIs as
// long as the fields it does not know are zero.
struct RulesetAttr {
  uint64_t handled_access_fs = 0;
  uint64_t handled_access_net = 0;  // ABI 4; never set: no network rules
  uint64_t scoped = 0;              // ABI 6
};
constexpr uint64_t kScopeAbstractUnixSocket = 1ULL << 0;  // LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
constexpr uint64_t kScopeSignal = 1ULL << 1;              // LANDLOCK_SCOPE_SIGNAL
constexpr int kScopesAbi = 6;

// The scopes every app gets where the kernel has them: connecting (or
// sending) to an abstract unix socket made outside the app, and signalling
// a process outside it, fail with EPERM.
uint64_t scopes_for_abi(int abi) {
  return abi >= kScopesAbi ? kScopeAbstractUnixSocket | kScopeSignal : 0;
}

// Where a rule's path starts, and how it is opened. A variable's trusted
// base (the user's home as the password database says, the configured
// tmp_dir, the install and data dirs `confine install` made, /proc) is
// opened following symlinks, like the launcher opens it when it creates the
// app's dirs (launch/app_dirs.h); everything below it, which the user, the
// app or the package author controls, is opened with RESOLVE_NO_SYMLINKS:
// O_PATH on a planted link would grant Landlock access to whatever it
// points to. Such a rule is skipped instead (ELOOP): the app loses it, it
// never gains the link's target. Absolute paths come from the shipped
// templates and lie in root-owned system directories, where links
// (/lib -> usr/lib) are the system's own and are followed.
struct Variable {
  const char* name;
  std::string base;   // opened following symlinks
  std::string below;  // the rest of the variable's value, from the base
  UniqueFd fd = {};   // the base, opened once per launch on first use
};

std::vector<Variable> variables(const launch::LaunchContext& ctx) {
  const auto& p = ctx.paths;
  auto below = [](const std::string& value, const std::string& base) {
    return value.starts_with(base) ? value.substr(base.size()) : std::string("\n");  // refused
  };
  std::vector<Variable> v;  // push_back: an initializer list would copy the fds
  v.push_back({"@{CONFINE_APP_PATH}", p.install_dir, ""});
  v.push_back({"@{CONFINE_APP_DATA_PATH}", p.data_dir, ""});
  v.push_back({"@{CONFINE_APP_USER_DATA_PATH}", p.home, below(p.user_data_dir, p.home)});
  v.push_back({"@{CONFINE_APP_TMPDIR}", ctx.config.tmp_dir, below(p.tmp_dir, ctx.config.tmp_dir)});
  v.push_back({"@{CONFINE_APP_RUNTIME_PATH}", "/run", below(p.runtime_dir, "/run")});
  v.push_back({"@{HOME}", p.home, ""});
  v.push_back({"@{PROC}", "/proc", ""});
  return v;
}

// The path for messages, and an O_PATH fd on it (-1 with errno).
int open_rule_path(const std::string& rule, std::vector<Variable>& vars, std::string& shown) {
  shown = rule;
  if (rule.starts_with("/")) return ::open(rule.c_str(), O_PATH | O_CLOEXEC);
  for (auto& v : vars) {
    if (!rule.starts_with(v.name)) continue;
    std::string rest = v.below + rule.substr(std::string(v.name).size());
    shown = v.base + rest;
    if (rest.find('\n') != std::string::npos) {
      errno = EINVAL;  // a value outside its base: never guessed at
      return -1;
    }
    while (rest.starts_with("/")) rest.erase(0, 1);
    if (!v.fd.valid()) v.fd = UniqueFd(::open(v.base.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!v.fd.valid()) return -1;
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH;
    return static_cast<int>(
        ::syscall(SYS_openat2, v.fd.get(), rest.empty() ? "." : rest.c_str(), &how, sizeof how));
  }
  errno = EINVAL;  // parse() admits no other start
  return -1;
}

class LandlockStep final : public launch::LaunchStep {
 public:
  const char* name() const override { return layer_name(Layer::Landlock).data(); }
  std::optional<Layer> layer() const override { return Layer::Landlock; }

  Status prepare(launch::LaunchContext& ctx) override {
    const bool required = ctx.config.landlock == LayerMode::Required;
    // A refused probe is an error, never "no Landlock" (detect.h).
    auto probed = landlock_abi();
    if (!probed) return probed.error();
    const int abi = *probed;
    if (!required) {
      // Where AppArmor confines the filesystem it is the precise layer, and
      // Landlock (which runs first) would hide its denials and log lines.
      // The scopes are no file access: they apply under AppArmor too.
      auto aa = apparmor::kernel_support();
      if (aa && *aa == apparmor::KernelSupport::Enabled) return apparmor_veil(ctx, abi);
    }
    if (abi == 0) {
      if (required)
        return Error::from_errno(ENOSYS,
                                 "Landlock is required by the configuration but the kernel has "
                                 "none");
      ctx.skipped.push_back("landlock: not available in the kernel");
      return Status::Ok();
    }
    if (!ctx.record.has_layer(Layer::Landlock)) {
      if (required)
        return Error::from_errno(ENOENT, "no Landlock rules were installed for " +
                                             ctx.record.id.str() +
                                             " and the configuration requires Landlock");
      ctx.skipped.push_back("landlock: no rules were installed for this app");
      return scopes_only(ctx, abi);
    }
    // Through the launch's checked policy_dir fd (read_trusted's checks).
    const std::string file = ctx.layout.landlock_rules(ctx.record.id);
    auto text = ctx.read_artifact(file, kMaxFile);
    if (!text) return text.error();
    auto rules = parse(*text, file);
    if (!rules) return rules.error();

    const uint64_t handled = handled_for_abi(abi);
    if (auto s = create_ruleset(handled, scopes_for_abi(abi)); !s) return s;
    int added = 0;
    std::vector<Variable> vars = variables(ctx);
    std::string path;
    for (const auto& r : *rules) {
      if (r.path.ends_with(kNonDotEntries)) {
        auto n = add_non_dot_entries(r, vars, handled, ctx);
        if (!n) return n.error();
        added += *n;
        continue;
      }
      UniqueFd fd(open_rule_path(r.path, vars, path));
      if (!fd.valid()) {
        // Nothing to grant on a path that is not there (or that a symlink
        // in a user-controlled place would redirect): the app cannot reach
        // it either.
        // EXDEV: RESOLVE_BENEATH met a ".." out of the base.
        if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP || errno == EACCES ||
            errno == EXDEV)
          continue;
        return Error::from_errno(errno, "cannot open " + path);
      }
      // No fstat: AppArmor names a directory with a trailing '/' (a rule
      // without one never matches a directory), and so does our file; file
      // rights on a directory are accepted by the kernel and stay narrow.
      landlock_path_beneath_attr beneath{};
      beneath.allowed_access = access_bits(r.rights, r.path.ends_with("/"), handled);
      beneath.parent_fd = fd.get();
      if (beneath.allowed_access == 0) continue;
      if (::syscall(SYS_landlock_add_rule, ruleset_.get(), LANDLOCK_RULE_PATH_BENEATH, &beneath,
                    0) != 0)
        return Error::from_errno(errno, "cannot add a Landlock rule for " + path);
      ++added;
    }
    force_no_new_privs_ = ctx.config.no_new_privs;
    ctx.layers.landlock_files = true;
    if (scopes_for_abi(abi)) ctx.layers.landlock_scopes_abi = abi;
    ctx.applied.push_back("landlock (ABI " + std::to_string(abi) + ", " + std::to_string(added) +
                          " rules" + scopes_text(abi) + ")");
    return Status::Ok();
  }

  Status apply(launch::LaunchContext&) override {
    if (!ruleset_.valid()) return Status::Ok();  // not applied, said in prepare()
    // Asked now: the privileges step before us may have dropped
    // CAP_SYS_ADMIN (it does for every app whose policy does not grant it).
    if (seccomp::needs_no_new_privs(force_no_new_privs_) &&
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
      return Error::from_errno(errno, "cannot set no_new_privs");
    if (::syscall(SYS_landlock_restrict_self, ruleset_.get(), 0) != 0)
      return Error::from_errno(errno, "cannot restrict the launch with Landlock");
    return Status::Ok();
  }

 private:
  Status add_rule(int fd, uint64_t access, const std::string& shown) {
    landlock_path_beneath_attr beneath{};
    beneath.allowed_access = access;
    beneath.parent_fd = fd;
    if (::syscall(SYS_landlock_add_rule, ruleset_.get(), LANDLOCK_RULE_PATH_BENEATH, &beneath, 0) !=
        0)
      return Error::from_errno(errno, "cannot add a Landlock rule for " + shown);
    return Status::Ok();
  }

  // "DIR/[^.]*" (rules.h): one rule per entry of DIR whose name does not
  // start with '.', opened without following symlinks (a link there, say
  // to ~/.ssh, is skipped: it grants nothing). Returns the rules added.
  Result<int> add_non_dot_entries(const Rule& r, std::vector<Variable>& vars, uint64_t handled,
                                  launch::LaunchContext& ctx) {
    const std::string dir_rule = r.path.substr(0, r.path.size() - std::strlen(kNonDotEntries));
    std::string shown;
    UniqueFd at(open_rule_path(dir_rule, vars, shown));
    if (!at.valid()) return 0;  // no such directory: nothing to grant
    UniqueFd listing(::openat(at.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!listing.valid()) return 0;
    DIR* d = ::fdopendir(listing.get());
    if (!d) return Error::from_errno(errno, "cannot list " + shown);
    (void)listing.release();  // the DIR owns it now
    int added = 0;
    size_t entries = 0;
    bool truncated = false;
    Status status = Status::Ok();
    while (const dirent* e = ::readdir(d)) {
      if (e->d_name[0] == '.') continue;
      if (++entries > kMaxNonDotEntries) {
        truncated = true;
        break;
      }
      open_how how{};
      how.flags = O_PATH | O_CLOEXEC;
      how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH;
      UniqueFd fd(static_cast<int>(::syscall(SYS_openat2, at.get(), e->d_name, &how, sizeof how)));
      if (!fd.valid()) continue;  // a symlink (ELOOP) or gone meanwhile
      struct stat st;
      if (::fstat(fd.get(), &st) != 0) continue;
      const uint64_t access = access_bits(r.rights, S_ISDIR(st.st_mode), handled);
      if (access == 0) continue;
      status = add_rule(fd.get(), access, shown + e->d_name);
      if (!status) break;
      ++added;
    }
    ::closedir(d);
    if (!status) return status.error();
    if (truncated)
      ctx.skipped.push_back("landlock: only the first " + std::to_string(kMaxNonDotEntries) +
                            " entries of " + shown + " are granted");
    return added;
  }

  Status create_ruleset(uint64_t handled_fs, uint64_t scoped) {
    RulesetAttr attr;
    attr.handled_access_fs = handled_fs;
    attr.scoped = scoped;
    ruleset_ =
        UniqueFd(static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0)));
    if (!ruleset_.valid()) return Error::from_errno(errno, "cannot create a Landlock ruleset");
    return Status::Ok();
  }

  static std::string scopes_text(int abi) {
    return scopes_for_abi(abi) ? ", scoped: abstract unix sockets, signals" : "";
  }

  // Under AppArmor: a ruleset for what AppArmor cannot hold, granted on every
  // entry of "/" but /dev and every entry of /dev but /dev/pts, plus the
  // scopes. (1) Its profile must name /dev/pts/* (AppArmor checks the
  // inherited terminal again at exec), so it cannot tell another session's
  // pty opened by name from it; Landlock checks only opens. (2) Its "w"
  // includes unlink and create, so a root app with /dev/null rw could
  // remove or replace /dev/null; here nothing is made or removed directly
  // in / or /dev. Reading, writing, making and removing (and, from ABI 2,
  // renaming across directories, which any ruleset refuses otherwise) are
  // handled and granted beneath every other entry, so AppArmor's denials
  // and log lines stay its own. Device nodes made after the launch are not
  // granted. ABI 1 has no right for renames across directories, which any
  // ruleset then refuses (EXDEV: mv and most libraries copy instead).
  Status apparmor_veil(launch::LaunchContext& ctx, int abi) {
    constexpr uint64_t kFile = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE;
    const uint64_t kDir =
        kFile | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
        LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
        LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
        LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM |
        (abi >= 2 ? LANDLOCK_ACCESS_FS_REFER : 0);
    if (abi == 0) {  // the coverage check names what AppArmor alone leaves open
      ctx.skipped.push_back("landlock: not available in the kernel (under AppArmor)");
      return Status::Ok();
    }
    if (auto s = create_ruleset(kDir, scopes_for_abi(abi)); !s) return s;
    int added = 0;
    for (const char* dir : {"/", "/dev/"}) {
      const char* skip = std::strcmp(dir, "/") == 0 ? "dev" : "pts";
      UniqueFd at(::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (!at.valid()) return Error::from_errno(errno, std::string("cannot open ") + dir);
      DIR* d = ::fdopendir(::dup(at.get()));
      if (!d) return Error::from_errno(errno, std::string("cannot list ") + dir);
      Status status = Status::Ok();
      size_t entries = 0;
      while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name == "." || name == ".." || name == skip) continue;
        if (++entries > kMaxNonDotEntries) {
          status = Error::from_errno(E2BIG, std::string("too many entries in ") + dir);
          break;
        }
        // Symlinks need no rule: their targets are reached through the
        // entries they point to.
        UniqueFd fd(::openat(at.get(), e->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC));
        struct stat st;
        if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || S_ISLNK(st.st_mode)) continue;
        status = add_rule(fd.get(), S_ISDIR(st.st_mode) ? kDir : kFile, dir + name);
        if (!status) break;
        ++added;
      }
      ::closedir(d);
      if (!status) return status;
    }
    force_no_new_privs_ = ctx.config.no_new_privs;
    ctx.layers.apparmor_veil = true;
    if (scopes_for_abi(abi)) ctx.layers.landlock_scopes_abi = abi;
    ctx.applied.push_back("landlock (ABI " + std::to_string(abi) + ", under AppArmor: " +
                          std::to_string(added) +
                          " rules, no pty opened by name, nothing made or removed in / or /dev" +
                          (abi < 2 ? ", no rename across directories" : "") + scopes_text(abi) +
                          ")");
    return Status::Ok();
  }

  // A ruleset that handles no file access, only the scopes (nothing on a
  // kernel before ABI 6).
  Status scopes_only(launch::LaunchContext& ctx, int abi) {
    const uint64_t scoped = scopes_for_abi(abi);
    if (!scoped) return Status::Ok();
    if (auto s = create_ruleset(0, scoped); !s) return s;
    force_no_new_privs_ = ctx.config.no_new_privs;
    ctx.layers.landlock_scopes_abi = abi;
    ctx.applied.push_back("landlock (ABI " + std::to_string(abi) +
                          ", scopes only: abstract unix sockets, signals)");
    return Status::Ok();
  }

  UniqueFd ruleset_;
  bool force_no_new_privs_ = false;
};

}  // namespace
}  // namespace confine::landlock

// The factory launch/steps.cc calls (declared in launch/steps.h).
std::unique_ptr<confine::launch::LaunchStep> confine::launch::make_landlock_step() {
  return std::make_unique<landlock::LandlockStep>();
}
