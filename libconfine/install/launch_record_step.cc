#include "install/launch_record_step.h"

#include <unistd.h>

#include <cerrno>

#include "core/error.h"
#include "core/launch_record.h"
#include "core/safe_io.h"
#include "policy/allows.h"

namespace confine::install {
namespace {

class LaunchRecordStep final : public InstallStep {
 public:
  const char* name() const override { return "launch records"; }

  // Serializes every record and parses it back with the launcher's own strict
  // parser: a record confine-run would refuse must fail the install, not
  // the first launch.
  void prepare(InstallContext& ctx) override {
    records_.clear();
    for (const auto& app : ctx.apps) {
      LaunchRecord r{app.id, ctx.meta.type, app.entry->exec, app.layers, app.user,
                     policy::seccomp_allowed_classes(app.policy, !app.raw_seccomp.empty()), true};
      std::string text = r.serialize();
      const std::string path = ctx.layout.launch_record(app.id);
      auto back = LaunchRecord::parse(text, path);
      if (!back) throw ConfineError(back.error());
      records_.push_back({path, std::move(text)});
    }
  }

  // Each record is replaced atomically. A failure part-way leaves the others
  // old or new, each whole (for a new version they are new files).
  void commit(InstallContext& ctx) override {
    throw_if_error(make_dirs(ctx.layout.launch_dir(), 0755));
    for (const auto& [path, text] : records_) throw_if_error(atomic_write(path, text, 0644));
    records_.clear();
  }

  void abort(InstallContext&) noexcept override { records_.clear(); }

  void remove(const Config&, const Layout& layout, const std::vector<AppId>& ids) override {
    for (const auto& id : ids) {
      const std::string path = layout.launch_record(id);
      if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        throw ConfineError("cannot remove " + path, errno);
    }
  }

 private:
  struct Record {
    std::string path;
    std::string text;
  };
  std::vector<Record> records_;
};

}  // namespace

std::unique_ptr<InstallStep> make_launch_record_step() {
  return std::make_unique<LaunchRecordStep>();
}

}  // namespace confine::install
