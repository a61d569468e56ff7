// The access-class table and the coverage rules (core/coverage.h), in the
// style of systemd's filter-set table tests: the table is well formed, and
// each kernel shape gives the holders and gaps confine(8) documents.
#include "core/coverage.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/config.h"
#include "core/launch_record.h"

namespace confine {
namespace {

TEST(AccessClasses, TableIsInEnumOrderWithUniqueNamesAndDescriptions) {
  const auto& t = access_classes();
  ASSERT_EQ(t.size(), static_cast<size_t>(AccessClass::AnonymousExec) + 1);
  std::set<std::string> names;
  for (size_t i = 0; i < t.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(t[i].id), i) << t[i].name;
    EXPECT_TRUE(names.insert(t[i].name).second) << "duplicate " << t[i].name;
    EXPECT_FALSE(std::string(t[i].description).empty()) << t[i].name;
    EXPECT_EQ(access_class_from_name(t[i].name), t[i].id);
    EXPECT_EQ(to_string(t[i].id), t[i].name);
    // Names are what administrators type into accept_gaps.
    for (char c : std::string(t[i].name)) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '-') << c;
  }
  EXPECT_FALSE(access_class_from_name("files"));
  EXPECT_FALSE(access_class_from_name(""));
}

// The layers of this host: seccomp, device cgroup, Landlock ABI 7; no AppArmor.
// The root program is stacked for root; for another uid only when
// `metadata_program` (the default configuration; not with accept_gaps
// listing file-metadata).
LayerFacts landlock_host(bool root, bool metadata_program = false) {
  LayerFacts l;
  l.seccomp = true;
  l.seccomp_root = root;
  l.seccomp_metadata = root || metadata_program;
  l.landlock_files = true;
  l.landlock_scopes_abi = 7;
  l.devices = true;
  l.privileges = true;
  return l;
}

LayerFacts apparmor_host(bool root) {
  LayerFacts l;
  l.seccomp = true;
  l.seccomp_root = root;
  l.seccomp_metadata = root;
  l.apparmor = true;
  l.apparmor_signal = true;
  l.apparmor_ptrace = true;
  l.apparmor_veil = true;
  l.devices = true;
  l.privileges = true;
  return l;
}

const CoverageRow& row(const std::vector<CoverageRow>& rows, AccessClass c) {
  for (const auto& r : rows)
    if (r.cls == c) return r;
  throw std::runtime_error("no row");
}

std::set<std::string> gaps(const std::vector<CoverageRow>& rows) {
  std::set<std::string> g;
  for (const auto& r : rows)
    if (r.holding == Holding::Gap) g.insert(std::string(to_string(r.cls)));
  return g;
}

TEST(Coverage, EveryClassHasARowInTableOrder) {
  auto rows = coverage(LayerFacts{}, AppFacts{});
  ASSERT_EQ(rows.size(), access_classes().size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].cls, access_classes()[i].id);
}

TEST(Coverage, LandlockHostHoldsEverythingForRootApps) {
  AppFacts app;
  app.root = true;
  auto rows = coverage(landlock_host(true), app);
  EXPECT_EQ(gaps(rows), std::set<std::string>{});
  EXPECT_EQ(describe_holding(row(rows, AccessClass::FileAccess)), "landlock");
  EXPECT_EQ(describe_holding(row(rows, AccessClass::FileMetadata)), "seccomp");
  EXPECT_EQ(describe_holding(row(rows, AccessClass::UnixAbstract)), "seccomp, landlock");
  EXPECT_EQ(describe_holding(row(rows, AccessClass::Signals)), "landlock");
}

// Landlock cannot restrict chmod/chown/utime/xattrs, and a non-root uid
// owns files outside the app: by default seccomp's root program refuses
// them all for a user-run app too...
TEST(Coverage, LandlockHostHoldsFileMetadataOfUserAppsBySeccomp) {
  auto rows = coverage(landlock_host(false, true), AppFacts{});
  EXPECT_EQ(gaps(rows), std::set<std::string>{});
  EXPECT_EQ(describe_holding(row(rows, AccessClass::FileMetadata)), "seccomp");
}

// ...and without it (accept_gaps lists file-metadata) that is the one gap
// of a Landlock kernel.
TEST(Coverage, LandlockHostLeavesFileMetadataOfUserAppsAGap) {
  auto rows = coverage(landlock_host(false), AppFacts{});
  EXPECT_EQ(gaps(rows), std::set<std::string>{"file-metadata"});
  EXPECT_NE(row(rows, AccessClass::FileMetadata).note.find("Landlock has no right"),
            std::string::npos);
}

// A service run as its package user owns nothing outside what its policy
// lets it write: the kernel's ownership rules hold its file metadata.
TEST(Coverage, PackageUserFileMetadataIsHeldByOwnership) {
  AppFacts app;
  app.package_user = true;
  auto rows = coverage(landlock_host(false), app);
  EXPECT_EQ(gaps(rows), std::set<std::string>{});
  EXPECT_EQ(describe_holding(row(rows, AccessClass::FileMetadata)), "ownership");
}

TEST(Coverage, AppArmorHostHoldsEverything) {
  for (bool root : {false, true}) {
    AppFacts app;
    app.root = root;
    auto rows = coverage(apparmor_host(root), app);
    EXPECT_EQ(gaps(rows), std::set<std::string>{}) << root;
    EXPECT_EQ(describe_holding(row(rows, AccessClass::FileMetadata)),
              root ? "apparmor, seccomp" : "apparmor");
    EXPECT_EQ(describe_holding(row(rows, AccessClass::Signals)),
              "apparmor (not the existence probe of other confined processes, signal 0)");
    EXPECT_EQ(describe_holding(row(rows, AccessClass::FileAccess)), "apparmor, landlock");
  }
}

