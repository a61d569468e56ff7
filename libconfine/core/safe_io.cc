#include "core/safe_io.h"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

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

// A component is trusted when it is owned by `owner` and nobody else can
// write to it. A root-owned sticky directory (/tmp) is accepted as a parent:
// others may add entries but cannot replace ours, and the next component is
// checked in turn.
Status check_component(int fd, const std::string& shown, const TrustPolicy& trust, bool dir) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Error::from_errno(errno, "cannot stat " + shown);
  if (st.st_uid != trust.owner)
    return Error::from_errno(EPERM, shown + " is owned by uid " + std::to_string(st.st_uid) +
                                        ", not " + std::to_string(trust.owner));
  bool others_write = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  if (others_write && !(dir && (st.st_mode & S_ISVTX)))
    return Error::from_errno(EPERM, shown + " is writable by group or others");
  if (!dir && !S_ISREG(st.st_mode)) return Error::from_errno(EINVAL, shown + " is not a regular file");
  return Status::Ok();
}

}  // namespace

Result<UniqueFd> open_trusted(const std::string& path, const TrustPolicy& trust) {
  if (path.empty() || path.front() != '/')
    return Error::from_errno(EINVAL, "not an absolute path: " + path);
  UniqueFd dir(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return Error::from_errno(errno, "cannot open /");
  if (auto s = check_component(dir.get(), "/", trust, true); !s) return s.error();

  size_t pos = 1;
  std::string shown;
  while (pos < path.size()) {
    size_t next = path.find('/', pos);
    std::string comp = path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    pos = next == std::string::npos ? path.size() : next + 1;
    if (comp.empty() || comp == ".") continue;
    if (comp == "..") return Error::from_errno(EINVAL, "'..' in trusted path " + path);
    shown += "/" + comp;
    bool last = pos >= path.size();
    int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (last ? 0 : O_DIRECTORY);
    UniqueFd fd(::openat(dir.get(), comp.c_str(), flags));
    if (!fd.valid()) {
      int e = errno;
      if (e == ELOOP || e == ENOTDIR) {
        struct stat st;
        if (fstatat(dir.get(), comp.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
          return Error::from_errno(ELOOP, shown + " is a symlink");
      }
      return Error::from_errno(e, "cannot open " + shown);
    }
    if (auto s = check_component(fd.get(), shown, trust, !last); !s) return s.error();
    dir = std::move(fd);
  }
  return dir;
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

void make_dirs(const std::string& path, mode_t mode) {
  std::error_code ec;
  std::filesystem::path p(path);
  std::string cur;
  for (const auto& part : p) {
    if (part == "/") {
      cur = "/";
      continue;
    }
    cur += (cur.empty() || cur.back() == '/' ? "" : "/") + part.string();
    if (::mkdir(cur.c_str(), mode) != 0 && errno != EEXIST)
      throw ConfineError("cannot create directory " + cur, errno);
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw ConfineError("cannot create directory " + path + ": not a directory", ENOTDIR);
}

void atomic_write(const std::string& path, const std::string& content, mode_t mode) {
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash ? slash : 1);
  std::string tmpl = path + ".tmp.XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw ConfineError("cannot create temporary file beside " + path, errno);
  auto fail = [&](const std::string& what) {
    int e = errno;
    ::close(fd);
    ::unlink(tmpl.c_str());
    throw ConfineError(what + " " + path, e);
  };
  if (::fchmod(fd, mode) != 0) fail("cannot set mode of");
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write");
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) fail("cannot fsync");
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(tmpl.c_str());
    throw ConfineError("cannot close " + path, e);
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmpl.c_str());
    throw ConfineError("cannot rename into place " + path, e);
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace confine
