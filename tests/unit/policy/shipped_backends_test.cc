// Every shipped template, alone and with every group, becomes an AppArmor
// profile that apparmor_parser compiles and a seccomp filter that the
// compiler accepts: a broken path or rule in the shipped data would
// otherwise only show up at install time.
#include "apparmor/parser.h"
#include "apparmor/profile.h"
#include "policy/library.h"
#include "seccomp/compile.h"
#include "test_support.h"

namespace confine::policy {
namespace {

// Each template alone, with each group, and with the ping flag.
std::vector<std::pair<std::string, Policy>> combinations(const PolicyLibrary& lib) {
  std::vector<std::pair<std::string, Policy>> out;
  for (const auto* t : lib.items(PolicyKind::Template)) {
    std::vector<const PolicyItem*> extras = {nullptr};
    for (const auto* g : lib.items(PolicyKind::Group)) extras.push_back(g);
    extras.push_back(lib.find(PolicyKind::Flag, "ping"));
    for (const auto* extra : extras) {
      Policy p = lib.expand(*t);
      if (extra) p.merge(lib.expand(*extra));
      out.emplace_back(t->source() + (extra ? " + " + extra->source() : ""), p.effective());
    }
  }
  return out;
}

TEST(ShippedPolicySeccomp, EveryTemplateAndGroupCompiles) {
  const auto lib = PolicyLibrary::load(testing::source_path("policy-templates"), "");
  auto all = combinations(lib);
  EXPECT_GT(all.size(), 10u);
  for (const auto& [what, p] : all) {
    seccomp::CompiledFilter f;
    EXPECT_NO_THROW(f = seccomp::compile_policy(p)) << what;
    EXPECT_FALSE(f.image.allow.empty()) << what;
  }
}

TEST(ShippedPolicyAppArmor, EveryTemplateAndGroupCompiles) {
  CONFINE_REQUIRE(!apparmor::parser_path().empty(), "needs apparmor_parser");
  const auto lib = PolicyLibrary::load(testing::source_path("policy-templates"), "");
  testing::TempDir tmp;
  Config config;
  const AppId id{PackageKey{"foo", "bar"}, "app", "1.0"};
  int n = 0;
  for (const auto& [what, p] : combinations(lib)) {
    const std::string file = tmp / ("profile" + std::to_string(n++));
    testing::write_file(file, apparmor::emit_profile(id, p, config));
    EXPECT_NO_THROW(apparmor::validate_profile(file, id, config, what)) << what;
  }
  EXPECT_GT(n, 10);
}

}  // namespace
}  // namespace confine::policy
