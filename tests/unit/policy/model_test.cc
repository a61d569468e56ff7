// Policy::merge / effective(): deny always overrides allow, whatever the
// order policies arrive in; an empty policy allows nothing.
#include "policy/model.h"

#include <sys/socket.h>

#include <algorithm>

#include "test_support.h"

namespace confine::policy {
namespace {

SyscallRule sys(const std::string& name, std::vector<ArgCondition> c = {}) {
  SyscallRule r;
  r.name = name;
  r.conditions = std::move(c);
  return r;
}

bool allows_syscall(const Policy& p, const std::string& name) {
  return std::any_of(p.allow.syscalls.begin(), p.allow.syscalls.end(),
                     [&](const SyscallRule& r) { return r.name == name; });
}

Policy allowing() {
  Policy p;
  p.allow.syscalls = {sys("ptrace"), sys("read")};
  p.allow.capabilities = {"net_raw", "chown"};
  p.allow.network = {"inet stream", "inet6 stream", "unix"};
  p.allow.devices = {DeviceRule{'c', 116, 3, "rw", ""}, DeviceRule{'c', 81, 0, "rw", ""}};
  p.allow.files = {FileRule{"/etc/hosts", "r", false, ""}};
  return p;
}

Policy denying() {
  Policy p;
  p.deny.syscalls = {sys("ptrace")};
  p.deny.capabilities = {"net_raw"};
  p.deny.network = {"inet"};
  p.deny.devices = {DeviceRule{'c', 116, -1, "rw", ""}};
  p.deny.files = {FileRule{"/etc/hosts", "rwlkm", false, ""}};
  return p;
}

void expect_denies_win(const Policy& e) {
  EXPECT_FALSE(allows_syscall(e, "ptrace"));
  EXPECT_TRUE(allows_syscall(e, "read"));
  EXPECT_EQ(e.allow.capabilities, (std::set<std::string>{"chown"}));
  // "inet" denies "inet stream" but not "inet6 stream".
  EXPECT_EQ(e.allow.network, (std::set<std::string>{"inet6 stream", "unix"}));
  ASSERT_EQ(e.allow.devices.size(), 1u);
  EXPECT_EQ(e.allow.devices[0].major, 81);
  // File denies stay for AppArmor, where deny wins at the kernel.
  ASSERT_EQ(e.deny.files.size(), 1u);
  EXPECT_EQ(e.deny.files[0].path, "/etc/hosts");
  ASSERT_EQ(e.deny.syscalls.size(), 1u);
  EXPECT_EQ(e.deny.syscalls[0].name, "ptrace");
}

TEST(PolicyModel, DenyOverridesAllowWhenDenyComesSecond) {
  Policy p = allowing();
  p.merge(denying());
  expect_denies_win(p.effective());
}

TEST(PolicyModel, DenyOverridesAllowWhenDenyComesFirst) {
  Policy p = denying();
  p.merge(allowing());
  expect_denies_win(p.effective());
}

TEST(PolicyModel, ConditionalDenyStaysForTheBackendAndKeepsTheAllow) {
  Policy a;
  a.allow.syscalls = {sys("ioctl")};
  Policy d;
  d.deny.syscalls = {sys("ioctl", {ArgCondition{1, ArgCondition::Op::Eq, 0x5412, 0, "TIOCSTI"}})};
  for (bool deny_first : {false, true}) {
    Policy p = deny_first ? d : a;
    p.merge(deny_first ? a : d);
    Policy e = p.effective();
    EXPECT_TRUE(allows_syscall(e, "ioctl"));
    ASSERT_EQ(e.deny.syscalls.size(), 1u);
    EXPECT_EQ(e.deny.syscalls[0].conditions[0].symbol, "TIOCSTI");
  }
}

TEST(PolicyModel, EmptyPolicyAllowsNothing) {
  Policy p;
  EXPECT_TRUE(p.empty());
  Policy e = p.effective();
  EXPECT_TRUE(e.empty());
  EXPECT_TRUE(e.allow.syscalls.empty());
  // Merging an empty policy changes nothing either way.
  Policy a = allowing();
  a.merge(Policy{});
  EXPECT_EQ(a.allow.syscalls.size(), 2u);
  Policy b;
  b.merge(denying());
  EXPECT_TRUE(b.effective().empty());  // only denies: still allows nothing
}

TEST(PolicyModel, MergeDeduplicatesAndKeepsAlternatives) {
  Policy a;
  a.allow.syscalls = {sys("socket", {ArgCondition{0, ArgCondition::Op::Eq, AF_INET, 0, ""}})};
  Policy b = a;
  b.allow.syscalls.push_back(
      sys("socket", {ArgCondition{0, ArgCondition::Op::Eq, AF_UNIX, 0, ""}}));
  a.merge(b);
  EXPECT_EQ(a.allow.syscalls.size(), 2u);
}

TEST(PolicyModel, MergeKeepsRawBlocksWhole) {
  // Two items each with a block ending in "}": both closing braces must stay,
  // or the generated profile would not parse.
  Policy a, b;
  a.apparmor_raw = {"dbus (send) bus=session {", "}"};
  b.apparmor_raw = {"dbus (receive) bus=system {", "}"};
  a.merge(b);
  EXPECT_EQ(a.apparmor_raw, (std::vector<std::string>{"dbus (send) bus=session {", "}",
                                                      "dbus (receive) bus=system {", "}"}));
  a.merge(b);  // the same item included twice adds nothing
  EXPECT_EQ(a.apparmor_raw.size(), 4u);
}

}  // namespace
}  // namespace confine::policy
