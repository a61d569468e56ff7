#include "seccomp/launch_step.h"

#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "core/layers.h"
#include "launch/privileges.h"
#include "launch/steps.h"

namespace confine::seccomp {
namespace {

long sys_seccomp(unsigned op, unsigned flags, void* arg) {
  return ::syscall(SYS_seccomp, op, flags, arg);
}

// Loads one program. The kernel copies it; `prog` may go away afterwards.
// SECCOMP_FILTER_FLAG_LOG: every denial becomes a kernel audit record
// (type=1326, with exe and syscall number), as AppArmor logs its denials,
// so that `confine explain` can say which rule would allow it. Allowed
// syscalls are never logged, so it costs nothing on the allowed path.
Status load_program(const std::vector<sock_filter>& prog, const char* what) {
  sock_fprog fprog{static_cast<unsigned short>(prog.size()),
                   const_cast<sock_filter*>(prog.data())};  // the kernel only reads it
  if (sys_seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, &fprog) == 0)
    return Status::Ok();
  // EINVAL: a kernel older than 4.14 knows no FLAG_LOG; logging is not
  // confinement, so the filter is loaded without it.
  if (errno == EINVAL && sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0) return Status::Ok();
  return Error::from_errno(errno, what);
}

class SeccompStep final : public launch::LaunchStep {
 public:
  const char* name() const override { return layer_name(Layer::Seccomp).data(); }
  std::optional<Layer> layer() const override { return Layer::Seccomp; }

  Status prepare(launch::LaunchContext& ctx) override {
    const bool required = ctx.config.seccomp == LayerMode::Required;
    if (auto k = kernel_supports_filters(); !k) {
      if (required) return k;
      ctx.skipped.push_back("seccomp: " + k.error().describe());
      return Status::Ok();
    }
    if (!ctx.record.has_layer(Layer::Seccomp)) {
      // An install that generated no filter, with a config that requires
      // one: never run the app unconfined.
      if (required)
        return Error::from_errno(ENOENT, "no seccomp filter was installed for " +
                                             ctx.record.id.str() +
                                             " and the configuration requires seccomp");
      ctx.skipped.push_back("seccomp: no filter was installed for this app");
      return Status::Ok();
    }
    // The record says a filter exists: it must be there, trusted and valid.
    // Read through the launch's checked policy_dir fd (open_trusted()'s
    // checks, without walking from "/" again).
    const std::string path = ctx.layout.seccomp_filter(ctx.record.id);
    auto bytes = ctx.read_artifact(path, kMaxFileSize);
    if (!bytes) return bytes.error();
    auto image = decode_filter(*bytes, path);
    if (!image) return image.error();
    image_ = std::move(image).value();
    as_root_ = !ctx.run_as && (ctx.uid == 0 || runs_as_root());  // run_as: not root at exec
    ctx.layers.seccomp = true;
    ctx.layers.seccomp_root = as_root_;
    // The root program refuses every chmod, chown, utime and xattr write.
    // A root app gets it always. So does an app running as its caller
    // where no AppArmor profile checks those calls (Landlock has no right
    // for them, and the caller owns files outside the app), unless the
    // configuration accepts that gap: then the app may change its caller's
    // files' metadata and is reported partially confined. A service run as
    // its package user owns only what it made.
    const auto& gaps = ctx.config.accept_gaps;
    const bool accepted =
        std::find(gaps.begin(), gaps.end(), AccessClass::FileMetadata) != gaps.end();
    metadata_ = as_root_ || (!ctx.run_as && !ctx.layers.apparmor && !accepted);
    if (metadata_ && image_->root.empty())  // format 1: before the root program
      return Error::from_errno(EINVAL, path + ": no root program for an app running as " +
                                           (as_root_ ? "root" : "its caller without AppArmor") +
                                           " (reinstall the package)");
    ctx.layers.seccomp_metadata = metadata_;
    ctx.applied.push_back("seccomp (" + std::to_string(image_->rule_count) + " rules" +
                          (image_->deny.empty() ? "" : ", argument denies") +
                          (as_root_    ? ", root: no chmod, chown, utime, xattr writes"
                           : metadata_ ? ", no chmod, chown, utime, xattr writes"
                                       : "") +
                          ")");
    return Status::Ok();
  }

  Status apply(launch::LaunchContext& ctx) override {
    if (!image_) return Status::Ok();  // skipped in prepare(), reported there
    return load_filter(*image_, ctx.config.no_new_privs, metadata_);
  }

 private:
  std::optional<FilterImage> image_;
  bool as_root_ = false;
  bool metadata_ = false;  // the root program is stacked
};

}  // namespace

Status kernel_supports_filters() {
  // EINVAL: the kernel was built without CONFIG_SECCOMP.
  if (::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0)
    return Error::from_errno(errno, "the kernel does not support seccomp");
  uint32_t action = SECCOMP_RET_ERRNO;
  if (sys_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &action) != 0)
    return Error::from_errno(errno, "the kernel does not support seccomp filters with errno");
  return Status::Ok();
}

bool needs_no_new_privs(bool configured) {
  return launch::filter_needs_no_new_privs(configured);
}

bool runs_as_root() {
  uid_t r = 0, e = 0, s = 0;
  if (::getresuid(&r, &e, &s) != 0) return true;  // cannot tell: be strict
  return r == 0 || e == 0 || s == 0;
}

Status load_filter(const FilterImage& image, bool force_no_new_privs, bool metadata_program) {
  if (needs_no_new_privs(force_no_new_privs)) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
      return Error::from_errno(errno, "cannot set no_new_privs");
    // Verify, as bubblewrap does for its privilege drops.
    if (::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
      return Error::from_errno(EPERM, "no_new_privs did not take effect");
  }
  // Deny program first: the allow program normally does not allow
  // seccomp(2) itself, so nothing can be loaded after it. The kernel keeps
  // the most restrictive result of all stacked filters whatever their order:
  // a matching deny (ERRNO) beats the allow program's ALLOW. When both deny,
  // the later (allow) program's errno is reported.
  // The root program is the oldest filter: where it and the deny program
  // both refuse (chmod 04755), the deny program's EACCES is reported.
  if (metadata_program && !image.root.empty())
    if (auto s = load_program(image.root, "cannot load the seccomp root program"); !s) return s;
  if (!image.deny.empty())
    if (auto s = load_program(image.deny, "cannot load the seccomp deny program"); !s) return s;
  if (auto s = load_program(image.allow, "cannot load the seccomp allow program"); !s) return s;
  return Status::Ok();
}

std::unique_ptr<launch::LaunchStep> make_seccomp_step() {
  return std::make_unique<SeccompStep>();
}

}  // namespace confine::seccomp

// The factory launch/steps.cc calls (declared in launch/steps.h).
std::unique_ptr<confine::launch::LaunchStep> confine::launch::make_seccomp_step() {
  return seccomp::make_seccomp_step();
}
