#include "launch/app_dirs.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "launch/privileges.h"

namespace confine::launch {
namespace {

std::string octal(mode_t m) {
  char buf[8];
  buf[0] = '0';
  buf[1] = static_cast<char>('0' + ((m >> 6) & 7));
  buf[2] = static_cast<char>('0' + ((m >> 3) & 7));
  buf[3] = static_cast<char>('0' + (m & 7));
  return std::string(buf, 4);
}

// The app's directories need only be the user's: their mode is the user's
// business (exact_mode aside), not a sign that someone else controls them.
TrustPolicy owned_by(DirOwner owner) { return TrustPolicy{owner.uid, false}; }

// Splits an absolute path into its components ("/a//b/./" -> {"a", "b"}).
std::vector<std::string> components_of(const std::string& path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    // "." names the directory itself: nothing to create or open.
    if (next > pos && path.compare(pos, next - pos, ".") != 0)
      out.push_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

}  // namespace

Result<UniqueFd> ensure_owned_dirs(const OwnedDirSpec& spec, DirOwner owner) {
  // The base is named by configuration or the password database, not by the
  // caller, so it may be reached through symlinks (/home -> /srv/home).
  UniqueFd cur(::open(spec.base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cur.valid()) return Error::from_errno(errno, "cannot open " + spec.base);
  if (spec.base_owned_by_user)
    if (auto s = check_trusted(cur.get(), spec.base, owned_by(owner), Node::dir); !s)
      return s.error();

  std::string shown = spec.base == "/" ? "" : spec.base;
  for (const auto& comp : spec.components) {
    shown += "/" + comp;
    // Every launch but the first finds the directory: open it straight
    // away, and mkdir only when it is missing. Whatever is there then -
    // ours or prepared by someone else - is checked on the fd we will use
    // from here on, never again by name.
    bool created = false;
    auto next = open_component(cur.get(), comp, shown, Node::dir);
    if (!next && next.error().err == ENOENT) {
      created = ::mkdirat(cur.get(), comp.c_str(), spec.mode) == 0;
      if (!created && errno != EEXIST) return Error::from_errno(errno, "cannot create " + shown);
      next = open_component(cur.get(), comp, shown, Node::dir);
    }
    if (!next) return next.error();
    if (created) {
      // mkdir's mode was cut by the caller's umask; set it exactly. When root
      // creates a directory for another user it hands it over, on the fd.
      if (::fchmod(next->get(), spec.mode) != 0)
        return Error::from_errno(errno, "cannot set mode of " + shown);
      if (::geteuid() != owner.uid && ::fchown(next->get(), owner.uid, owner.gid) != 0)
        return Error::from_errno(errno,
                                 "cannot hand " + shown + " to uid " + std::to_string(owner.uid));
    }
    if (auto s = check_trusted(next->get(), shown, owned_by(owner), Node::dir); !s)
      return s.error();
    if (spec.exact_mode) {
      struct stat st;
      if (fstat(next->get(), &st) != 0) return Error::from_errno(errno, "cannot stat " + shown);
      if ((st.st_mode & 07777) != spec.mode)
        return Error::from_errno(
            EPERM, shown + " has mode " + octal(st.st_mode & 07777) + ", not " + octal(spec.mode));
    }
    cur = std::move(*next);
  }
  return cur;
}

Result<std::string> ensure_user_data_dir(const std::string& home, const PackageKey& key,
                                         const std::string& version, DirOwner owner) {
  if (home.empty() || home.front() != '/')
    return Error::from_errno(EINVAL, "home directory \"" + home + "\" is not an absolute path");
  OwnedDirSpec spec;
  spec.base = home;
  spec.components = {".local", "share", "confine", key.str(), version};
  spec.mode = 0700;
  spec.base_owned_by_user = true;
  auto fd = ensure_owned_dirs(spec, owner);
  if (!fd) return fd.error().context("user data directory");
  return Layout::user_data_dir(home, key, version);
}

namespace {

// The directory `name` in `at`, not a symlink, owned by `uid`, with exactly
// `mode`. ENOENT when it does not exist (the caller creates it). O_PATH:
// others may only search <tmp_dir>/confine (0711), not read it.
Result<UniqueFd> open_exact_dir(int at, const std::string& name, uid_t uid, mode_t mode,
                                const std::string& shown) {
  auto fd = open_component(at, name, shown, Node::dir, O_PATH);
  if (!fd) {
    const int e = fd.error().err == ENOTDIR ? ELOOP : fd.error().err;  // a file planted there
    return Error::from_errno(e, e == ENOENT ? "no " + shown : fd.error().message);
  }
  struct stat st;
  if (::fstat(fd->get(), &st) != 0) return Error::from_errno(errno, "cannot stat " + shown);
  if (st.st_uid != uid || (st.st_mode & 07777) != mode)
    return Error::from_errno(EPERM, shown + " is owned by uid " + std::to_string(st.st_uid) +
                                        " with mode " + octal(st.st_mode & 07777) + ", not uid " +
                                        std::to_string(uid) + " with mode " + octal(mode));
  return fd;
}

// mkdirat, then the exact mode (mkdir's is cut by the umask) and owner, on
// the fd. EEXIST: made meanwhile by a concurrent launch, checked like any.
Result<UniqueFd> make_exact_dir(int at, const std::string& name, DirOwner owner, mode_t mode,
                                const std::string& shown) {
  if (::mkdirat(at, name.c_str(), mode) != 0 && errno != EEXIST)
    return Error::from_errno(errno, "cannot create " + shown);
  auto fd = open_component(at, name, shown, Node::dir);
  if (!fd) return open_exact_dir(at, name, owner.uid, mode, shown);
  struct stat st;
  if (::fstat(fd->get(), &st) != 0) return Error::from_errno(errno, "cannot stat " + shown);
  // Only a directory that is ours already (made by us, or by a concurrent
  // launch as the same owner) is adjusted; anything else is refused below.
  if (st.st_uid == static_cast<uid_t>(::setfsuid(static_cast<uid_t>(-1)))) {
    if (::fchmod(fd->get(), mode) != 0)
      return Error::from_errno(errno, "cannot set mode of " + shown);
    if (st.st_uid != owner.uid && ::fchown(fd->get(), owner.uid, owner.gid) != 0)
      return Error::from_errno(errno, "cannot hand " + shown + " to uid " +
                                          std::to_string(owner.uid));
  }
  return open_exact_dir(at, name, owner.uid, mode, shown);
}

}  // namespace

Result<std::string> ensure_tmp_dir(const Layout& layout, const AppId& id, DirOwner owner,
                                   bool raised) {
  const std::string base = layout.config().tmp_dir;
  const std::string top_path = layout.tmp_root();
  const std::string user_path = layout.user_tmp_root(owner.uid);
  const std::string uid_name = std::to_string(owner.uid);
  // The base is named by configuration (/tmp), so it may be a symlink.
  UniqueFd base_fd(::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!base_fd.valid()) return Error::from_errno(errno, "tmp directory: cannot open " + base);

  // Every launch but a user's first after boot finds both parents.
  auto top = open_exact_dir(base_fd.get(), "confine", 0, 0711, top_path);
  Result<UniqueFd> mine = Error::from_errno(ENOENT, "");
  if (top) mine = open_exact_dir(top->get(), uid_name, owner.uid, 0700, user_path);
  const bool missing = top ? !mine && mine.error().err == ENOENT : top.error().err == ENOENT;
  if (missing) {
    // Made as root (file-system ids 0): in a directory everybody may write
    // nothing of ours is ever the caller's or made through a name the
    // caller could have prepared; the user's own is handed over on its fd.
    Status made = as_file_system_root(raised, launcher_caps_for(kNeedTmpDirOwner), [&]() -> Status {
      if (!top) top = make_exact_dir(base_fd.get(), "confine", {0, 0}, 0711, top_path);
      if (!top) return top.error();
      mine = make_exact_dir(top->get(), uid_name, owner, 0700, user_path);
      return mine.status();
    });
    if (!made && top) return made.error().context("tmp directory");
  }
  if (!top) {
    Error e = top.error();
    if (e.err == EPERM || e.err == ELOOP)
      e.message += " (made by someone else before confine: remove it; confine's tmpfiles.d "
                   "entry makes it at boot)";
    return e.context("tmp directory");
  }
  if (!mine) return mine.error().context("tmp directory");
  // <APP_ID>: the user's own, in their own directory.
  auto app = make_exact_dir(mine->get(), id.str(), owner, 0700, layout.tmp_dir(id, owner.uid));
  if (!app) return app.error().context("tmp directory");
  return layout.tmp_dir(id, owner.uid);
}

Status ensure_data_dir(const Layout& layout, const PackageKey& key, const std::string& version,
                       bool may_create) {
  std::string path = layout.data_dir(key, version);
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      return Error::from_errno(ENOTDIR, "data directory " + path + " is not a directory");
    return Status::Ok();
  }
  if (errno != ENOENT) return Error::from_errno(errno, "cannot stat data directory " + path);
  if (!may_create) return Status::Ok();
  // Root creates it the way `confine install` would: root-owned all the way
  // down and without following symlinks.
  OwnedDirSpec spec;
  spec.base = "/";
  spec.components = components_of(path);
  spec.mode = 0755;
  auto fd = ensure_owned_dirs(spec, DirOwner{0, 0});
  if (!fd) return fd.error().context("data directory");
  return Status::Ok();
}

Status hand_over_data_dir_top(const Layout& layout, const PackageKey& key,
                              const std::string& version, DirOwner owner) {
  const std::string path = layout.data_dir(key, version);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    const int e = errno == ENOTDIR ? ELOOP : errno;
    return Error::from_errno(e, "data directory: cannot open " + path);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Error::from_errno(errno, "cannot stat " + path);
  if (st.st_uid == owner.uid) return Status::Ok();
  if (st.st_uid != 0)
    return Error::from_errno(EPERM, "data directory " + path + " is owned by uid " +
                                        std::to_string(st.st_uid) + ", not root or uid " +
                                        std::to_string(owner.uid));
  // Mode first: once it is the user's, changing it would need cap_fowner.
  if (::fchmod(fd.get(), 0700) != 0 || ::fchown(fd.get(), owner.uid, owner.gid) != 0)
    return Error::from_errno(errno, "cannot hand data directory " + path + " to uid " +
                                        std::to_string(owner.uid));
  return Status::Ok();
}

}  // namespace confine::launch
