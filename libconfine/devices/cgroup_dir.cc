#include "devices/cgroup_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace confine::devices {
namespace {

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

bool root_only(const struct stat& st) {
  return st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH));
}

// A cgroup the caller cannot write to: the directory and its cgroup.procs.
bool root_only_cgroup(int dirfd) {
  struct stat st;
  if (::fstat(dirfd, &st) != 0 || !root_only(st)) return false;
  if (::fstatat(dirfd, "cgroup.procs", &st, AT_SYMLINK_NOFOLLOW) != 0 || !root_only(st))
    return false;
  return true;
}

}  // namespace

std::string well_known_cgroup2_root() {
  // PROC_CGROUP_INIT_INO (include/linux/proc_ns.h), fixed since Linux 4.6,
  // read from the link's text: stat() would reach the nsfs inode, a
  // disconnected path that confine-run's AppArmor profile (rightly) denies.
  static constexpr char kInitialCgroupNs[] = "cgroup:[4026531835]";
  char ns[64];
  ssize_t n = ::readlink("/proc/self/ns/cgroup", ns, sizeof ns);
  if (n != static_cast<ssize_t>(sizeof kInitialCgroupNs - 1) ||
      std::memcmp(ns, kInitialCgroupNs, sizeof kInitialCgroupNs - 1) != 0)
    return "";
  for (const char* path : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
    UniqueFd fd(::open(path, kDirFlags));
    if (!fd.valid()) continue;
    struct statfs sfs;
    if (::fstatfs(fd.get(), &sfs) != 0 ||
        static_cast<unsigned long>(sfs.f_type) != static_cast<unsigned long>(CGROUP2_SUPER_MAGIC))
      continue;
    struct stat st;
    if (::fstatat(fd.get(), "cgroup.type", &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
      return path;
  }
  return "";
}

Result<CgroupBase> open_cgroup_base(const Detection& d) {
  CgroupBase base;
  base.fd = UniqueFd(::open(d.mount.c_str(), kDirFlags));
  if (!base.fd.valid()) return Error::from_errno(errno, "cannot open " + d.mount);
  struct statfs sfs;
  if (::fstatfs(base.fd.get(), &sfs) != 0)
    return Error::from_errno(errno, "cannot statfs " + d.mount);
  const auto want = d.backend == Backend::V2 ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC;
  if (static_cast<unsigned long>(sfs.f_type) != static_cast<unsigned long>(want))
    return Error::from_errno(
        EINVAL, d.mount + " is not a " + std::string(to_string(d.backend)) + " file system");
  if (!root_only_cgroup(base.fd.get()))
    return Error::from_errno(EPERM, d.mount + " is not owned by root, or writable by others");
  base.path = d.mount;

  // Walk down to the caller's cgroup while every level is root's alone.
  UniqueFd cur;
  std::string path = d.mount;
  int at = base.fd.get();
  size_t pos = 0;
  const std::string& cg = d.cgroup;
  while (pos < cg.size()) {
    size_t next = cg.find('/', pos);
    std::string comp = cg.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    pos = next == std::string::npos ? cg.size() : next + 1;
    if (comp.empty()) continue;
    if (comp == "." || comp == "..") return base;  // not a path the kernel writes
    UniqueFd fd(::openat(at, comp.c_str(), kDirFlags));
    // Gone (the caller moved meanwhile) or not ours alone: use the root.
    if (!fd.valid() || !root_only_cgroup(fd.get())) return base;
    path += "/" + comp;
    cur = std::move(fd);
    at = cur.get();
  }
  if (cur.valid()) {
    base.fd = std::move(cur);
    base.path = path;
    base.under_caller = true;
  } else {
    base.under_caller = true;  // the caller is in the root cgroup
  }
  return base;
}

Result<UniqueFd> ensure_cgroup_dir(int parent, const char* name, bool must_be_new,
                                   const Syscalls& sys, bool* made) {
  if (made) *made = false;
  UniqueFd fd;
  bool created = false;
  // An existing directory (every launch but an app's first) is opened
  // straight away; a new one is made, then opened. Either way what is used
  // is checked on the fd below, never by name.
  if (!must_be_new) fd = UniqueFd(::openat(parent, name, kDirFlags));
  if (!fd.valid()) {
    if (!must_be_new && errno != ENOENT)
      return Error::from_errno(errno, "cannot open cgroup directory");
    created = sys.mkdirat(parent, name, 0755) == 0;
    // EEXIST: made by a concurrent launch in the meantime; used as existing.
    if (!created && (errno != EEXIST || must_be_new))
      return Error::from_errno(errno, "cannot create cgroup directory");
    fd = UniqueFd(::openat(parent, name, kDirFlags));
    if (!fd.valid()) {
      const int e = errno;
      // Nothing of a failed launch stays behind (it is root's, but empty
      // and unconfigured).
      if (created) ::unlinkat(parent, name, AT_REMOVEDIR);
      return Error::from_errno(e, "cannot open cgroup directory");
    }
  }
  if (made) *made = created;
  // Made by us with file-system ids 0 (use_root_fs_ids), or found: either
  // way it must be root's alone, the directory and its cgroup.procs.
  if (!root_only_cgroup(fd.get())) {
    if (created) ::unlinkat(parent, name, AT_REMOVEDIR);
    return Error::from_errno(EPERM, "cgroup directory is not owned by root or writable by others");
  }
  return fd;
}

int reap_dead_launches(int dir) {
  const int app_dir = dir;
  int removed = 0;
  alignas(8) char buf[4096];
  // A new open file description: its own offset for getdents.
  UniqueFd dup(::openat(app_dir, ".", kDirFlags));
  if (!dup.valid()) return 0;
  for (;;) {
    long n = ::syscall(SYS_getdents64, dup.get(), buf, sizeof buf);
    if (n <= 0) return removed;
    for (long off = 0; off < n;) {
      auto* d = reinterpret_cast<struct dirent64*>(buf + off);
      off += d->d_reclen;
      if (d->d_type != DT_DIR) continue;
      // "<pid>-<hex>": anything else is not ours to remove.
      long pid = 0;
      const char* p = d->d_name;
      while (*p >= '0' && *p <= '9' && pid < 1L << 31) pid = pid * 10 + (*p++ - '0');
      if (p == d->d_name || *p != '-' || pid <= 0 || pid >= 1L << 31) continue;
      // The pid is gone: the app exited (children it left hold the cgroup,
      // and rmdir then fails with EBUSY). A pid that exists may be another
      // process by now; its cgroup waits for a later launch.
      if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
      if (::unlinkat(app_dir, d->d_name, AT_REMOVEDIR) == 0) ++removed;
    }
  }
}

int reap_app_cgroups(int app_dir, const char* current_set) {
  return reap_dead_launches(app_dir) + prune_rule_sets(app_dir, current_set);
}

int prune_rule_sets(int app_dir, const char* current_set) {
  int removed = 0;
  alignas(8) char buf[4096];
  // A new open file description: its own offset for getdents.
  UniqueFd list(::openat(app_dir, ".", kDirFlags));
  if (!list.valid()) return 0;
  for (;;) {
    long n = ::syscall(SYS_getdents64, list.get(), buf, sizeof buf);
    if (n <= 0) return removed;
    for (long off = 0; off < n;) {
      auto* d = reinterpret_cast<struct dirent64*>(buf + off);
      off += d->d_reclen;
      if (d->d_type != DT_DIR || std::strncmp(d->d_name, "r-", 2) != 0 ||
          std::strcmp(d->d_name, current_set) == 0)
        continue;
      // Launch cgroups left below it by an older confine-run, then the set
      // itself: rmdir fails (EBUSY) while a process of it still runs.
      UniqueFd set(::openat(app_dir, d->d_name, kDirFlags));
      if (set.valid()) removed += reap_dead_launches(set.get());
      if (::unlinkat(app_dir, d->d_name, AT_REMOVEDIR) == 0) ++removed;
    }
  }
}

Status write_cgroup_file(int dir, const char* name, const char* buf, size_t len,
                         const Syscalls& sys) {
  UniqueFd fd(::openat(dir, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return Error::from_errno(errno, std::string("cannot open ") + name);
  ssize_t n = sys.write(fd.get(), buf, len);
  if (n < 0) return Error::from_errno(errno, std::string("cannot write ") + name);
  if (static_cast<size_t>(n) != len)
    return Error::from_errno(EIO, std::string("short write to ") + name);
  return Status::Ok();
}

Status join_cgroup(int dir, const Syscalls& sys) {
  return write_cgroup_file(dir, "cgroup.procs", "0", 1, sys);
}

std::string launch_cgroup_name() {
  unsigned int r = 0;
  // getrandom cannot block for 4 bytes once the pool is initialised; should
  // it fail, the time still makes a collision (EEXIST: the launch fails, it
  // does not share) unlikely.
  if (::getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
    r = static_cast<unsigned>(::time(nullptr));
  char name[32];  // at most 11 + 1 + 8 characters: never truncated
  (void)std::snprintf(name, sizeof name, "%d-%08x", static_cast<int>(::getpid()), r);
  return name;
}

}  // namespace confine::devices
