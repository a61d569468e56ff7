#include "sample_install.h"

#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

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
  config_.units_dir = dir_ / "units";
  config_.flags_dir = dir_ / "flags.d";
  config_.templates_dir = source_path("policy-templates");
  config_.nice = nice;
  std::filesystem::create_directories(config_.tmp_dir);
  ::chmod(config_.tmp_dir.c_str(), 01777);  // like /tmp
  std::filesystem::create_directories(config_.units_dir);
  config_path_ = dir_ / "config.json";
  // AppArmor and the device cgroup are used where the kernel has them and
  // reported as skipped where it does not (this suite is about the launch
  // path; the layers have their own tests, the VM tests the real kernels).
  // seccomp stays required: every supported kernel has it.
  auto q = [](const std::string& v) { return "\"" + v + "\""; };
  write_file(config_path_, "{\n  \"apps_dir\": " + q(config_.apps_dir) +
                               ",\n  \"data_dir\": " + q(config_.data_dir) +
                               ",\n  \"policy_dir\": " + q(config_.policy_dir) +
                               ",\n  \"tmp_dir\": " + q(config_.tmp_dir) +
                               ",\n  \"units_dir\": " + q(config_.units_dir) +
                               ",\n  \"flags_dir\": " + q(config_.flags_dir) +
                               ",\n  \"templates_dir\": " + q(config_.templates_dir) +
                               ",\n  \"apparmor\": \"if-available\",\n  \"devices\": "
                               "\"if-available\",\n  \"nice\": " +
                               std::to_string(nice) + "\n}\n");
}

SampleInstall::~SampleInstall() {
  if (installed_)
    confine::testing::run(
        {build_path("launcher/confine"), "--config", config_path_, "remove", key()});
  std::error_code ec;
  std::filesystem::remove_all(real_home() + "/.local/share/confine/" + key(), ec);
}

std::string SampleInstall::real_home() {
  const struct passwd* pw = getpwuid(getuid());
  return pw ? pw->pw_dir : "/nonexistent";
}

bool SampleInstall::install(const std::string& version, const std::vector<SampleApp>& apps) {
  // The package as its author ships it: meta/package.json and the files.
  const std::string src = dir_ / ("src-" + version);
  std::string binaries;
  for (const auto& a : apps) {
    write_file(src + "/" + a.exec, a.script, 0755);
    binaries += std::string(binaries.empty() ? "" : ",\n") + "    { \"name\": \"" + a.name +
                "\", \"exec\": \"" + a.exec + "\"" +
                (a.security.empty() ? "" : ", " + a.security) + " }";
  }
  write_file(src + "/meta/package.json", "{\n  \"name\": \"hello\",\n  \"version\": \"" + version +
                                             "\",\n  \"binaries\": [\n" + binaries + "\n  ]\n}\n");
  RunResult r = confine::testing::run({build_path("launcher/confine"), "--config", config_path_,
                                       "install", "--origin", origin_, src});
  if (r.status != 0) {
    ADD_FAILURE() << "confine install failed (" << r.status << "):\n" << r.err << r.out;
    return false;
  }
  installed_ = true;

  // Root changing installed files behind confine's back.
  const std::string inst = install_dir(version);
  for (const auto& a : apps) {
    const std::string file = inst + "/" + a.exec;
    switch (a.after) {
      case SampleApp::After::Keep:
        break;
      case SampleApp::After::MakeNonExecutable:
        ::chmod(file.c_str(), 0644);
        break;
      case SampleApp::After::Remove:
        std::filesystem::remove(file);
        break;
      case SampleApp::After::ReplaceWithDirectory:
        std::filesystem::remove(file);
        std::filesystem::create_directory(file);
        break;
    }
  }
  return true;
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
