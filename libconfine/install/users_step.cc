#include "install/users_step.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "core/fault.h"
#include "core/safe_io.h"
#include "install/users.h"

namespace confine::install {
namespace {

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

void hand_over_entries(int dfd, const std::string& shown, uid_t uid, gid_t gid, int depth) {
  if (depth > 256) throw ConfineError(shown + ": nested too deeply");
  // Names first: fdopendir takes the fd over.
  std::vector<std::string> names;
  {
    int dup = ::fcntl(dfd, F_DUPFD_CLOEXEC, 0);
    if (dup < 0) throw ConfineError("cannot read " + shown, errno);
    DIR* d = ::fdopendir(dup);
    if (!d) {
      ::close(dup);
      throw ConfineError("cannot read " + shown, errno);
    }
    while (dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
  }
  for (const auto& n : names) {
    const std::string path = shown + "/" + n;
    struct stat st;
    if (::fstatat(dfd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      throw ConfineError("cannot stat " + path, errno);
    if (S_ISLNK(st.st_mode)) {
      if (::fchownat(dfd, n.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0)
        throw ConfineError("cannot set owner of " + path, errno);
    } else if (S_ISDIR(st.st_mode)) {
      UniqueFd sub(::openat(dfd, n.c_str(), kDirFlags));
      if (!sub.valid()) throw ConfineError("cannot open " + path, errno);
      if (::fchown(sub.get(), uid, gid) != 0)
        throw ConfineError("cannot set owner of " + path, errno);
      hand_over_entries(sub.get(), path, uid, gid, depth + 1);
    } else if (S_ISREG(st.st_mode)) {
      UniqueFd f(::openat(dfd, n.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
      if (!f.valid()) throw ConfineError("cannot open " + path, errno);
      struct stat fst;
      if (::fstat(f.get(), &fst) != 0) throw ConfineError("cannot stat " + path, errno);
      if (!S_ISREG(fst.st_mode) || fst.st_nlink != 1)
        throw ConfineError(path + ": a file with " + std::to_string(fst.st_nlink) +
                           " hard links is not handed to " + std::to_string(uid) +
                           " (remove the extra links)");
      if (fst.st_uid == uid && fst.st_gid == gid) continue;
      // fchown on an O_PATH fd fails (EBADF): through /proc/self/fd would
      // follow; fchownat with AT_EMPTY_PATH changes exactly this inode.
      if (::fchownat(f.get(), "", uid, gid, AT_EMPTY_PATH) != 0)
        throw ConfineError("cannot set owner of " + path, errno);
    } else {
      throw ConfineError(path + ": not a directory, regular file or symlink");
    }
  }
}

class UsersStep final : public InstallStep {
 public:
  const char* name() const override { return "users"; }

  void prepare(InstallContext& ctx) override {
    created_.reset();
    owner_.reset();
    for (auto& app : ctx.apps) {
      if (app.entry->user != AppEntry::User::Package) continue;
      if (!owner_) owner_ = user_for(ctx);
      RunUser u{owner_->name, owner_->uid, owner_->gid, {}};
      for (size_t i = 0; i < app.entry->groups.size(); ++i) {
        const std::string& g = app.entry->groups[i];
        auto gid = db_->group(g);
        if (!gid)
          throw ConfineError(ctx.meta.file + ": " + app.entry->json_path + ".groups[" +
                             std::to_string(i) + "]: no group \"" + g + "\" on this system");
        if (*gid == 0)
          throw ConfineError(ctx.meta.file + ": " + app.entry->json_path + ".groups[" +
                             std::to_string(i) + "]: group \"" + g + "\" has gid 0");
        u.groups.push_back(*gid);
      }
      app.user = std::move(u);
    }
  }

  // The data dir (made by the pipeline, or carried over from the previous
  // version with its owners) is the package user's.
  void commit(InstallContext& ctx) override {
    if (!owner_) return;
    fault_point_or_throw("install: data dir owner");
    hand_over_data_dir(ctx.layout.data_dir(ctx.meta.key(), ctx.meta.version), owner_->uid,
                       owner_->gid);
  }

  // A user this install added goes again (plain remove keeps users; a
  // failed install leaves none behind).
  void abort(InstallContext&) noexcept override {
    if (created_) {
      try {
        db_->remove_user(*created_);
      } catch (...) {
      }
    }
    created_.reset();
    owner_.reset();
  }

  // Plain remove keeps the user (its files may remain): purge deletes it.
  void remove(const Config&, const Layout&, const std::vector<AppId>&) override {}

 private:
  Account user_for(const InstallContext& ctx) {
    db_ = system_accounts(ctx.config);
    bool created = false;
    Account a = ensure_package_user(*db_, ctx.meta.key(), created);
    if (created) created_ = a.name;
    if (a.uid == 0 || a.gid == 0)
      throw ConfineError("package user " + a.name + " has uid or gid 0");
    return a;
  }

  std::unique_ptr<AccountDb> db_;
  std::optional<Account> owner_;
  std::optional<std::string> created_;
};

}  // namespace

void hand_over_data_dir(const std::string& path, uid_t uid, gid_t gid) {
  UniqueFd top(::open(path.c_str(), kDirFlags));
  if (!top.valid()) throw ConfineError("cannot open data directory " + path, errno);
  if (::fchmod(top.get(), 0700) != 0 || ::fchown(top.get(), uid, gid) != 0)
    throw ConfineError("cannot hand data directory " + path + " to uid " + std::to_string(uid),
                       errno);
  hand_over_entries(top.get(), path, uid, gid, 0);
}

std::unique_ptr<InstallStep> make_users_step() {
  return std::make_unique<UsersStep>();
}

}  // namespace confine::install
