#include "apparmor/launch_step.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/apparmor.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "apparmor/label.h"
#include "core/layers.h"
#include "core/safe_io.h"
#include "launch/privileges.h"
#include "launch/steps.h"

namespace confine::apparmor {

Result<KernelSupport> kernel_support() {
  errno = 0;
  if (aa_is_enabled() == 1) return KernelSupport::Enabled;
  const int e = errno;
  switch (e) {
    case ENOSYS:     // no /sys/module/apparmor: not built into this kernel
    case ECANCELED:  // built in, disabled at boot (apparmor=0 or another LSM chosen)
      return KernelSupport::NotEnabled;
    case ENOENT:
      // The kernel says AppArmor is on, but its interface is not mounted:
      // we could neither check nor trust a profile change. Not "absent".
      return Error::from_errno(e, "AppArmor is enabled but securityfs is not mounted");
    default:
      // EPERM/EACCES or a result without errno: someone is shaping our view
      // of the system (snap-confine reasons the same way). Fail closed.
      return Error::from_errno(e, "cannot tell whether AppArmor is enabled");
  }
}

namespace {

// Asks the kernel whether the profile `name` is loaded, through the query
// interface that aa_query_label() uses (it parses the name the way the exec
// request will). ENOENT: not loaded.
Status check_profile_loaded(const std::string& name) {
  std::string query(AA_QUERY_CMD_LABEL_SIZE, '\0');
  query += name;
  query += '\0';
  query += static_cast<char>(AA_CLASS_FILE);
  query += '/';
  int allowed = 0, audited = 0;
  errno = 0;
  if (aa_query_label(AA_MAY_READ, query.data(), query.size(), &allowed, &audited) == 0)
    return Status::Ok();
  const int e = errno;
  if (e == ENOENT)
    return Error::from_errno(
        e, "AppArmor profile " + name + " is not loaded (see confine apparmor-reload)");
  return Error::from_errno(e, "cannot query AppArmor about profile " + name);
}

// Every component of a (possibly stacked) label. The query interface only
// finds stacks the kernel has already built, so each profile is asked about
// on its own; a namespace prefix applies to the components after it, as in
// the exec request.
Status check_label_loaded(const std::string& label) {
  std::string ns;
  size_t pos = 0;
  while (true) {
    const size_t next = label.find("//&", pos);
    std::string part = label.substr(pos, next == std::string::npos ? next : next - pos);
    if (part.starts_with(":"))
      ns = part.substr(0, part.find(':', 1) + 1);
    else
      part = ns + part;
    if (auto s = check_profile_loaded(part); !s) return s;
    if (next == std::string::npos) return Status::Ok();
    pos = next + 3;
  }
}

// Whether no_new_privs will be set when the app is exec'd: already set, set
// by configuration, or set by the seccomp step because this thread lacks
// CAP_SYS_ADMIN (the kernel only lets such a thread load a filter under
// no_new_privs). Capabilities do not change between this step and seccomp.
// When unsure, answer yes: the stack request that follows keeps more
// confinement, never less. No allocation.
bool no_new_privs_at_exec(const Config& config) {
  return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ||
         launch::filter_needs_no_new_privs(config.no_new_privs);
}

class AppArmorLaunchStep final : public launch::LaunchStep {
 public:
  const char* name() const override { return layer_name(Layer::AppArmor).data(); }
  std::optional<Layer> layer() const override { return Layer::AppArmor; }

  Status prepare(launch::LaunchContext& ctx) override {
    auto support = kernel_support();
    if (!support) return support.status();
    if (*support == KernelSupport::NotEnabled) {
      if (ctx.config.apparmor == LayerMode::Required)
        return Error::from_errno(ENOSYS, "AppArmor is required by the configuration (" +
                                             config_name(ctx) + ") but not enabled in the kernel");
      // The Landlock step (before this one) says what it prepared: the
      // notice says it holds files, so a scopes-only ruleset does not count.
      const bool landlock = ctx.layers.landlock_files;
      ctx.skipped.push_back(landlock ? kNotEnabledLandlockNotice : kNotEnabledNotice);
      skip_ = true;
      return Status::Ok();
    }
    const AppId& id = ctx.record.id;
    // A record without the layer comes from an install that generated no
    // profile; running it unconfined on an AppArmor system is not an option.
    if (!ctx.record.has_layer(Layer::AppArmor))
      return Error{0,
                   "no AppArmor profile was installed for " + id.str() + "; reinstall the package"};
    label_ = launch_label(id, ctx.config);
    if (auto s = check_label_loaded(label_); !s) return s;

    char* current = nullptr;
    if (aa_getcon(&current, nullptr) < 0)
      return Error::from_errno(errno, "cannot read the launcher's own AppArmor label");
    confined_ = std::strcmp(current, "unconfined") != 0;
    const std::string launcher_label = current;
    std::free(current);

    // The exec attribute of this thread: the apparmor-specific file (Linux
    // 5.8+) first, the shared one otherwise, as libapparmor does.
    int fd = open("/proc/thread-self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC);
    if (fd < 0) fd = open("/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Error::from_errno(errno, "cannot open /proc/thread-self/attr/exec");
    attr_exec_ = UniqueFd(fd);
    ctx.layers.apparmor = true;
    // The kernel's mediation classes (securityfs, as apparmor_parser reads them).
    const std::string features = "/sys/kernel/security/apparmor/features/";
    ctx.layers.apparmor_signal = ::access((features + "signal").c_str(), F_OK) == 0;
    ctx.layers.apparmor_ptrace = ::access((features + "ptrace").c_str(), F_OK) == 0;
    exec_request_ = "exec " + label_;
    stack_request_ = "stack " + label_;
    ctx.applied.push_back(
        "apparmor (" + label_ +
        (confined_ ? "; stacked on " + launcher_label + " if no_new_privs is set)" : ")"));
    return Status::Ok();
  }

  Status apply(launch::LaunchContext& ctx) override {
    if (skip_) return Status::Ok();
    // Decided now, not at prepare: the privileges step, whose apply() runs
    // before this one, changes capabilities and may set no_new_privs.
    // A confined launcher under no_new_privs may only stack (the kernel
    // refuses anything else at the execve, with EPERM).
    const bool stack = confined_ && no_new_privs_at_exec(ctx.config);
    const std::string& req = stack ? stack_request_ : exec_request_;
    ssize_t n = write(attr_exec_.get(), req.data(), req.size());
    if (n == static_cast<ssize_t>(req.size())) return Status::Ok();
    const int e = n < 0 ? errno : EIO;
    return Error{e, e == ENOENT ? "profile not loaded" : "the kernel refused the profile change"};
  }

 private:
  static std::string config_name(const launch::LaunchContext& ctx) {
    return ctx.config.path.empty() ? std::string("default") : ctx.config.path;
  }

  bool skip_ = false;
  bool confined_ = false;
  std::string label_;
  std::string exec_request_;
  std::string stack_request_;
  UniqueFd attr_exec_;
};

}  // namespace
}  // namespace confine::apparmor

namespace confine::launch {

std::unique_ptr<LaunchStep> make_apparmor_step() {
  return std::make_unique<apparmor::AppArmorLaunchStep>();
}

}  // namespace confine::launch
