// confine install / remove: all or nothing. See pipeline.h for the sequence.
#include "install/pipeline.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "core/error.h"
#include "core/fault.h"
#include "core/safe_io.h"
#include "install/installed.h"
#include "install/package_tree.h"
#include "install/units_step.h"
#include "install/users.h"
#include "policy/resolve.h"

namespace confine::install {
namespace {

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

bool is_dir(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Serializes installs and removals: an exclusive flock on apps_dir itself,
// so no lock file appears in it.
class PackagesLock {
 public:
  explicit PackagesLock(const std::string& apps_dir)
      : fd_(::open(apps_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (!fd_.valid()) throw ConfineError("cannot open " + apps_dir, errno);
    while (::flock(fd_.get(), LOCK_EX) != 0)
      if (errno != EINTR) throw ConfineError("cannot lock " + apps_dir, errno);
  }

 private:
  UniqueFd fd_;
};

// What an install has created so far; undone (newest first) unless the
// install reaches its point of no return.
class Undo {
 public:
  Undo() = default;
  Undo(const Undo&) = delete;
  Undo& operator=(const Undo&) = delete;
  ~Undo() {
    if (done_) return;
    for (auto it = actions_.rbegin(); it != actions_.rend(); ++it) {
      if (it->tree)
        remove_tree(it->path);
      else
        ::rmdir(it->path.c_str());  // only when still empty
    }
  }
  // Creates directory `path` (0755) unless it exists; undo removes it if empty.
  void mkdir(const std::string& path) {
    if (::mkdir(path.c_str(), 0755) == 0) {
      actions_.push_back({path, false});
      // Not left to the umask: confine-run must be able to walk these.
      if (::chmod(path.c_str(), 0755) != 0) throw ConfineError("cannot chmod " + path, errno);
    } else if (errno != EEXIST) {
      throw ConfineError("cannot create directory " + path, errno);
    } else {
      // stat, not lstat: a parent such as /var/lib may be a symlink.
      struct stat st;
      if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw ConfineError(path + " exists and is not a directory");
    }
  }
  // `path` (a whole tree) is new: undo removes it.
  void created_tree(const std::string& path) { actions_.push_back({path, true}); }
  void forget(const std::string& path) {
    std::erase_if(actions_, [&](const Action& a) { return a.path == path; });
  }
  void keep() { done_ = true; }

 private:
  struct Action {
    std::string path;
    bool tree;
  };
  std::vector<Action> actions_;
  bool done_ = false;
};

bool same_directory(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// Creates `path`'s missing parents and itself, recording each for undo.
void make_dirs_undoable(Undo& undo, const std::string& path) {
  std::string cur;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    cur = path.substr(0, pos);
    if (!cur.empty()) undo.mkdir(cur);
  }
}

bool contains(const std::vector<AppId>& ids, const AppId& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// One AppPlan per app of `meta`, its policy resolved against the package
// files in `root`.
std::vector<AppPlan> plan_apps(const Config& config, const PackageMeta& meta,
                               const std::string& root) {
  std::vector<AppPlan> apps;
  std::optional<policy::PolicyLibrary> library;  // loaded once for all the apps
  for (const AppEntry* a : meta.apps()) {
    policy::ResolvedApp r = policy::resolve_app(config, library, meta, *a, root);
    apps.push_back(AppPlan{meta.app_id(*a),
                           a,
                           std::move(r.policy),
                           std::move(r.raw_apparmor),
                           std::move(r.raw_seccomp),
                           {},
                           {}});
  }
  return apps;
}

// Calls remove(ids) on each step, collecting failures instead of stopping:
// used once the new version is committed, when nothing is rolled back any more.
void remove_artifacts_collecting_warnings(const Config& config, const Layout& layout, const Steps& steps,
                    const std::vector<AppId>& ids, std::vector<std::string>& warnings) {
  if (ids.empty()) return;
  // Reverse order, as in remove_package: the launch record goes first.
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    try {
      (*it)->remove(config, layout, ids);
    } catch (const std::exception& e) {
      warnings.push_back(std::string((*it)->name()) + ": " + e.what());
    }
  }
}

// Staging dirs and link temporaries of an install that was killed half-way.
// Only called under the lock, so none of them belongs to a running install.
void remove_leftovers(const std::string& pkg_dir) {
  DIR* d = ::opendir(pkg_dir.c_str());
  if (!d) return;
  std::vector<std::string> junk;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.starts_with(".staging-") || n.starts_with("current.new-") || n.starts_with(".removing-"))
      junk.push_back(n);
  }
  ::closedir(d);
  for (const auto& n : junk) remove_tree(pkg_dir + "/" + n);
}

// Generates the artifacts of `versions` of `key` again from their installed
// copies, as their install did (every step's prepare and commit): what a
// failed remove puts back. Throws ConfineError.
void regenerate_versions(const Config& config, const Layout& layout, const PackageKey& key,
                         const std::vector<std::string>& versions, const Steps& steps) {
  for (const auto& v : versions) {
    const std::string root = layout.install_dir(key, v);
    const PackageMeta meta = load_package_meta(root, key.origin);
    InstallContext ctx{config, layout, meta, root, plan_apps(config, meta, root), {}};
    size_t started = 0;
    try {
      for (; started < steps.size(); ++started) steps[started]->prepare(ctx);
      for (const auto& step : steps) step->commit(ctx);
    } catch (...) {
      for (size_t i = 0; i < std::min(started + 1, steps.size()); ++i) steps[i]->abort(ctx);
      throw;
    }
  }
}

}  // namespace

InstallResult install_package(const Config& config, const std::string& package_dir,
                              const std::string& origin) {
  return install_package(config, package_dir, origin, install_steps());
}

InstallResult install_package(const Config& config, const std::string& package_dir,
                              const std::string& origin, const Steps& steps) {
  // 1. Validate before writing anything.
  const PackageMeta first = load_package_meta(package_dir, origin);
  const Layout layout(config);
  const PackageKey key = first.key();
  const std::string& version = first.version;
  InstallResult result{key, version, {}, {}, "", false, {}, {}};

  // apps_dir itself is undone last, after the lock is released.
  Undo undo_apps_dir;
  make_dirs_undoable(undo_apps_dir, config.apps_dir);
  PackagesLock lock(config.apps_dir);
  Undo undo;
  const std::string pkg_dir = layout.package_dir(key);
  const std::string install_dir = layout.install_dir(key, version);
  undo.mkdir(pkg_dir);
  const std::optional<std::string> previous = current_version(layout, key);
  result.previous_version = previous.value_or("");

  // 2. The copy in apps_dir is what gets installed; its metadata is read
  // again from the copy, so changes to DIR during the copy cannot slip in.
  std::string root = install_dir;
  std::string staging;
  const bool in_place = same_directory(package_dir, install_dir);
  if (!in_place) {
    staging = pkg_dir + "/.staging-XXXXXX";
    fault_point_or_throw("install: staging dir");
    if (!::mkdtemp(staging.data())) throw ConfineError("cannot create " + staging, errno);
    undo.created_tree(staging);
    root = staging + "/tree";
    copy_package_tree(package_dir, root, config.max_package_size);
  }
  PackageMeta meta = load_package_meta(root, origin);
  meta.file = first.file;  // messages name the file the user gave
  if (meta.key() != key || meta.version != version)
    throw ConfineError(package_dir + ": the package changed while it was being installed");
  result.files_unchanged = in_place;
  if (!in_place && exists(install_dir)) {
    // A version is immutable once installed: same content is a no-op for
    // the files, different content needs a new version.
    if (!trees_equal(root, install_dir))
      throw ConfineError(key.str() + " " + version +
                         " is already installed with different content; give the changed "
                         "package a new version");
    remove_tree(staging);
    undo.forget(staging);
    staging.clear();
    root = install_dir;
    result.files_unchanged = true;
  }

  // 3. Writable app data, carried over from the version it replaces.
  const std::string data_dir = layout.data_dir(key, version);
  if (exists(data_dir) && !is_dir(data_dir))
    throw ConfineError(data_dir + " exists and is not a directory");
  if (!exists(data_dir)) {
    make_dirs_undoable(undo, config.data_dir + "/" + key.str());
    const std::string old_data =
        previous && *previous != version ? layout.data_dir(key, *previous) : "";
    undo.created_tree(data_dir);
    if (!old_data.empty() && exists(old_data)) {
      copy_data_tree(old_data, data_dir);
    } else if (::mkdir(data_dir.c_str(), 0755) != 0 || ::chmod(data_dir.c_str(), 0755) != 0) {
      throw ConfineError("cannot create directory " + data_dir, errno);
    }
  }

  // 4. Policy for every app, then prepare / move / commit / switch.
  InstallContext ctx{config, layout, meta, install_dir, plan_apps(config, meta, root), {}};
  for (const auto& a : ctx.apps) {
    if (a.entry->user == AppEntry::User::Root)
      result.warnings.push_back(a.id.str() + " (" + a.entry->json_path +
                                ") runs as root, as its metadata declares (\"user\": \"root\"): "
                                "it owns every root file its policy lets it write");
    result.apps.push_back(a.id);
    result.units.push_back(a.entry->kind == AppEntry::Kind::Service ? unit_name(a.id) : "");
  }
  const std::vector<AppId> recorded = recorded_apps(layout, key);
  bool ids_are_new = true;
  for (const auto& id : recorded) {
    if (contains(result.apps, id))
      ids_are_new = false;
    else
      ctx.stale.push_back(id);
  }

  size_t started = 0;  // steps whose prepare() or commit() ran (even partly)
  auto fail = [&](size_t committed) noexcept {
    for (size_t i = 0; i < started; ++i) steps[i]->abort(ctx);
    // Artifacts the committed steps wrote for APP_IDs that did not exist
    // before go again; for a reinstall of the same APP_IDs, the steps leave
    // the previous artifacts usable (step.h).
    if (ids_are_new) {
      for (size_t i = 0; i < committed; ++i) {
        try {
          steps[i]->remove(config, layout, result.apps);
        } catch (...) {
        }
      }
    }
  };
  try {
    for (; started < steps.size(); ++started) steps[started]->prepare(ctx);
  } catch (...) {
    ++started;
    fail(0);
    throw;
  }
  size_t committed = 0;
  try {
    if (!staging.empty()) {
      fault_point_or_throw("install: move package");
      if (::rename(root.c_str(), install_dir.c_str()) != 0)
        throw ConfineError("cannot move the package into " + install_dir, errno);
      undo.created_tree(install_dir);
    }
    for (; committed < steps.size(); ++committed) steps[committed]->commit(ctx);
    if (previous != version) replace_symlink(version, layout.current_link(key));
  } catch (...) {
    fail(std::min(committed + 1, steps.size()));
    throw;
  }
  // Point of no return: the new version is live.
  undo.keep();
  undo_apps_dir.keep();
  if (!staging.empty()) remove_tree(staging);
  remove_leftovers(pkg_dir);

  // 5. Services start or restart, then the previous version goes: its
  // processes are stopped before its policy is unloaded.
  for (const auto& step : steps) {
    try {
      step->activate(ctx, result.warnings);
    } catch (const std::exception& e) {
      result.warnings.push_back(std::string(step->name()) + ": " + e.what());
    }
  }
  remove_artifacts_collecting_warnings(config, layout, steps, ctx.stale, result.warnings);
  result.removed = ctx.stale;
  if (previous && *previous != version) {
    for (const auto& dir : {layout.install_dir(key, *previous), layout.data_dir(key, *previous)})
      if (!remove_tree(dir)) result.warnings.push_back("cannot remove " + dir);
  }
  return result;
}

RemoveResult remove_package(const Config& config, const PackageKey& key,
                            const std::string& version, bool keep_data) {
  return remove_package(config, key, version, install_steps(), keep_data);
}

RemoveResult remove_package(const Config& config, const PackageKey& key, const std::string& version,
                            const Steps& steps, bool keep_data) {
  const Layout layout(config);
  const std::string what = key.str() + (version.empty() ? "" : " " + version);
  if (!exists(config.apps_dir)) throw ConfineError(what + " is not installed");
  PackagesLock lock(config.apps_dir);

  RemoveResult result;
  for (const auto& v : installed_versions(layout, key))
    if (version.empty() || v == version) result.versions.push_back(v);
  for (const auto& id : recorded_apps(layout, key))
    if (version.empty() || id.version == version) result.apps.push_back(id);
  if (result.versions.empty() && result.apps.empty())
    throw ConfineError(what + " is not installed");

  // Policy and units first, launch records (the last step) before the rest:
  // once the record is gone the app can no longer be started. The first
  // failure stops the removal and everything removed so far comes back
  // (`restore`): a failed remove changes nothing.
  std::vector<std::string> versions_with_policy;
  for (const auto& id : result.apps)
    if (std::find(versions_with_policy.begin(), versions_with_policy.end(), id.version) ==
        versions_with_policy.end())
      versions_with_policy.push_back(id.version);
  struct Moved {
    std::string from, to;
  };
  std::vector<Moved> moved;  // install and data dirs renamed aside
  std::optional<std::string> unlinked_current;
  auto restore = [&](const std::string& failure) {
    std::string problem;
    if (unlinked_current) {
      try {
        replace_symlink(*unlinked_current, layout.current_link(key));
      } catch (const std::exception& e) {
        problem = e.what();
      }
    }
    for (auto it = moved.rbegin(); it != moved.rend(); ++it)
      if (::rename(it->to.c_str(), it->from.c_str()) != 0 && problem.empty())
        problem = "cannot move " + it->to + " back to " + it->from + ": " + std::strerror(errno);
    try {
      regenerate_versions(config, layout, key, versions_with_policy, steps);
    } catch (const std::exception& e) {
      if (problem.empty()) problem = e.what();
    }
    if (!problem.empty())
      throw ConfineError(failure + " (and putting back what was removed failed: " + problem +
                         "; run the removal again)");
    throw ConfineError(failure + " (nothing was removed)");
  };
  const char* failed_step = "";
  try {
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
      failed_step = (*it)->name();
      (*it)->remove(config, layout, result.apps);
    }
  } catch (const std::exception& e) {
    restore("cannot remove the policy of " + what + ": " + failed_step + ": " + e.what());
  }

