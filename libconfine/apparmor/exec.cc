#include "apparmor/exec.h"

#include <fcntl.h>
#include <sys/apparmor.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "apparmor/label.h"
#include "core/safe_io.h"
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

// Asks the kernel whether every profile of `label` is loaded, through the
// same query interface that aa_query_label() uses (it parses the label
// exactly as the exec request will). ENOENT: a profile is missing.
Status check_label_loaded(const std::string& label) {
  std::string query(AA_QUERY_CMD_LABEL_SIZE, '\0');
  query += label;
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
        e, "AppArmor profile " + label + " is not loaded (see confine apparmor-reload)");
  return Error::from_errno(e, "cannot query AppArmor about profile " + label);
}

class AppArmorLaunchStep final : public launch::LaunchStep {
 public:
  const char* name() const override { return "apparmor"; }

  Status prepare(launch::LaunchContext& ctx) override {
    auto support = kernel_support();
    if (!support) return support.status();
    if (*support == KernelSupport::NotEnabled) {
      if (ctx.config.apparmor == LayerMode::Required)
        return Error::from_errno(ENOSYS, "AppArmor is required by the configuration (" +
                                             config_name(ctx) + ") but not enabled in the kernel");
      ctx.skipped.push_back(kNotEnabledNotice);
      skip_ = true;
      return Status::Ok();
    }
    const AppId& id = ctx.record.id;
    // A record without the layer comes from an install that generated no
    // profile; running it unconfined on an AppArmor system is not an option.
    if (!ctx.record.has_layer("apparmor"))
      return Error{0,
                   "no AppArmor profile was installed for " + id.str() + "; reinstall the package"};
    label_ = launch_label(id, ctx.config);
    if (auto s = check_label_loaded(label_); !s) return s;

    char* current = nullptr;
    if (aa_getcon(&current, nullptr) < 0)
      return Error::from_errno(errno, "cannot read the launcher's own AppArmor label");
    confined_ = std::strcmp(current, "unconfined") != 0;
    std::free(current);

    // The exec attribute of this thread: the apparmor-specific file (Linux
    // 5.8+) first, the shared one otherwise, as libapparmor does.
    int fd = open("/proc/thread-self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC);
    if (fd < 0) fd = open("/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Error::from_errno(errno, "cannot open /proc/thread-self/attr/exec");
    attr_exec_ = UniqueFd(fd);
    exec_request_ = "exec " + label_;
    stack_request_ = "stack " + label_;
    ctx.applied.push_back("apparmor (" + label_ + ")");
    return Status::Ok();
  }

  Status apply(launch::LaunchContext&) override {
    if (skip_) return Status::Ok();
    // Read now, not at prepare: the privileges step sets no-new-privs in its
    // apply(), which runs before this one.
    const bool nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
    const std::string& req = (confined_ && nnp) ? stack_request_ : exec_request_;
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
