#include "install/package_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/error.h"
#include "core/fault.h"
#include "core/safe_io.h"

namespace confine::install {
namespace {

enum class Mode { Package, Data };

// Entry names of an open directory, sorted (deterministic errors and order).
std::vector<std::string> list_dir(int dirfd, const std::string& shown) {
  int fd = ::dup(dirfd);
  if (fd < 0) throw ConfineError("cannot read directory " + shown, errno);
  DIR* d = ::fdopendir(fd);
  if (!d) {
    int e = errno;
    ::close(fd);
    throw ConfineError("cannot read directory " + shown, e);
  }
  ::rewinddir(d);
  std::vector<std::string> names;
  errno = 0;
  while (dirent* ent = ::readdir(d)) {
    std::string n = ent->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
    errno = 0;
  }
  int e = errno;
  ::closedir(d);
  if (e != 0) throw ConfineError("cannot read directory " + shown, e);
  std::sort(names.begin(), names.end());
  return names;
}

UniqueFd open_dir_at(int dirfd, const std::string& name, const std::string& shown) {
  UniqueFd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) throw ConfineError("cannot open directory " + shown, errno);
  return fd;
}

// Package files: no setuid/setgid/sticky, nobody but the owner may write.
mode_t package_mode(mode_t m) {
  return m & 0755;
}
mode_t data_mode(mode_t m) {
  return m & 01777;
}

void set_owner(int fd, const struct stat& src, Mode mode, const std::string& shown) {
  // Package files belong to root (the launcher trusts only root-owned
  // files); data keeps its owner. An unprivileged caller (tests) cannot
  // chown, and its files are its own anyway.
  if (::geteuid() != 0) return;
  uid_t uid = mode == Mode::Package ? 0 : src.st_uid;
  gid_t gid = mode == Mode::Package ? 0 : src.st_gid;
  if (::fchown(fd, uid, gid) != 0) throw ConfineError("cannot set owner of " + shown, errno);
}

class TreeCopier {
 public:
  TreeCopier(Mode mode, std::string src_root, unsigned long long max_size)
      : mode_(mode), src_root_(std::move(src_root)), max_size_(max_size) {}

