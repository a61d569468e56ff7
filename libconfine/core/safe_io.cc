#include "core/safe_io.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "core/fault.h"

namespace confine {

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

// True when nothing but "" and "." components follow position `pos` of `rel`.
bool no_more_components(std::string_view rel, size_t pos) {
  while (pos < rel.size()) {
    size_t next = rel.find('/', pos);
    std::string_view comp =
        rel.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
    if (!comp.empty() && comp != ".") return false;
    pos = next == std::string_view::npos ? rel.size() : next + 1;
  }
  return true;
}

// openat2(2) where the kernel has it. ENOSYS (before 5.6) and EPERM (a
// container's seccomp profile that predates it) make the caller fall back.
int sys_openat2(int at, const char* name, int flags, uint64_t resolve) {
#ifdef SYS_openat2
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags);
  how.resolve = resolve;
  return static_cast<int>(::syscall(SYS_openat2, at, name, &how, sizeof how));
#else
  (void)at, (void)name, (void)flags, (void)resolve;
  errno = ENOSYS;
  return -1;
#endif
}

std::atomic<bool> g_no_openat2{false};

// Walks `rel` (components separated by '/') down from the checked directory
// `start`, whose path for messages is `shown`, with open_trusted_at() per
// component; the last one must be a regular file unless `last_is_dir`.
// `start` stays the caller's; `rel` must name at least one component.
Result<UniqueFd> walk_trusted(int start, std::string shown, std::string_view rel,
                              const TrustPolicy& trust, bool last_is_dir,
                              const std::string& whole) {
  UniqueFd cur;
  size_t pos = 0;
  std::string comp;
  while (pos < rel.size()) {
    size_t next = rel.find('/', pos);
    comp.assign(
        rel.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
    pos = next == std::string_view::npos ? rel.size() : next + 1;
    if (comp.empty() || comp == ".") continue;
    if (comp == "..") return Error::from_errno(EINVAL, "'..' in trusted path " + whole);
    if (shown != "/") shown += "/";
    shown += comp;
    const bool last = no_more_components(rel, pos);
    const Node node = !last || last_is_dir ? Node::dir : Node::file;
    auto fd = open_trusted_at(cur.valid() ? cur.get() : start, comp, shown, trust, node);
    if (!fd) return fd.error();
    cur = std::move(*fd);
    if (last) break;
  }
  if (!cur.valid()) return Error::from_errno(EINVAL, "no file named by " + whole);
  return cur;
}

Result<UniqueFd> open_root(const TrustPolicy& trust) {
  UniqueFd dir(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return Error::from_errno(errno, "cannot open /");
  if (auto s = check_trusted(dir.get(), "/", trust, Node::dir); !s) return s.error();
  return dir;
}

}  // namespace

Result<UniqueFd> open_component(int at, const std::string& name, const std::string& shown,
                                Node node, int flags) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
    return Error::from_errno(EINVAL, "not a single path component: " + shown);
  flags |= O_NOFOLLOW | O_CLOEXEC | (node == Node::dir ? O_DIRECTORY : 0);
  int fd = -1;
  if (!g_no_openat2.load(std::memory_order_relaxed)) {
    fd = sys_openat2(at, name.c_str(), flags,
                     RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
    if (fd < 0 && errno == ENOSYS) g_no_openat2.store(true, std::memory_order_relaxed);
  }
  if (fd < 0 && (g_no_openat2.load(std::memory_order_relaxed) || errno == EPERM)) {
    fd = ::openat(at, name.c_str(), flags);
    // O_PATH | O_NOFOLLOW opens a symlink itself where openat2 refuses it.
    struct stat st;
    if (fd >= 0 && (flags & O_PATH) && ::fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
      ::close(fd);
      return Error::from_errno(ELOOP, shown + " is a symlink");
    }
  }
  if (fd < 0) {
    const int e = errno;
    if (e == ELOOP || e == ENOTDIR) {
      struct stat st;
      if (fstatat(at, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        return Error::from_errno(ELOOP, shown + " is a symlink");
    }
    return Error::from_errno(e, "cannot open " + shown);
  }
  return UniqueFd(fd);
}

Status check_trusted(int fd, const std::string& shown, const TrustPolicy& trust, Node node) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Error::from_errno(errno, "cannot stat " + shown);
  if (node == Node::dir && !S_ISDIR(st.st_mode))
    return Error::from_errno(ENOTDIR, shown + " is not a directory");
  if (st.st_uid != trust.owner)
    return Error::from_errno(EPERM, shown + " is owned by uid " + std::to_string(st.st_uid) +
                                        ", not " + std::to_string(trust.owner));
  // A root-owned sticky directory (/tmp) is accepted as a parent: others may
  // add entries but cannot replace ours, and the next component is checked
  // in turn.
  const bool others_write = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  if (trust.owner_only_writes && others_write && !(node == Node::dir && (st.st_mode & S_ISVTX)))
    return Error::from_errno(EPERM, shown + " is writable by group or others");
  if (node == Node::file && !S_ISREG(st.st_mode))
    return Error::from_errno(EINVAL, shown + " is not a regular file");
  return Status::Ok();
}

Result<UniqueFd> open_trusted_at(int at, const std::string& name, const std::string& shown,
                                 const TrustPolicy& trust, Node node) {
  auto fd = open_component(at, name, shown, node);
  if (!fd) return fd.error();
  if (auto s = check_trusted(fd->get(), shown, trust, node); !s) return s.error();
  return fd;
}

namespace {

// open_trusted() and open_trusted_dir(): from the checked root down `path`.
// A path naming "/" itself (or only "/." components) is the root, checked
// as a directory.
Result<UniqueFd> open_trusted_from_root(const std::string& path, const TrustPolicy& trust,
                                        bool last_is_dir) {
  if (path.empty() || path.front() != '/')
    return Error::from_errno(EINVAL, "not an absolute path: " + path);
  auto root = open_root(trust);
  if (!root) return root.error();
  if (no_more_components(path, 0)) return root;
  return walk_trusted(root->get(), "/", path, trust, last_is_dir, path);
}

}  // namespace

Result<UniqueFd> open_trusted_dir(const std::string& path, const TrustPolicy& trust) {
  return open_trusted_from_root(path, trust, true);
}

Result<UniqueFd> open_trusted(const std::string& path, const TrustPolicy& trust) {
  return open_trusted_from_root(path, trust, false);
}

Result<TrustedDir> TrustedDir::open(const std::string& path, const TrustPolicy& trust) {
  auto fd = open_trusted_dir(path, trust);
  if (!fd) return fd.error();
  TrustedDir d;
  d.fd_ = std::move(*fd);
  d.path_ = path;
  while (d.path_.size() > 1 && d.path_.back() == '/') d.path_.pop_back();
  d.trust_ = trust;
  return d;
}

Result<UniqueFd> TrustedDir::open_file(std::string_view file) const {
  std::string_view rel = file;
  if (!file.empty() && file.front() == '/') {
    // Below this directory: the same walk, from the fd checked at open().
    const bool below = valid() && file.size() > path_.size() + 1 && file.starts_with(path_) &&
                       (path_ == "/" || file[path_.size()] == '/');
    if (!below) return open_trusted(std::string(file), trust_);
    rel = file.substr(path_ == "/" ? 1 : path_.size() + 1);
  }
  const std::string whole = path_ == "/" ? "/" + std::string(rel) : path_ + "/" + std::string(rel);
  if (!valid()) return Error::from_errno(EBADF, "cannot open " + whole + ": directory not open");
  if (no_more_components(rel, 0))
    return Error::from_errno(EINVAL, "not a file below " + path_ + ": " + std::string(file));
  return walk_trusted(fd_.get(), path_, rel, trust_, false, whole);
}

Result<std::string> TrustedDir::read_file(std::string_view file, size_t max_size) const {
  auto fd = open_file(file);
  if (!fd) return fd.error();
  auto text = read_fd(fd->get(), max_size);
  if (!text) return text.error().context(std::string(file));
  return text;
}

Result<std::string> read_fd(int fd, size_t max_size) {
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno(errno, "read failed");
    }
    if (n == 0) return out;
    if (out.size() + static_cast<size_t>(n) > max_size)
      return Error::from_errno(EFBIG, "file larger than " + std::to_string(max_size) + " bytes");
    out.append(buf, static_cast<size_t>(n));
  }
}

