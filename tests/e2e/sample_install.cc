#include "sample_install.h"

#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "core/launch_record.h"

namespace confine::testing {

const char kShowScript[] = R"SH(#!/bin/sh
echo "argv0=$0"
for a in "$@"; do printf 'arg=[%s]\n' "$a"; done
echo "cwd=$(pwd -P)"
set -- $(cat /proc/$$/stat)
echo "nice=${19}"
tr '\0' '\n' < /proc/$$/environ | sed 's/^/env:/'
)SH";

namespace {
std::atomic<int> counter{0};
}

SampleInstall::SampleInstall(int nice) {
  origin_ = "e2e" + std::to_string(getpid()) + "x" + std::to_string(counter++);
  config_.apps_dir = dir_ / "apps";
  config_.data_dir = dir_ / "data";
  config_.policy_dir = dir_ / "policy";
  config_.tmp_dir = dir_ / "tmp";
  config_.nice = nice;
  for (const auto& d : {config_.apps_dir, config_.data_dir, config_.policy_dir + "/launch"})
    std::filesystem::create_directories(d);
  std::filesystem::create_directories(config_.tmp_dir);
  ::chmod(config_.tmp_dir.c_str(), 01777);  // like /tmp
  config_path_ = dir_ / "config.json";
  write_file(config_path_, "{\n  \"apps_dir\": \"" + config_.apps_dir + "\",\n  \"data_dir\": \"" +
                               config_.data_dir + "\",\n  \"policy_dir\": \"" + config_.policy_dir +
                               "\",\n  \"tmp_dir\": \"" + config_.tmp_dir +
                               "\",\n  \"nice\": " + std::to_string(nice) + "\n}\n");
}

SampleInstall::~SampleInstall() {
  std::error_code ec;
  std::filesystem::remove_all(real_home() + "/.local/share/confine/" + key(), ec);
}

std::string SampleInstall::real_home() {
  const struct passwd* pw = getpwuid(getuid());
  return pw ? pw->pw_dir : "/nonexistent";
}

void SampleInstall::install(const std::string& version, const std::vector<SampleApp>& apps,
                            bool make_current) {
  const std::string inst = install_dir(version);
  std::filesystem::create_directories(inst + "/meta");
  std::filesystem::create_directories(config_.data_dir + "/" + key() + "/" + version);
  for (const auto& a : apps) {
    if (a.create_file) write_file(inst + "/" + a.exec, a.script, a.mode);
    LaunchRecord r;
    r.id = *AppId::parse(app_id(a.name, version));
    r.type = PackageType::App;
    r.exec = a.exec;
    write_file(launch_record(a.name, version), r.serialize(), 0644);
  }
  if (make_current) {
    std::string link = config_.apps_dir + "/" + key() + "/current";
    std::filesystem::remove(link);
    std::filesystem::create_symlink(version, link);
  }
}

RunResult SampleInstall::run(const std::vector<std::string>& args,
                             const std::vector<std::string>& env) const {
  std::vector<std::string> argv = {build_path("launcher/confine-run"), "--config", config_path_};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> e = {"PATH=/usr/bin:/bin"};
  e.insert(e.end(), env.begin(), env.end());
  return confine::testing::run(argv, e);
}

AppView parse_app_output(const std::string& out) {
  AppView v;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t nl = out.find('\n', pos);
    if (nl == std::string::npos) nl = out.size();
    std::string line = out.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.starts_with("env:")) {
      std::string kv = line.substr(4);
      auto eq = kv.find('=');
      if (eq != std::string::npos) v.env[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else if (line.starts_with("arg=[") && line.ends_with("]")) {
      v.args.push_back(line.substr(5, line.size() - 6));
    } else if (auto eq = line.find('='); eq != std::string::npos) {
      v.facts[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  return v;
}

}  // namespace confine::testing