  void copy_dir(int sfd, int dfd, const std::string& rel) {
    for (const auto& name : list_dir(sfd, shown(rel))) {
      const std::string crel = rel.empty() ? name : rel + "/" + name;
      if (++entries_ > kMaxPackageEntries && mode_ == Mode::Package)
        throw ConfineError(shown(crel) + ": the package holds more than " +
                           std::to_string(kMaxPackageEntries) + " files");
      struct stat st;
      if (::fstatat(sfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        throw ConfineError("cannot stat " + shown(crel), errno);
      if (S_ISDIR(st.st_mode)) {
        copy_subdir(sfd, dfd, name, crel, st);
      } else if (S_ISREG(st.st_mode)) {
        copy_file(sfd, dfd, name, crel, st);
      } else if (S_ISLNK(st.st_mode)) {
        copy_symlink(sfd, dfd, name, crel, st);
      } else if (mode_ == Mode::Package) {
        throw ConfineError(shown(crel) +
                           ": device nodes, fifos and sockets are not allowed in a package");
      }  // Data: skip sockets, fifos and device nodes.
    }
  }

  const std::vector<std::string>& symlinks() const { return symlinks_; }
  std::string shown(const std::string& rel) const {
    return rel.empty() ? src_root_ : src_root_ + "/" + rel;
  }

 private:
  void copy_subdir(int sfd, int dfd, const std::string& name, const std::string& crel,
                   const struct stat& st) {
    UniqueFd s = open_dir_at(sfd, name, shown(crel));
    if (::mkdirat(dfd, name.c_str(), 0700) != 0)
      throw ConfineError("cannot create directory for " + shown(crel), errno);
    UniqueFd d = open_dir_at(dfd, name, shown(crel));
    copy_dir(s.get(), d.get(), crel);
    set_owner(d.get(), st, mode_, shown(crel));
    mode_t m = mode_ == Mode::Package ? package_mode(st.st_mode) | 0700 : data_mode(st.st_mode);
    if (::fchmod(d.get(), m) != 0) throw ConfineError("cannot set mode of " + shown(crel), errno);
  }

  void copy_file(int sfd, int dfd, const std::string& name, const std::string& crel,
                 const struct stat& lst) {
    // O_NONBLOCK: a fifo swapped in after the fstatat must not block us.
    UniqueFd s(::openat(sfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!s.valid()) throw ConfineError("cannot open " + shown(crel), errno);
    struct stat st;
    if (::fstat(s.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_ino != lst.st_ino)
      throw ConfineError(shown(crel) + ": changed while being copied");
    if (mode_ == Mode::Package) {
      // Apparent sizes: a sparse file costs little to copy, but everything
      // that reads the tree later (trees_equal, the app) sees its full size.
      total_ += static_cast<unsigned long long>(st.st_size);
      if (total_ > max_size_)
        throw ConfineError(shown(crel) + ": the package's files add up to more than " +
                           std::to_string(max_size_) +
                           " bytes (the configuration's max_package_size)");
    }
    UniqueFd d(
        ::openat(dfd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!d.valid()) throw ConfineError("cannot create copy of " + shown(crel), errno);
    copy_data(s.get(), d.get(), st.st_size, crel);
    set_owner(d.get(), st, mode_, shown(crel));
    mode_t m = mode_ == Mode::Package ? package_mode(st.st_mode) : data_mode(st.st_mode);
    if (::fchmod(d.get(), m) != 0) throw ConfineError("cannot set mode of " + shown(crel), errno);
  }

  // Copies the data extents of `s` (SEEK_DATA/SEEK_HOLE; a file system
  // without them reports one extent) and sets the size: holes stay holes.
  void copy_data(int s, int d, off_t size, const std::string& crel) const {
    char buf[65536];
    off_t pos = 0;
    while (pos < size) {
      off_t data = ::lseek(s, pos, SEEK_DATA);
      if (data < 0 && errno == ENXIO) break;  // only a hole is left
      if (data < 0) throw ConfineError("cannot read " + shown(crel), errno);
      off_t hole = ::lseek(s, data, SEEK_HOLE);
      if (hole < 0) throw ConfineError("cannot read " + shown(crel), errno);
      for (off_t off = data; off < hole;) {
        size_t want = static_cast<size_t>(std::min<off_t>(hole - off, sizeof buf));
        ssize_t n = ::pread(s, buf, want, off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw ConfineError("cannot read " + shown(crel), errno);
        if (n == 0) throw ConfineError(shown(crel) + ": changed while being copied");
        for (ssize_t done = 0; done < n;) {
          ssize_t w = ::pwrite(d, buf + done, static_cast<size_t>(n - done), off + done);
          if (w < 0 && errno == EINTR) continue;
          if (w < 0) throw ConfineError("cannot write copy of " + shown(crel), errno);
          done += w;
        }
        off += n;
      }
      pos = hole;
    }
    if (::ftruncate(d, size) != 0) throw ConfineError("cannot write copy of " + shown(crel), errno);
  }

  void copy_symlink(int sfd, int dfd, const std::string& name, const std::string& crel,
                    const struct stat& st) {
    char buf[PATH_MAX];
    ssize_t n = ::readlinkat(sfd, name.c_str(), buf, sizeof buf - 1);
    if (n < 0) throw ConfineError("cannot read symlink " + shown(crel), errno);
    std::string target(buf, static_cast<size_t>(n));
    if (mode_ == Mode::Package) check_link_lexically(crel, target);
    if (::symlinkat(target.c_str(), dfd, name.c_str()) != 0)
      throw ConfineError("cannot copy symlink " + shown(crel), errno);
    if (::geteuid() == 0) {
      uid_t uid = mode_ == Mode::Package ? 0 : st.st_uid;
      gid_t gid = mode_ == Mode::Package ? 0 : st.st_gid;
      if (::fchownat(dfd, name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0)
        throw ConfineError("cannot set owner of " + shown(crel), errno);
    }
    symlinks_.push_back(crel);
  }

  // First line of defence; copy_package_tree() then resolves every link in
  // the copy, which also catches ".." after a symlinked directory.
  void check_link_lexically(const std::string& crel, const std::string& target) const {
    const std::string bad = shown(crel) + ": symlink to \"" + target + "\" ";
    if (target.empty() || target.front() == '/')
      throw ConfineError(bad + "points outside the package (absolute)");
    long depth = static_cast<long>(std::count(crel.begin(), crel.end(), '/'));
    size_t start = 0;
    while (start <= target.size()) {
      size_t end = target.find('/', start);
      if (end == std::string::npos) end = target.size();
      std::string c = target.substr(start, end - start);
      if (c == "..") {
        if (--depth < 0) throw ConfineError(bad + "points outside the package");
      } else if (!c.empty() && c != ".") {
        ++depth;
      }
      start = end + 1;
    }
  }

  Mode mode_;
  std::string src_root_;
  unsigned long long max_size_ = 0;
  unsigned long long total_ = 0;
  size_t entries_ = 0;
  std::vector<std::string> symlinks_;
};

void copy_tree(Mode mode, const std::string& src, const std::string& dst,
               unsigned long long max_size) {
  UniqueFd s(::open(src.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!s.valid()) throw ConfineError("cannot open directory " + src, errno);
  struct stat st;
  if (::fstat(s.get(), &st) != 0) throw ConfineError("cannot stat " + src, errno);
  if (::mkdir(dst.c_str(), 0700) != 0) throw ConfineError("cannot create directory " + dst, errno);
  UniqueFd d(::open(dst.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!d.valid()) throw ConfineError("cannot open directory " + dst, errno);
  TreeCopier copier(mode, src, max_size);
  copier.copy_dir(s.get(), d.get(), "");

  if (mode == Mode::Package) {
    // Resolve every copied link inside the (now complete, root-owned) copy:
    // it must land inside it. The copy's final name is at the same depth as
    // this one, so relative links resolve the same way there.
    char buf[PATH_MAX];
    if (!::realpath(dst.c_str(), buf)) throw ConfineError("cannot resolve " + dst, errno);
    const std::string root = std::string(buf) + "/";
    for (const auto& rel : copier.symlinks()) {
      const std::string bad = copier.shown(rel) + ": symlink ";
      if (!::realpath((dst + "/" + rel).c_str(), buf))
        throw ConfineError(bad + "does not resolve to a file inside the package", errno);
      if (std::string(buf).compare(0, root.size(), root) != 0 && std::string(buf) + "/" != root)
        throw ConfineError(bad + "points outside the package");
    }
  }
  set_owner(d.get(), st, mode, dst);
  mode_t m = mode == Mode::Package ? package_mode(st.st_mode) | 0700 : data_mode(st.st_mode);
  if (::fchmod(d.get(), m) != 0) throw ConfineError("cannot set mode of " + dst, errno);
  ::fsync(d.get());
}

bool files_equal(int afd, int bfd) {
  char x[65536], y[65536];
  for (;;) {
    ssize_t n = ::read(afd, x, sizeof x);
    if (n < 0) return false;
    ssize_t got = 0;
    while (got < n) {
      ssize_t m = ::read(bfd, y + got, static_cast<size_t>(n - got));
      if (m <= 0) return false;
      got += m;
    }
    if (std::memcmp(x, y, static_cast<size_t>(n)) != 0) return false;
    if (n == 0) return ::read(bfd, y, 1) == 0;
  }
}

bool dirs_equal(int afd, int bfd) {
  auto names = list_dir(afd, "tree");
  if (names != list_dir(bfd, "tree")) return false;
  for (const auto& n : names) {
    struct stat sa, sb;
    if (::fstatat(afd, n.c_str(), &sa, AT_SYMLINK_NOFOLLOW) != 0 ||
        ::fstatat(bfd, n.c_str(), &sb, AT_SYMLINK_NOFOLLOW) != 0)
      return false;
    if ((sa.st_mode & S_IFMT) != (sb.st_mode & S_IFMT)) return false;
    if (S_ISLNK(sa.st_mode)) {
      char la[PATH_MAX], lb[PATH_MAX];
      ssize_t na = ::readlinkat(afd, n.c_str(), la, sizeof la);
      ssize_t nb = ::readlinkat(bfd, n.c_str(), lb, sizeof lb);
      if (na < 0 || na != nb || std::memcmp(la, lb, static_cast<size_t>(na)) != 0) return false;
      continue;
    }
    if ((sa.st_mode & 07777) != (sb.st_mode & 07777)) return false;
    if (S_ISDIR(sa.st_mode)) {
      UniqueFd a(::openat(afd, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      UniqueFd b(::openat(bfd, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!a.valid() || !b.valid() || !dirs_equal(a.get(), b.get())) return false;
    } else if (S_ISREG(sa.st_mode)) {
      if (sa.st_size != sb.st_size) return false;
      UniqueFd a(::openat(afd, n.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
      UniqueFd b(::openat(bfd, n.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
      if (!a.valid() || !b.valid() || !files_equal(a.get(), b.get())) return false;
    } else {
      return false;  // never in an installed package
    }
  }
  return true;
}

}  // namespace

void copy_package_tree(const std::string& src, const std::string& dst,
                       unsigned long long max_size) {
  fault_point_or_throw("install: copy package");
  copy_tree(Mode::Package, src, dst, max_size);
}

void copy_data_tree(const std::string& src, const std::string& dst) {
  fault_point_or_throw("install: copy data");
  // An app's own data: its size is the app's business, not a package's.
  copy_tree(Mode::Data, src, dst, ~0ULL);
}

bool trees_equal(const std::string& a, const std::string& b) {
  UniqueFd fa(::open(a.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  UniqueFd fb(::open(b.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fa.valid() || !fb.valid()) return false;
  struct stat sa, sb;
  if (::fstat(fa.get(), &sa) != 0 || ::fstat(fb.get(), &sb) != 0) return false;
  if ((sa.st_mode & 07777) != (sb.st_mode & 07777)) return false;
  try {
    return dirs_equal(fa.get(), fb.get());
  } catch (const ConfineError&) {
    return false;
  }
}

bool remove_tree(const std::string& path) noexcept {
  if (!fault_point("remove: tree")) return false;
  // std::filesystem::remove_all removes symlinks themselves, never their targets.
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  return !ec;
}

void replace_symlink(const std::string& target, const std::string& link) {
  fault_point_or_throw("install: switch current");
  for (int attempt = 0;; ++attempt) {
    std::string tmp = link + ".new-" + std::to_string(::getpid()) + "-" + std::to_string(attempt);
    if (::symlink(target.c_str(), tmp.c_str()) != 0) {
      if (errno == EEXIST && attempt < 100) continue;
      throw ConfineError("cannot create symlink " + tmp, errno);
    }
    if (::rename(tmp.c_str(), link.c_str()) != 0) {
      int e = errno;
      ::unlink(tmp.c_str());
      throw ConfineError("cannot replace " + link, e);
    }
    break;
  }
  auto slash = link.rfind('/');
  UniqueFd dir(::open(slash == std::string::npos ? "." : link.substr(0, slash).c_str(),
                      O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.valid()) ::fsync(dir.get());
}

}  // namespace confine::install
