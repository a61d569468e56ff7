#include "seccomp/install_step.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/safe_io.h"
#include "seccomp/compile.h"
#include "seccomp/file.h"

namespace confine::seccomp {
namespace {

std::string staged_path(const Layout& layout, const AppId& id) {
  return layout.seccomp_filter(id) + ".staged";
}

void unlink_if_present(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    throw ConfineError("cannot remove " + path, errno);
}

class SeccompInstallStep final : public install::InstallStep {
 public:
  const char* name() const override { return "seccomp"; }

  // Compiles every app first; nothing live changes here. The staged files
  // are complete (fsynced) so that commit() is only renames.
  void prepare(install::InstallContext& ctx) override {
    make_dirs(ctx.layout.seccomp_dir(), 0755);
    for (auto& app : ctx.apps) {
      CompiledFilter compiled;
      try {
        compiled = compile_policy(app.policy);
      } catch (const ConfineError& e) {
        throw ConfineError(app.id.str() + ": seccomp: " + e.what(), e.err());
      }
      std::string bytes = value_or_throw(encode_filter(compiled.image));
      std::string staged = staged_path(ctx.layout, app.id);
      staged_.push_back(staged);
      atomic_write(staged, bytes, 0644);
      pending_.push_back({staged, ctx.layout.seccomp_filter(app.id)});
      app.layers.push_back("seccomp");
    }
  }

  // rename(2) replaces each filter atomically: a launch sees the old or the
  // new file whole. A failure part-way leaves the remaining old filters.
  void commit(install::InstallContext&) override {
    for (const auto& [from, to] : pending_) {
      if (::rename(from.c_str(), to.c_str()) != 0)
        throw ConfineError("cannot move " + from + " into place", errno);
      std::erase(staged_, from);
    }
    pending_.clear();
  }

  void abort(install::InstallContext&) noexcept override {
    for (const auto& s : staged_) ::unlink(s.c_str());
    staged_.clear();
    pending_.clear();
  }

  void remove(const Config&, const Layout& layout, const std::vector<AppId>& ids) override {
    for (const auto& id : ids) {
      unlink_if_present(layout.seccomp_filter(id));
      unlink_if_present(staged_path(layout, id));
    }
  }

 private:
  struct Move {
    std::string from, to;
  };
  std::vector<std::string> staged_;  // written, not yet renamed
  std::vector<Move> pending_;
};

}  // namespace

std::unique_ptr<install::InstallStep> make_seccomp_install_step() {
  return std::make_unique<SeccompInstallStep>();
}

}  // namespace confine::seccomp
