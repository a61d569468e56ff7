#include "seccomp/install_step.h"

#include <string>
#include <vector>

#include "core/error.h"
#include "core/layers.h"
#include "core/safe_io.h"
#include "install/staged_files.h"
#include "seccomp/compile.h"
#include "seccomp/file.h"

namespace confine::seccomp {
namespace {

class SeccompInstallStep final : public install::InstallStep {
 public:
  const char* name() const override { return layer_name(Layer::Seccomp).data(); }
  std::optional<Layer> layer() const override { return Layer::Seccomp; }

  // Compiles every app first; nothing live changes here. The staged files
  // are complete (fsynced) so that commit() is only renames.
  void prepare(install::InstallContext& ctx) override {
    throw_if_error(make_dirs(ctx.layout.seccomp_dir(), 0755));
    for (auto& app : ctx.apps) {
      CompiledFilter compiled;
      try {
        compiled = compile_policy(app.policy);
      } catch (const ConfineError& e) {
        throw ConfineError(app.id.str() + ": seccomp: " + e.what(), e.err());
      }
      std::string bytes = value_or_throw(encode_filter(compiled.image));
      files_.stage(ctx.layout.seccomp_filter(app.id), bytes);
      app.layers.emplace_back(layer_name(Layer::Seccomp));
    }
  }

  // rename(2) replaces each filter atomically: a launch sees the old or the
  // new file whole. A failure part-way leaves the remaining old filters.
  void commit(install::InstallContext&) override { files_.commit(); }

  void abort(install::InstallContext&) noexcept override { files_.discard(); }

  void remove(const Config&, const Layout& layout, const std::vector<AppId>& ids) override {
    for (const auto& id : ids) {
      install::remove_with_staged(layout.seccomp_filter(id));
    }
  }

 private:
  install::StagedFiles files_;
};

}  // namespace

std::unique_ptr<install::InstallStep> make_seccomp_install_step() {
  return std::make_unique<SeccompInstallStep>();
}

}  // namespace confine::seccomp