  // The files: each directory is renamed aside first (undone by renaming
  // back), the current link goes, then what was renamed aside is deleted.
  try {
    for (const auto& v : result.versions) {
      for (const auto& dir : {layout.install_dir(key, v), layout.data_dir(key, v)}) {
        if (!exists(dir) || (keep_data && dir == layout.data_dir(key, v))) continue;
        const auto slash = dir.rfind('/');
        const std::string aside = dir.substr(0, slash + 1) + ".removing-" + dir.substr(slash + 1);
        fault_point_or_throw("remove: move aside");
        if (::rename(dir.c_str(), aside.c_str()) != 0)
          throw ConfineError("cannot remove " + dir, errno);
        moved.push_back({dir, aside});
      }
    }
    const auto current = current_version(layout, key);
    const std::string link = layout.current_link(key);
    if (current && (version.empty() || *current == version)) {
      fault_point_or_throw("remove: current link");
      if (::unlink(link.c_str()) != 0 && errno != ENOENT)
        throw ConfineError("cannot remove " + link, errno);
      unlinked_current = *current;
    }
  } catch (const std::exception& e) {
    restore("cannot remove " + what + ": " + e.what());
  }
  // Past this point the package is removed; deleting its files is best
  // effort (a later install or remove of the package deletes leftovers).
  for (const auto& m : moved)
    if (!remove_tree(m.to)) result.warnings.push_back("cannot delete " + m.to);
  remove_leftovers(layout.package_dir(key));
  if (!keep_data) remove_leftovers(config.data_dir + "/" + key.str());
  // Drop the per-package directories once empty (rmdir fails otherwise).
  ::rmdir(layout.package_dir(key).c_str());
  ::rmdir((config.data_dir + "/" + key.str()).c_str());
  return result;
}

