// The privileges step on the real kernel: what the app holds after the drop,
// read the way a user would, from /proc/self/status.
#include "launch/privileges.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>

#include "core/safe_io.h"
#include "device_child.h"
#include "device_fixture.h"
#include "devices/grants.h"
#include "launch/steps.h"

namespace confine::testing {
namespace {

std::string status_field(const std::string& status, const std::string& key) {
  auto p = status.find("\n" + key + ":\t");
  if (p == std::string::npos) return "?";
  p += key.size() + 3;
  return status.substr(p, status.find('\n', p) - p);
}

// Runs the privileges step in a child (as `uid` when not 0, keeping the
// permitted set across the uid change like a file-capability launch), then
// execs cat to show what a new program holds.
ChildReport privileges_then_exec(DeviceFixture& f, bool as_user) {
  return in_child([&](int fd) {
    if (as_user) {
      // Keep the permitted set across setuid, as file capabilities would
      // give it to an ordinary user.
      if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || setresgid(65534, 65534, 65534) != 0 ||
          setresuid(65534, 65534, 65534) != 0) {
        report(fd, "setup", strerrorname_np(errno));
        _exit(5);
      }
    }
    auto ctx = f.context(as_user);
    auto step = launch::make_privileges_step();
    if (auto s = step->prepare(ctx); !s) {
      report(fd, "prepare", s.error().describe());
      _exit(3);
    }
    if (auto s = step->apply(ctx); !s) {
      report(fd, "apply", s.error().describe());
      _exit(4);
    }
    dup2(fd, 1);
    execl("/bin/cat", "cat", "/proc/self/status", nullptr);
    _exit(6);
  });
}

TEST(Privileges, RootKeepsExactlyWhatThePolicyGrants) {
  CONFINE_REQUIRE(is_root(), "dropping capabilities from a full set needs root");
  DeviceFixture f;
  f.record.layers = {"devices"};
  std::filesystem::create_directories(devices::grants_dir(f.config));
  write_file(devices::grants_path(f.config, f.record.id), "capability net_raw\ncapability chown\n");
  auto r = privileges_then_exec(f, false);
  ASSERT_EQ(r.status, 0) << r.text;
  const std::string want = "0000000000002001";  // chown (0) + net_raw (13)
  EXPECT_EQ(status_field(r.text, "CapEff"), want) << r.text;
  EXPECT_EQ(status_field(r.text, "CapPrm"), want);
  EXPECT_EQ(status_field(r.text, "CapBnd"), want);
  EXPECT_EQ(status_field(r.text, "CapInh"), "0000000000000000");
  EXPECT_EQ(status_field(r.text, "CapAmb"), "0000000000000000");
}

TEST(Privileges, RootWithoutGrantsHoldsNothing) {
  CONFINE_REQUIRE(is_root(), "dropping capabilities from a full set needs root");
  DeviceFixture f;  // no "devices" layer: nothing granted
  auto r = privileges_then_exec(f, false);
  ASSERT_EQ(r.status, 0) << r.text;
  for (const char* k : {"CapEff", "CapPrm", "CapBnd", "CapInh", "CapAmb"})
    EXPECT_EQ(status_field(r.text, k), "0000000000000000") << k << "\n" << r.text;
}

TEST(Privileges, RecordPromisingGrantsWithoutTheFileFails) {
  CONFINE_REQUIRE(is_root(), "the grants file must be root-owned");
  DeviceFixture f;
  f.record.layers = {"devices"};
  auto r = privileges_then_exec(f, false);
  EXPECT_EQ(r.status, 3) << r.text;
  EXPECT_NE(r.facts["prepare"].find("grants"), std::string::npos) << r.text;
}

TEST(Privileges, OrdinaryUserHoldsNothingEvenWhenThePolicyGrants) {
  CONFINE_REQUIRE(is_root(), "switching to an unprivileged uid with kept capabilities needs root");
  DeviceFixture f;
  f.record.layers = {"devices"};
  std::filesystem::create_directories(devices::grants_dir(f.config));
  write_file(devices::grants_path(f.config, f.record.id), "capability net_raw\n");
  auto r = privileges_then_exec(f, true);
  ASSERT_EQ(r.status, 0) << r.text;
  EXPECT_EQ(status_field(r.text, "Uid"), "65534\t65534\t65534\t65534");
  for (const char* k : {"CapEff", "CapPrm", "CapBnd", "CapInh", "CapAmb"})
    EXPECT_EQ(status_field(r.text, k), "0000000000000000") << k << "\n" << r.text;
}

TEST(Privileges, RaiseAndLowerEffectiveStayWithinPermitted) {
  CONFINE_REQUIRE(is_root(), "needs a permitted set to raise from");
  auto r = in_child([](int fd) {
    using launch::cap_bit;
    auto s = launch::read_caps();
    launch::CapState keep{0, cap_bit(CAP_CHOWN) | cap_bit(CAP_SETPCAP), 0};
    if (!s) _exit(7);
    // Permitted {chown, setpcap}, nothing effective.
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    data[0].permitted = static_cast<uint32_t>(keep.permitted);
    if (syscall(SYS_capset, &hdr, data) != 0) _exit(8);
    report(fd, "raise",
           launch::raise_effective(cap_bit(CAP_CHOWN) | cap_bit(CAP_BPF)).ok() ? "ok" : "failed");
    auto after = launch::read_caps();
    report(fd, "eff", std::to_string(after ? after->effective : 99));
    report(fd, "lower", launch::lower_effective().ok() ? "ok" : "failed");
    after = launch::read_caps();
    report(fd, "eff2", std::to_string(after ? after->effective : 99));
    report(fd, "prm2", std::to_string(after ? after->permitted : 99));
  });
  ASSERT_EQ(r.status, 0) << r.text;
  EXPECT_EQ(r.facts["raise"], "ok");
  EXPECT_EQ(r.facts["eff"], std::to_string(launch::cap_bit(CAP_CHOWN)));  // bpf not permitted
  EXPECT_EQ(r.facts["lower"], "ok");
  EXPECT_EQ(r.facts["eff2"], "0");
  EXPECT_EQ(r.facts["prm2"],
            std::to_string(launch::cap_bit(CAP_CHOWN) | launch::cap_bit(CAP_SETPCAP)));
}

TEST(Privileges, RaisedByFileCapsIsFalseForRoot) {
  if (getuid() == 0) {
    EXPECT_FALSE(launch::raised_by_file_caps());
  }
}

}  // namespace
}  // namespace confine::testing
