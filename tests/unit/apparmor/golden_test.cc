// Golden profiles: the AppArmor profile generated for every shipped template
// (alone), for the default template with each shipped policy group (and
// with all of them) and with devices assigned by hw-assign, resolved by the real policy resolver
// from the files in policy-templates/. Each is compared with tests/unit/apparmor/golden/ and
// compiled by apparmor_parser -Q.
//
// After a deliberate change to the emitter or to policy-templates/,
// regenerate and review:
//   CONFINE_UPDATE_GOLDEN=1 build/tests/unit/apparmor/apparmor_test
//       --gtest_filter='ApparmorGolden.*'     (one command line)
//   git diff tests/unit/apparmor/golden/
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "apparmor/profile.h"
#include "apparmor_test_util.h"
#include "policy/library.h"
#include "policy/resolve.h"

namespace confine::apparmor {
namespace {

namespace fs = std::filesystem;
using confine::testing::read_file;
using confine::testing::source_path;

bool updating() {
  const char* v = std::getenv("CONFINE_UPDATE_GOLDEN");
  return v && *v && std::string(v) != "0";
}

std::string golden_dir() {
  return source_path("tests/unit/apparmor/golden");
}

struct Combination {
  std::string file;  // golden file name
  std::string tmpl;
  std::vector<std::string> caps;
  std::vector<AssignedDevice> assigned;
};

// Every template alone, and the default template with each group and with
// all groups.
std::vector<Combination> combinations(const Config& config) {
  auto lib = policy::PolicyLibrary::load(config.templates_dir, config.flags_dir);
  std::vector<Combination> out;
  for (const auto* t : lib.items(policy::PolicyKind::Template))
    out.push_back({t->name + ".profile", t->name, {}, {}});
  std::vector<std::string> all;
  for (const auto* g : lib.items(policy::PolicyKind::Group)) {
    out.push_back({"default+" + g->name + ".profile", "default", {g->name}, {}});
    all.push_back(g->name);
  }
  if (all.size() > 1) out.push_back({"default+all-groups.profile", "default", all, {}});
  // hw-assign: read, write and read-write nodes; an mknod-only assignment
  // has no file rule.
  out.push_back({"default+assigned-devices.profile",
                 "default",
                 {},
                 {{"/dev/loop-control", "rw"},
                  {"/dev/snd/pcmC0D0p", "r"},
                  {"/dev/ttyUSB0", "w"},
                  {"/dev/bus/usb/001/002", "rwm"},
                  {"/dev/sdb", "m"}}});
  return out;
}

Config golden_config() {
  Config c;  // default layout: the goldens show the paths a real system gets
  c.templates_dir = source_path("policy-templates");
  c.flags_dir = source_path("tests/unit/apparmor/no-such-flags-dir");
  return c;
}

std::string generate(const Combination& comb, const Config& config) {
  install::PackageMeta meta;
  meta.file = "golden/meta/package.json";
  meta.name = "golden";
  meta.origin = "test";
  meta.version = "1.0";
  install::AppEntry app;
  app.name = "app";
  app.exec = "bin/app";
  app.json_path = "binaries[0]";
  app.security_template = comb.tmpl;
  app.caps = comb.caps;
  policy::ResolvedApp r = policy::resolve_app(config, meta, app, "/nonexistent");
  return emit_profile(meta.app_id(app), r.policy, config, comb.assigned);
}

TEST(ApparmorGolden, EveryTemplateAndGroupMatchesItsGoldenProfile) {
  const Config config = golden_config();
  const auto combs = combinations(config);
  // confine-package(5): "default" is the template of every app that names none.
  ASSERT_TRUE(std::any_of(combs.begin(), combs.end(), [](const Combination& c) {
    return c.file == "default.profile";
  })) << "no template \"default\" in policy-templates/templates";
  if (updating()) fs::create_directories(golden_dir());
  const AppId id{PackageKey{"golden", "test"}, "app", "1.0"};
  for (const auto& comb : combs) {
    SCOPED_TRACE(comb.file);
    const std::string text = generate(comb, config);
    const std::string path = golden_dir() + "/" + comb.file;
    if (updating()) confine::testing::write_file(path, text);
    ASSERT_TRUE(fs::exists(path)) << "missing golden file " << path
                                  << " (regenerate: see golden_test.cc)";
    EXPECT_EQ(text, read_file(path))
        << "profile differs from " << path << " (if intended, regenerate: see golden_test.cc)";
    testing_util::expect_parser_accepts(text, id, config);
  }
}

TEST(ApparmorGolden, NoStaleGoldenFiles) {
  const auto combs = combinations(golden_config());
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(golden_dir(), ec)) {
    const std::string name = e.path().filename();
    if (updating() && name.ends_with(".profile") &&
        std::none_of(combs.begin(), combs.end(),
                     [&](const Combination& c) { return c.file == name; }))
      fs::remove(e.path());
    else
      EXPECT_TRUE(std::any_of(combs.begin(), combs.end(),
                              [&](const Combination& c) { return c.file == name; }))
          << name << " matches no shipped template or group";
  }
}

}  // namespace
}  // namespace confine::apparmor
