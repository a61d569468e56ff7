#include "launch/app_dirs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

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

Status check_owned(int fd, const std::string& shown, DirOwner owner) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Error::from_errno(errno, "cannot stat " + shown);
  if (!S_ISDIR(st.st_mode)) return Error::from_errno(ENOTDIR, shown + " is not a directory");
  if (st.st_uid != owner.uid)
    return Error::from_errno(EPERM, shown + " is owned by uid " + std::to_string(st.st_uid) +
                                        ", not " + std::to_string(owner.uid));
  return Status::Ok();
}

// Splits an absolute path into its components ("/a//b/" -> {"a", "b"}).
std::vector<std::string> components_of(const std::string& path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    if (next > pos) out.push_back(path.substr(pos, next - pos));
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
    if (auto s = check_owned(cur.get(), spec.base, owner); !s) return s.error();

  std::string shown = spec.base == "/" ? "" : spec.base;
  for (const auto& comp : spec.components) {
    shown += "/" + comp;
    // Every launch but the first finds the directory: open it straight
    // away, and mkdir only when it is missing.
    constexpr int kFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    bool created = false;
    UniqueFd next(::openat(cur.get(), comp.c_str(), kFlags));
    if (!next.valid() && errno == ENOENT) {
      created = ::mkdirat(cur.get(), comp.c_str(), spec.mode) == 0;
      if (!created && errno != EEXIST) return Error::from_errno(errno, "cannot create " + shown);
      next = UniqueFd(::openat(cur.get(), comp.c_str(), kFlags));
    }

    // Whatever is there now - ours or prepared by someone else - is checked
    // on the fd we will use from here on, never again by name.
    if (!next.valid()) {
      int e = errno;
      struct stat st;
      if (fstatat(cur.get(), comp.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        return Error::from_errno(ELOOP, shown + " is a symlink");
      return Error::from_errno(e, "cannot open " + shown);
    }
    if (created) {
      // mkdir's mode was cut by the caller's umask; set it exactly. When root
      // creates a directory for another user it hands it over, on the fd.
      if (::fchmod(next.get(), spec.mode) != 0)
        return Error::from_errno(errno, "cannot set mode of " + shown);
      if (::geteuid() != owner.uid && ::fchown(next.get(), owner.uid, owner.gid) != 0)
        return Error::from_errno(errno,
                                 "cannot hand " + shown + " to uid " + std::to_string(owner.uid));
    }
    if (auto s = check_owned(next.get(), shown, owner); !s) return s.error();
    if (spec.exact_mode) {
      struct stat st;
      if (fstat(next.get(), &st) != 0) return Error::from_errno(errno, "cannot stat " + shown);
      if ((st.st_mode & 07777) != spec.mode)
        return Error::from_errno(
            EPERM, shown + " has mode " + octal(st.st_mode & 07777) + ", not " + octal(spec.mode));
    }
    cur = std::move(next);
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

Result<std::string> ensure_tmp_dir(const Layout& layout, const AppId& id, DirOwner owner) {
  OwnedDirSpec spec;
  spec.base = layout.config().tmp_dir;
  spec.components = {"confine-" + std::to_string(owner.uid), id.str()};
  spec.mode = 0700;
  spec.exact_mode = true;
  auto fd = ensure_owned_dirs(spec, owner);
  if (!fd) return fd.error().context("tmp directory");
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

}  // namespace confine::launch
