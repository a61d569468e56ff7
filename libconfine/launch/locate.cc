#include "launch/locate.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

namespace confine::launch {
namespace {

// Largest launch record we accept; real ones are a few hundred bytes.
constexpr size_t kMaxRecordSize = size_t{64} * 1024;

Error fail(int status, std::string message, int err = 0) {
  Error e = Error::from_errno(err, std::move(message));
  e.exit_status = status;
  return e;
}

// ENOENT on the way to something that should exist means it is not
// installed (127); any other failure is a launch that must not go on (125).
Error fail_lookup(const Error& e, const std::string& app, const std::string& what) {
  if (e.err == ENOENT) return fail(kExitNoSuchApp, "no such app \"" + app + "\": " + what);
  return fail(kExitCannotRun, e.message, e.err);
}

}  // namespace

Result<LocatedApp> locate_app(const Layout& layout, std::string_view app_arg) {
  const std::string app(app_arg);
  auto ref = AppRef::parse(app_arg);
  if (!ref) return fail(kExitNoSuchApp, "no such app: " + ref.error().message);

  // The package directory holds `current` and the install dirs; it must be
  // root's, or a user could point `current` or a version dir elsewhere.
  const std::string pkg_dir = layout.package_dir(ref->key);
  auto pkg = open_trusted_dir(pkg_dir);
  if (!pkg) return fail_lookup(pkg.error(), app, "package " + ref->key.str() + " is not installed");

  std::string version;
  if (ref->version) {
    version = *ref->version;
  } else {
    char buf[PATH_MAX];
    ssize_t n = ::readlinkat(pkg->get(), "current", buf, sizeof buf);
    if (n < 0) {
      Error e = Error::from_errno(errno, "cannot read " + layout.current_link(ref->key));
      return fail_lookup(e, app, "package " + ref->key.str() + " has no current version");
    }
    if (static_cast<size_t>(n) >= sizeof buf)
      return fail(kExitCannotRun, layout.current_link(ref->key) + ": target too long");
    version.assign(buf, static_cast<size_t>(n));
    // The link must name a sibling version directory, nothing else.
    if (auto v = check_version(version); !v)
      return fail(kExitCannotRun, layout.current_link(ref->key) + ": " + v.error().message);
  }

  LocatedApp out;
  out.install_dir = layout.install_dir(ref->key, version);
  auto inst = open_trusted_at(pkg->get(), version, out.install_dir, {}, Node::dir);
  if (!inst)
    return fail_lookup(inst.error(), app,
                       "version " + version + " of " + ref->key.str() + " is not installed");
  out.install_fd = std::move(*inst);

  AppId id{ref->key, ref->app, version};
  const std::string record_path = layout.launch_record(id);
  // policy_dir is walked from "/" and checked once, here; the record and
  // every artifact the launch steps read are opened from its fd.
  auto policy = TrustedDir::open(layout.config().policy_dir);
  if (!policy)
    return fail_lookup(policy.error(), app,
                       "package " + ref->key.str() + " " + version + " has no app \"" + ref->app +
                           "\" (no launch record " + record_path + ")");
  out.policy_dir = std::move(*policy);
  auto text = out.policy_dir.read_file(record_path, kMaxRecordSize);
  if (!text)
    return fail_lookup(text.error(), app,
                       "package " + ref->key.str() + " " + version + " has no app \"" + ref->app +
                           "\" (no launch record " + record_path + ")");
  auto record = LaunchRecord::parse(*text, record_path);
  if (!record) return fail(kExitCannotRun, record.error().message, record.error().err);
  if (!(record->id == id))
    return fail(kExitCannotRun,
                record_path + ": app_id \"" + record->id.str() + "\" does not match the file name");
  out.record = std::move(*record);
  out.exec_path = out.install_dir + "/" + out.record.exec;

  // Check the app's file now, before any directory is created or privilege
  // touched, so that 126/127 mean what confine-run(1) says. execve() has the last
  // word; this only gives the common mistakes their exit status early.
  struct stat st;
  if (fstatat(out.install_fd.get(), out.record.exec.c_str(), &st, 0) != 0) {
    int e = errno;
    if (e == ENOENT)
      return fail(kExitNoSuchApp,
                  "no such app \"" + app + "\": " + out.exec_path + " does not exist");
    return fail(kExitCannotRun, "cannot stat " + out.exec_path, e);
  }
  if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0)
    return fail(kExitNotExecutable, out.exec_path + " is not an executable file");

  return out;
}

}  // namespace confine::launch