bool purge_data(const Config& config, const PackageKey& key) {
  const Layout layout(config);
  std::optional<PackagesLock> lock;
  if (exists(config.apps_dir)) {
    lock.emplace(config.apps_dir);
    if (!installed_versions(layout, key).empty() || !recorded_apps(layout, key).empty())
      throw ConfineError(key.str() + " is installed: remove it first");
  }
  const std::string dir = config.data_dir + "/" + key.str();
  if (!exists(dir)) return false;
  if (!is_dir(dir)) throw ConfineError(dir + " is not a directory");
  if (!remove_tree(dir)) throw ConfineError("cannot delete " + dir);
  return true;
}

std::optional<Account> purge_package_user(const Config& config, const PackageKey& key) {
  const Layout layout(config);
  std::optional<PackagesLock> lock;
  if (exists(config.apps_dir)) lock.emplace(config.apps_dir);
  if (!installed_versions(layout, key).empty())
    throw ConfineError(key.str() + " is installed: remove it before its user is deleted");
  auto db = system_accounts(config);
  std::optional<Account> a = find_package_user(*db, key);
  if (!a) return std::nullopt;
  // Its tmp dirs first: a later user given the same uid must not find them.
  const std::string tmp = layout.user_tmp_root(a->uid);
  if (exists(tmp) && !remove_tree(tmp)) throw ConfineError("cannot remove " + tmp);
  db->remove_user(a->name);
  return a;
}