Result<std::string> read_trusted(const std::string& path, size_t max_size,
                                 const TrustPolicy& trust) {
  auto fd = open_trusted(path, trust);
  if (!fd) return fd.error();
  auto text = read_fd(fd->get(), max_size);
  if (!text) return text.error().context(path);
  return text;
}

Status make_dirs(const std::string& path, mode_t mode) {
  std::filesystem::path p(path);
  std::string cur;
  for (const auto& part : p) {
    if (part == "/") {
      cur = "/";
      continue;
    }
    cur += (cur.empty() || cur.back() == '/' ? "" : "/") + part.string();
    if (::mkdir(cur.c_str(), mode) != 0 && errno != EEXIST)
      return Error::from_errno(errno, "cannot create directory " + cur);
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Error::from_errno(ENOTDIR, "cannot create directory " + path);
  return Status::Ok();
}

Status atomic_write(const std::string& path, const std::string& content, mode_t mode) {
  if (Status f = fault_point("install: write"); !f) return f;
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash ? slash : 1);
  std::string tmpl = path + ".tmp.XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return Error::from_errno(errno, "cannot create temporary file beside " + path);
  // Every failure removes the temporary file: nothing half-written stays.
  auto fail = [&](const std::string& what, bool open) {
    const int e = errno;
    if (open) ::close(fd);
    ::unlink(tmpl.c_str());
    return Error::from_errno(e, what + " " + path);
  };
  if (::fchmod(fd, mode) != 0) return fail("cannot set mode of", true);
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write", true);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot fsync", true);
  if (::close(fd) != 0) return fail("cannot close", false);
  if (::rename(tmpl.c_str(), path.c_str()) != 0) return fail("cannot rename into place", false);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

}  // namespace confine