// AppArmor's profile names the ptys (inherited descriptors are checked at
// exec) and its "w" includes unlink: without Landlock's veil under it, the
// app opens other sessions' ptys by name. A gap, never silent.
TEST(Coverage, AppArmorWithoutLandlockLeavesFileAccessAGap) {
  LayerFacts l = apparmor_host(true);
  l.apparmor_veil = false;
  AppFacts app;
  app.root = true;
  auto rows = coverage(l, app);
  EXPECT_EQ(gaps(rows), std::set<std::string>{"file-access"});
  EXPECT_NE(row(rows, AccessClass::FileAccess).note.find("ptys by name"), std::string::npos);
}

// Before ABI 6 nothing on a kernel without AppArmor keeps signals in.
TEST(Coverage, LandlockWithoutScopesLeavesSignalsAGap) {
  LayerFacts l = landlock_host(true);
  l.landlock_scopes_abi = 0;
  AppFacts app;
  app.root = true;
  EXPECT_EQ(gaps(coverage(l, app)), std::set<std::string>{"signals"});
  // ...and abstract sockets, once the policy allows unix sockets.
  app.seccomp_allows = {AccessClass::UnixPathname, AccessClass::UnixAbstract};
  EXPECT_EQ(gaps(coverage(l, app)), (std::set<std::string>{"signals", "unix-abstract"}));
}

TEST(Coverage, NoFileLayerLeavesFileAccessAGap) {
  LayerFacts l = landlock_host(true);
  l.landlock_files = false;
  AppFacts app;
  app.root = true;
  EXPECT_EQ(gaps(coverage(l, app)), std::set<std::string>{"file-access"});
}

TEST(Coverage, WithoutSeccompItsClassesAreGaps) {
  LayerFacts l = landlock_host(true);
  l.seccomp = l.seccomp_root = l.seccomp_metadata = false;
  AppFacts app;
  app.root = true;
  // (network and unix sockets: AppArmor would hold them; not here.)
  EXPECT_EQ(gaps(coverage(l, app)),
            (std::set<std::string>{"file-metadata", "unix-pathname", "scheduling", "network",
                                   "mount-namespaces", "anonymous-exec"}));
}

TEST(Coverage, UnixSocketsAllowedMakesPathnamesGrantedNotHeld) {
  AppFacts app;
  app.root = true;
  app.seccomp_allows = {AccessClass::UnixPathname, AccessClass::UnixAbstract};
  auto rows = coverage(landlock_host(true), app);
  EXPECT_EQ(row(rows, AccessClass::UnixPathname).holding, Holding::Granted);
  EXPECT_EQ(describe_holding(row(rows, AccessClass::UnixAbstract)), "landlock");
  EXPECT_EQ(gaps(rows), std::set<std::string>{});
}

// A class the filter lets through is not counted for seccomp.
TEST(Coverage, SeccompHoldsOnlyWhatTheFilterRefuses) {
  AppFacts app;
  app.root = true;
  app.seccomp_allows = {AccessClass::Scheduling, AccessClass::MountNamespaces};
  EXPECT_EQ(gaps(coverage(landlock_host(true), app)),
            (std::set<std::string>{"scheduling", "mount-namespaces"}));
}

TEST(ConfigAcceptGaps, NamesAreCheckedAndKept) {
  auto c = parse_config(R"({"accept_gaps": ["file-metadata", "signals"]})", "/etc/c.json");
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->accept_gaps, (std::vector<AccessClass>{AccessClass::FileMetadata,
                                                      AccessClass::Signals}));
  auto bad = parse_config(R"({"accept_gaps": ["chmod"]})", "/etc/c.json");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().describe().find("/etc/c.json: accept_gaps: \"chmod\" is not an access class"),
            std::string::npos)
      << bad.error().describe();
  EXPECT_FALSE(parse_config(R"({"accept_gaps": "file-metadata"})", "/etc/c.json"));
  EXPECT_FALSE(parse_config(R"({"accept_gaps": [1]})", "/etc/c.json"));
  EXPECT_TRUE(parse_config("{}", "/etc/c.json")->accept_gaps.empty());
}

// The launch record carries what the filter lets through; a record of an
// older install (no key) says nothing, and confine-run then counts every
// class as let through.
TEST(LaunchRecordSeccompAllows, RoundTripsAndRefusesUnknownClasses) {
  const std::string base = "format=1\napp_id=hello.example_cli_1.0\ntype=app\nexec=bin/cli\nlayers=seccomp\n";
  auto r = LaunchRecord::parse(base + "seccomp_allows=unix-pathname,unix-abstract\n", "/rec");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->seccomp_allows_known);
  EXPECT_EQ(r->seccomp_allows,
            (std::vector<AccessClass>{AccessClass::UnixPathname, AccessClass::UnixAbstract}));
  auto back = LaunchRecord::parse(r->serialize(), "/rec");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->seccomp_allows, r->seccomp_allows);
  auto old = LaunchRecord::parse(base, "/rec");
  ASSERT_TRUE(old);
  EXPECT_FALSE(old->seccomp_allows_known);
  auto bad = LaunchRecord::parse(base + "seccomp_allows=unix\n", "/rec");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().describe(), "/rec: seccomp_allows: unknown access class \"unix\"");
}

}  // namespace
}  // namespace confine
