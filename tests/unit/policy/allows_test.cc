// seccomp_allowed_classes: which access classes an app's filter lets
// through, for the shipped templates and groups and for hand-made rules.
#include "policy/allows.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <filesystem>

#include "policy/resolve.h"
#include "test_support.h"

namespace confine::policy {
namespace {

using testing::TempDir;

std::vector<AccessClass> shipped(const std::string& tmpl, const std::vector<std::string>& caps) {
  TempDir tmp;
  Config config;
  config.templates_dir = testing::source_path("policy-templates");
  config.flags_dir = tmp / "flags.d";
  install::PackageMeta meta;
  meta.file = tmp / "pkg/meta/package.json";
  meta.name = "foo";
  meta.version = "1.0";
  meta.origin = "bar";
  install::AppEntry app;
  app.name = "app";
  app.exec = "bin/app";
  app.json_path = "binaries[0]";
  app.security_template = tmpl;
  app.caps = caps;
  std::filesystem::create_directories(tmp / "pkg");
  return seccomp_allowed_classes(resolve_app(config, meta, app, tmp / "pkg").policy, false);
}

const std::vector<AccessClass> kUnix = {AccessClass::UnixPathname, AccessClass::UnixAbstract};

// The shipped policy lets no class through seccomp except unix sockets,
// and those only with a group that connects to local services (and never
// under the restricted template, whose deny wins).
TEST(SeccompAllowed, ShippedPolicyLetsOnlyUnixSocketsThroughAndOnlyWithTheirGroups) {
  for (const char* tmpl : {"default", "restricted"}) {
    const bool restricted = std::string(tmpl) == "restricted";
    EXPECT_EQ(shipped(tmpl, {}), std::vector<AccessClass>{}) << tmpl;
    for (const char* group : {"network-client", "network-service", "home", "system-observe",
                              "camera"})
      EXPECT_EQ(shipped(tmpl, {group}), std::vector<AccessClass>{}) << tmpl << " " << group;
    for (const char* group : {"unix-sockets", "audio-playback"})
      EXPECT_EQ(shipped(tmpl, {group}), restricted ? std::vector<AccessClass>{} : kUnix)
          << tmpl << " " << group;
  }
}

SyscallRule rule(const std::string& name, std::vector<ArgCondition> c = {}) {
  SyscallRule r;
  r.name = name;
  r.conditions = std::move(c);
  return r;
}

ArgCondition eq(unsigned index, uint64_t value) {
  ArgCondition c;
  c.index = index;
  c.value = value;
  return c;
}

ArgCondition masked(unsigned index, uint64_t mask, uint64_t value) {
  ArgCondition c;
  c.index = index;
  c.op = ArgCondition::Op::MaskedEq;
  c.mask = mask;
  c.value = value;
  return c;
}

std::vector<AccessClass> of(const Policy& p) { return seccomp_allowed_classes(p, false); }

TEST(SeccompAllowed, OtherProcessesPriorityUnlessPinnedToSelf) {
  Policy p;
  p.allow.syscalls = {rule("setpriority", {eq(0, 0), eq(1, 0)}), rule("prlimit64", {eq(0, 0)}),
                      rule("sched_setaffinity", {eq(0, 0)})};
  EXPECT_EQ(of(p), std::vector<AccessClass>{});
  p.allow.syscalls.push_back(rule("setpriority"));
  EXPECT_EQ(of(p), std::vector<AccessClass>{AccessClass::Scheduling});
  p.allow.syscalls = {rule("sched_setscheduler", {eq(0, 42)})};
  EXPECT_EQ(of(p), std::vector<AccessClass>{AccessClass::Scheduling});
}

TEST(SeccompAllowed, CloneWithoutEveryNamespaceDenyOrUnshareLetsNamespacesThrough) {
  Policy p;
  p.allow.syscalls = {rule("clone")};
  for (uint64_t f : {CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID,
                     CLONE_NEWUSER, CLONE_NEWUTS})
    p.deny.syscalls.push_back(rule("clone", {masked(0, f, f)}));
  EXPECT_EQ(of(p), std::vector<AccessClass>{});
  p.deny.syscalls.pop_back();  // CLONE_NEWUTS is let through
  EXPECT_EQ(of(p), std::vector<AccessClass>{AccessClass::MountNamespaces});
  Policy u;
  u.allow.syscalls = {rule("unshare")};
  EXPECT_EQ(of(u), std::vector<AccessClass>{AccessClass::MountNamespaces});
}

TEST(SeccompAllowed, ExecOfDescriptorsAndExecutableMemfds) {
  Policy p;
  p.allow.syscalls = {rule("execveat"), rule("memfd_create")};
  p.deny.syscalls = {rule("execveat", {masked(4, AT_EMPTY_PATH, AT_EMPTY_PATH)}),
                     rule("memfd_create", {masked(1, 0x8, 0)})};
  EXPECT_EQ(of(p), std::vector<AccessClass>{});
  p.deny.syscalls.pop_back();
  EXPECT_EQ(of(p), std::vector<AccessClass>{AccessClass::AnonymousExec});
}

TEST(SeccompAllowed, PtraceAndUnixSockets) {
  Policy p;
  p.allow.syscalls = {rule("socket", {eq(0, AF_INET)}), rule("socketpair")};
  EXPECT_EQ(of(p), std::vector<AccessClass>{});
  p.allow.syscalls.push_back(rule("process_vm_readv"));
  EXPECT_EQ(of(p), std::vector<AccessClass>{AccessClass::Ptrace});
  p.allow.syscalls = {rule("socket")};
  EXPECT_EQ(of(p), kUnix);
}

TEST(SeccompAllowed, RawSeccompPolicyLetsEveryClassThrough) {
  EXPECT_EQ(seccomp_allowed_classes(Policy{}, true).size(), access_classes().size());
}

}  // namespace
}  // namespace confine::policy
