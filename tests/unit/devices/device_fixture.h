// A launch context for the device and privileges steps: a config whose
// policy_dir is in a TempDir, a launch record for a unique APP_ID, and
// removal of every cgroup the test's launches created.
#pragma once

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/config.h"
#include "core/launch_record.h"
#include "core/layout.h"
#include "devices/detect.h"
#include "devices/install_step.h"
#include "launch/step.h"
#include "test_support.h"

namespace confine::testing {

class DeviceFixture {
 public:
  DeviceFixture() {
    config.policy_dir = dir / "policy";
    config.apps_dir = dir / "apps";
    config.data_dir = dir / "data";
    layout = std::make_unique<Layout>(config);
    static int seq = 0;
    origin = "o" + std::to_string(getpid()) + "x" + std::to_string(++seq);
    record.id = *AppId::parse("devtest." + origin + "_app_1");
    record.exec = "bin/app";
    std::filesystem::create_directories(config.policy_dir);
    std::filesystem::create_directories(layout->package_dir(record.id.key));
  }
  ~DeviceFixture() { remove_cgroups(); }

  launch::LaunchContext context(bool raised = false) {
    return launch::LaunchContext{config, *layout, record, getuid(), getgid(), raised, {}, {}};
  }
  std::string key() const { return record.id.key.str(); }
  // A device node in the temp dir (the filesystem allows device nodes).
  std::string node(const std::string& name, mode_t type, int major, int minor) {
    std::string p = dir / name;
    ::unlink(p.c_str());
    if (::mknod(p.c_str(), type | 0666, makedev(major, minor)) != 0) return "";
    ::chmod(p.c_str(), 0666);
    return p;
  }

  // Removes <base>/confine/<APP_ID> (and the cgroups in it) wherever a
  // launch of this test may have put it.
  void remove_cgroups() { devices::remove_app_cgroups(record.id); }

  TempDir dir;
  Config config;
  std::unique_ptr<Layout> layout;
  LaunchRecord record;
  std::string origin;
};

}  // namespace confine::testing
