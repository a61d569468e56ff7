#include "launch/run.h"

#include <pwd.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "core/fault.h"
#include "core/layout.h"
#include "launch/app_dirs.h"
#include "launch/environment.h"
#include "launch/locate.h"
#include "launch/privileges.h"
#include "launch/run_as.h"
#include "launch/steps.h"

namespace confine::launch {
namespace {

int fail(int code, const std::string& what) {
  raw_write_stderr(("confine-run: error: " + what + "\n").c_str());
  return code;
}

// Writes "confine-run: error: <step>: <message>[: <errno text>]" without
// allocating: strerrordesc_np() returns a static, untranslated string.
[[noreturn]] void die_after_apply(int code, const char* what, const char* message, int err) {
  raw_write_stderr("confine-run: error: ");
  raw_write_stderr(what);
  raw_write_stderr(": ");
  raw_write_stderr(message);
  if (err != 0) {
    const char* desc = strerrordesc_np(err);
    raw_write_stderr(": ");
    raw_write_stderr(desc ? desc : "unknown error");
  }
  raw_write_stderr("\n");
  _exit(code);
}

// The nice value is absolute (confine(8): "every app is started with"), not relative
// to the caller's. Lowering it needs CAP_SYS_NICE; not getting the configured
// value fails the launch rather than running the app at another priority.
Status apply_nice(int nice) {
  errno = 0;
  int cur = getpriority(PRIO_PROCESS, 0);
  if (cur == nice && errno == 0) return Status::Ok();
  if (setpriority(PRIO_PROCESS, 0, nice) != 0)
    return Error::from_errno(errno, "cannot set nice value " + std::to_string(nice));
  return Status::Ok();
}

std::string current_dir() {
  char buf[4096];
  // A caller in a deleted or unreachable directory still gets to run the
  // app; CONFINE_OLD_PWD is then empty.
  if (!getcwd(buf, sizeof buf)) return "";
  return buf;
}

struct Coverage {
  std::vector<std::string> held;      // "<class>: <layers or granted>" for --verbose
  std::vector<std::string> accepted;  // gaps the config accepts, always reported
  std::string refused;                // the error for the first gap it does not accept
};

Coverage check_coverage(const LaunchContext& ctx) {
  AppFacts app;
  app.root = (ctx.uid == 0 && !ctx.run_as) || ctx.layers.seccomp_root;  // run_as: not root
  app.package_user = ctx.run_as != nullptr;
  app.seccomp_allows = ctx.record.seccomp_allows;
  app.grants_known = ctx.record.seccomp_allows_known;
  if (!app.grants_known)
    for (const auto& i : access_classes()) app.seccomp_allows.push_back(i.id);
  Coverage out;
  for (const CoverageRow& row : coverage(ctx.layers, app)) {
    const std::string name(to_string(row.cls));
    if (row.holding != Holding::Gap) {
      out.held.push_back(name + ": " + describe_holding(row));
      continue;
    }
    const bool accepted = std::find(ctx.config.accept_gaps.begin(), ctx.config.accept_gaps.end(),
                                    row.cls) != ctx.config.accept_gaps.end();
    std::string what = name + " (" + std::string(description(row.cls)) +
                       ") is held by no layer on this kernel: " + row.note;
    if (accepted) {
      out.accepted.push_back(what + " (accept_gaps)");
    } else if (out.refused.empty()) {
      out.refused = ctx.record.id.str() + " would run less confined than its policy: " + what +
                    "; to run it anyway, list \"" + name + "\" in accept_gaps in " +
                    (ctx.config.path.empty() ? std::string(kDefaultConfigPath) : ctx.config.path) +
                    " (confine check shows the coverage)";
    }
  }
  return out;
}

}  // namespace

void raw_write_stderr(const char* s) {
  size_t len = std::strlen(s);
  while (len > 0) {
    ssize_t n = ::write(STDERR_FILENO, s, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report to
    }
    s += n;
    len -= static_cast<size_t>(n);
  }
}

int run_app(const RunRequest& req) {
  const Layout layout(req.config);

  // 1. Locate APP: a trusted launch record and install dir.
  auto located = locate_app(layout, req.app);
  if (!located) {
    const Error& e = located.error();
    return fail(e.exit_status ? e.exit_status : kExitCannotRun, e.describe());
  }
  LocatedApp& app = *located;
  if (auto f = fault_point("launch: resolve"); !f)
    return fail(kExitCannotRun, f.error().describe());
  const AppId& id = app.record.id;

  // 2. Directories. They belong to the real user: the one who ran us, never
  // anyone named by the environment (HOME comes from the password database);
  // for root's launch of an app of a package user, to that user
  // (confine-run(1), USERS), whose home is its data dir.
  const uid_t uid = getuid();
  const gid_t gid = getgid();
  const RunUser* run_as = launch_user(app.record, uid, geteuid());
  const DirOwner owner = run_as ? DirOwner{run_as->uid, run_as->gid} : DirOwner{uid, gid};
  if (auto s = ensure_data_dir(layout, id.key, id.version, geteuid() == 0); !s)
    return fail(kExitCannotRun, s.error().describe());
  if (run_as)
    if (auto s = hand_over_data_dir_top(layout, id.key, id.version, owner); !s)
      return fail(kExitCannotRun, s.error().describe());
  if (auto f = fault_point("launch: data dir"); !f)
    return fail(kExitCannotRun, f.error().describe());
  std::string home = layout.data_dir(id.key, id.version);
  Result<std::string> user_data = home;
  if (!run_as) {
    errno = 0;
    const struct passwd* pw = getpwuid(uid);
    if (!pw || !pw->pw_dir)
      return fail(
          kExitCannotRun,
          Error::from_errno(errno, "no password entry for uid " + std::to_string(uid)).describe());
    home = pw->pw_dir;
    user_data = ensure_user_data_dir(home, id.key, id.version, owner);
  }
  if (!user_data) return fail(kExitCannotRun, user_data.error().describe());
  if (auto f = fault_point("launch: user data dir"); !f)
    return fail(kExitCannotRun, f.error().describe());
  const bool raised = raised_by_file_caps();
  auto tmp = ensure_tmp_dir(layout, id, owner, raised);
  if (!tmp) return fail(kExitCannotRun, tmp.error().describe());
  if (auto f = fault_point("launch: tmp dir"); !f)
    return fail(kExitCannotRun, f.error().describe());

  // 3. Environment, built now as the final envp strings.
  AppEnvironmentInput env_in{id,   app.install_dir, layout.data_dir(id.key, id.version), *user_data,
                             *tmp, current_dir()};
  const std::vector<std::string> env = app_environment(env_in, environ);
  if (auto f = fault_point("launch: environment"); !f)
    return fail(kExitCannotRun, f.error().describe());

  // 4. chdir, through the verified fd rather than the path.
  if (fchdir(app.install_fd.get()) != 0)
    return fail(
        kExitCannotRun,
        Error::from_errno(errno, "cannot change directory to " + app.install_dir).describe());
  if (auto f = fault_point("launch: chdir"); !f) return fail(kExitCannotRun, f.error().describe());

  // 5. nice.
  if (auto s = apply_nice(req.config.nice); !s) return fail(kExitCannotRun, s.error().describe());
  if (auto f = fault_point("launch: nice"); !f) return fail(kExitCannotRun, f.error().describe());

  // 6. Confinement steps: every prepare() (may allocate, may fail)...
  LaunchContext ctx{req.config, layout, app.record, uid, gid, raised, {}, {}};
  ctx.policy_dir = &app.policy_dir;
  ctx.run_as = run_as;
  ctx.paths = {app.install_dir,
               env_in.data_dir,
               *user_data,
               *tmp,
               home,
               Layout::runtime_dir(id.key)};  // Landlock's variables
  std::vector<std::unique_ptr<LaunchStep>> steps = launch_steps();
  for (auto& step : steps) {
    Status s = step->prepare(ctx);
    if (s) s = fault_point("launch: prepare ", step->name());
    if (!s) return fail(kExitCannotRun, std::string(step->name()) + ": " + s.error().describe());
  }

  // Every access class the policy restricts is held by a prepared layer, or
  // the launch stops here (unless the config accepts that gap, reported).
  const Coverage cov = check_coverage(ctx);
  if (!cov.refused.empty()) return fail(kExitCannotRun, cov.refused);

  // ...then the last allocations: argv, envp and the --verbose report.
  std::vector<char*> argv;
  argv.reserve(req.args.size() + 2);
  argv.push_back(const_cast<char*>(app.exec_path.c_str()));
  for (const auto& a : req.args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  envp.reserve(env.size() + 1);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  // A layer skipped because the config allows it is always reported (fail
  // closed, visibly: docs/architecture.md); --verbose adds the rest.
  std::string report;
  if (req.verbose)
    for (const auto& l : ctx.applied) report += "confine-run: applied: " + l + "\n";
  for (const auto& l : ctx.skipped) report += "confine-run: skipped: " + l + "\n";
  for (const auto& l : cov.accepted) report += "confine-run: partially confined: " + l + "\n";
  if (req.verbose)
    for (const auto& l : cov.held) report += "confine-run: holds: " + l + "\n";
  if (req.verbose) {
    if (ctx.applied.empty()) report += "confine-run: applied: no confinement layer\n";
    report += "confine-run: exec " + app.exec_path + " as " + id.str() + "\n";
  }

  // 7. No allocation from here to execve: each apply() in order.
  // (A fault point after each apply: the step's effect is in place, and the
  // launch must still stop.)
  for (auto& step : steps) {
    Status s = step->apply(ctx);
    if (s) s = fault_point("launch: apply ", step->name());
    if (!s) die_after_apply(kExitCannotRun, step->name(), s.error().message.c_str(), s.error().err);
  }
  if (!report.empty()) raw_write_stderr(report.c_str());

  if (auto f = fault_point("launch: exec"); !f)
    die_after_apply(kExitCannotRun, "cannot execute", f.error().message.c_str(), f.error().err);
  execve(argv[0], argv.data(), envp.data());
  int e = errno;
  int code = kExitCannotRun;
  if (e == ENOENT)
    code = kExitNoSuchApp;
  else if (e == EACCES || e == ENOEXEC || e == EISDIR)
    code = kExitNotExecutable;
  die_after_apply(code, "cannot execute", argv[0], e);
}

}  // namespace confine::launch
