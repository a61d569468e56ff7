#include "install_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "core/safe_io.h"
#include "install/launch_record_step.h"
#include "install/units_step.h"

namespace confine::install::testing_support {

namespace fs = std::filesystem;

Snapshot snapshot(const std::string& dir) {
  Snapshot s;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(dir, ec))) return s;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const std::string path = it->path().string();
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) continue;
    std::string v = std::to_string(st.st_mode) + " uid" + std::to_string(st.st_uid) + " ";
    if (S_ISLNK(st.st_mode))
      v += "-> " + fs::read_symlink(path, ec).string();
    else if (S_ISREG(st.st_mode))
      v += testing::read_file(path);
    s[path.substr(dir.size())] = v;
  }
  return s;
}

void FakeStep::prepare(InstallContext& ctx) {
  log_->calls.push_back("prepare");
  if (fail_ == FailIn::Prepare) throw ConfineError("fake: prepare failed");
  for (auto& app : ctx.apps) {
    app.layers.push_back("devices");
    staged_.push_back(app.id);
  }
}

void FakeStep::commit(InstallContext& ctx) {
  log_->calls.push_back("commit");
  throw_if_error(make_dirs(ctx.config.policy_dir + "/fake", 0755));
  // Commits the first artifact, then fails: a partial commit to undo.
  for (const auto& id : staged_) {
    throw_if_error(atomic_write(ctx.config.policy_dir + "/fake/" + id.str(), "artifact\n", 0644));
    if (fail_ == FailIn::Commit) throw ConfineError("fake: commit failed");
  }
  staged_.clear();
}

void FakeStep::abort(InstallContext&) noexcept {
  log_->calls.push_back("abort");
  staged_.clear();
}

void FakeStep::remove(const Config& config, const Layout&, const std::vector<AppId>& ids) {
  std::string line = "remove";
  for (const auto& id : ids) line += " " + id.str();
  log_->calls.push_back(line);
  if (fail_ == FailIn::Remove) throw ConfineError("fake: remove failed");
  for (const auto& id : ids) ::unlink((config.policy_dir + "/fake/" + id.str()).c_str());
}

InstallTest::InstallTest() {
  config_.apps_dir = root_ / "apps";
  config_.data_dir = root_ / "data";
  config_.policy_dir = root_ / "policy";
  config_.units_dir = root_ / "units";
  config_.tmp_dir = root_ / "tmp";
  config_.flags_dir = root_ / "flags.d";
  config_.templates_dir = testing::source_path("policy-templates");
}

std::string InstallTest::make_package(const std::string& version, const std::string& dir_name,
                                      const std::string& hello_body) {
  const std::string dir = pkgs_ / (dir_name.empty() ? "hello-" + version : dir_name);
  write_meta(dir, R"({"name":"hello","version":")" + version + R"(",
    "services":[{"name":"daemon","start":"bin/daemon","description":"100% sample",
                 "caps":["network-service"]}],
    "binaries":[{"name":"hello","exec":"bin/hello"}]})");
  testing::write_file(dir + "/bin/hello", "#!/bin/sh\n" + hello_body, 0755);
  testing::write_file(dir + "/bin/daemon", "#!/bin/sh\nexit 0\n", 0755);
  return dir;
}

void InstallTest::write_meta(const std::string& pkg, const std::string& json) {
  testing::write_file(pkg + "/meta/package.json", json);
}

Steps InstallTest::steps(FakeStep::FailIn fail) {
  Steps s;
  s.push_back(make_units_step());
  s.push_back(std::make_unique<FakeStep>(&log_, fail));
  s.push_back(make_launch_record_step());
  return s;
}

InstallResult InstallTest::install(const std::string& pkg, FakeStep::FailIn fail) {
  return install_package(config_, pkg, "example", steps(fail));
}

std::string InstallTest::install_error(const std::string& pkg, FakeStep::FailIn fail) {
  try {
    install(pkg, fail);
  } catch (const ConfineError& e) {
    return e.what();
  }
  return "(no error)";
}

Snapshot InstallTest::state() const {
  // apps_dir and data_dir byte for byte, directories included. Elsewhere
  // (policy_dir, units_dir) steps may leave an empty directory they created;
  // every file and symlink must be as before.
  Snapshot all = snapshot(root_.path());
  Snapshot s;
  const std::string apps = config_.apps_dir.substr(root_.path().size());
  const std::string data = config_.data_dir.substr(root_.path().size());
  for (const auto& [path, v] : all) {
    bool strict = path.starts_with(apps) || path.starts_with(data);
    if (strict || !fs::is_directory(fs::symlink_status(root_.path() + path))) s[path] = v;
  }
  return s;
}

}  // namespace confine::install::testing_support
