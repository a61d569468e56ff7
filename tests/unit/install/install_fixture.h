// Shared fixture of the install pipeline tests: a throw-away config under a
// TempDir, sample packages, a recording test step, and tree snapshots that
// compare directories byte for byte.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "install/pipeline.h"
#include "test_support.h"

namespace confine::install::testing_support {

// Everything observable about a tree: path -> "type mode content-or-target".
using Snapshot = std::map<std::string, std::string>;
Snapshot snapshot(const std::string& dir);

// A layer step for tests: writes <policy_dir>/fake/<APP_ID> on commit,
// adds the "devices" layer, logs every call, and fails where told.
struct StepLog {
  std::vector<std::string> calls;  // "prepare", "commit", "abort", "remove <ids>"
};
struct FakeStep : InstallStep {
  enum class FailIn { Nothing, Prepare, Commit, Remove };
  FakeStep(StepLog* log, FailIn fail) : log_(log), fail_(fail) {}
  const char* name() const override { return "fake"; }
  void prepare(InstallContext& ctx) override;
  void commit(InstallContext& ctx) override;
  void abort(InstallContext& ctx) noexcept override;
  void remove(const Config& config, const Layout& layout, const std::vector<AppId>& ids) override;

 private:
  StepLog* log_;
  FailIn fail_;
  std::vector<AppId> staged_;
};

class InstallTest : public ::testing::Test {
 protected:
  InstallTest();

  // Writes a package "hello" (type app) with a service "daemon" and a
  // binary "hello" into <pkgs>/<dir_name>; returns its path.
  std::string make_package(const std::string& version, const std::string& dir_name = "",
                           const std::string& hello_body = "echo hello\n");
  void write_meta(const std::string& pkg, const std::string& json);
  Steps steps(FakeStep::FailIn fail = FakeStep::FailIn::Nothing);
  InstallResult install(const std::string& pkg, FakeStep::FailIn fail = FakeStep::FailIn::Nothing);
  // Message of the ConfineError install() throws ("(no error)" when none).
  std::string install_error(const std::string& pkg,
                            FakeStep::FailIn fail = FakeStep::FailIn::Nothing);
  // The whole state a failed install must leave alone.
  Snapshot state() const;

  std::string apps(const std::string& rel = "") const { return config_.apps_dir + "/" + rel; }
  std::string record(const std::string& app_id) const {
    return config_.policy_dir + "/launch/" + app_id;
  }

  testing::TempDir root_;
  testing::TempDir pkgs_;
  Config config_;
  StepLog log_;
};

}  // namespace confine::install::testing_support