namespace {

// One prepare/commit round of `steps` over `ctx` (regenerate_policy).
// Throws with the failing step's name; aborts every step that started.
void run_steps(InstallContext& ctx, const Steps& steps, bool& committed_any) {
  size_t started = 0;
  const char* failed = "";
  try {
    for (; started < steps.size(); ++started) {
      failed = steps[started]->name();
      steps[started]->prepare(ctx);
    }
    for (const auto& step : steps) {
      failed = step->name();
      committed_any = true;
      step->commit(ctx);
    }
  } catch (const std::exception& e) {
    for (size_t i = 0; i < std::min(started + 1, steps.size()); ++i) steps[i]->abort(ctx);
    throw ConfineError(std::string(failed) + ": " + e.what());
  }
}

}  // namespace

std::vector<AppId> regenerate_policy(const Config& config, const PackageKey& key,
                                     const Steps& steps, const std::function<void()>& change,
                                     const std::function<void()>& undo) {
  const Layout layout(config);
  PackagesLock lock(config.apps_dir);
  change();
  const std::optional<std::string> version = current_version(layout, key);
  if (!version) return {};
  const std::string root = layout.install_dir(key, *version);
  // Read again (not kept from the install): the same files, checked again.
  auto plan = [&](const PackageMeta& meta) {
    return InstallContext{config, layout, meta, root, plan_apps(config, meta, root), {}};
  };
  std::vector<AppId> ids;
  bool committed_any = false;
  try {
    const PackageMeta meta = load_package_meta(root, key.origin);
    if (meta.key() != key || meta.version != *version)
      throw ConfineError(root + ": holds " + meta.key().str() + " " + meta.version);
    InstallContext ctx = plan(meta);
    for (const auto& a : ctx.apps) ids.push_back(a.id);
    run_steps(ctx, steps, committed_any);
  } catch (const std::exception& e) {
    const std::string what =
        "cannot regenerate the policy of " + key.str() + " " + *version + ": " + e.what();
    try {
      undo();
    } catch (const std::exception& e3) {
      throw ConfineError(what + " (and restoring the previous input failed: " + e3.what() + ")");
    }
    if (committed_any) {
      // A step committed (part of) the new artifacts: put back ones that
      // match the restored input. Best effort; the first error is reported.
      try {
        const PackageMeta meta = load_package_meta(root, key.origin);
        InstallContext ctx = plan(meta);
        bool again = false;
        run_steps(ctx, steps, again);
      } catch (const std::exception& e2) {
        throw ConfineError(what + " (and restoring the previous policy failed: " + e2.what() + ")");
      }
    }
    throw ConfineError(what);
  }
  return ids;
}

}  // namespace confine::install
