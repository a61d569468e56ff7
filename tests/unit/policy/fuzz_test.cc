// The parsers of text a package author or administrator writes (override
// and raw seccomp lists, AppArmor snippets, policy files) are fed damaged
// input: only ConfineError may come out, never a crash or another exception.
#include <random>

#include "core/error.h"
#include "policy/language.h"
#include "policy/resolve.h"
#include "policy/syscall_rules.h"
#include "test_support.h"

namespace confine::policy {
namespace {

std::string mutate(std::string s, std::mt19937& rng) {
  static const std::string alphabet = "{}[]\",:#&|=!<>-0x1aA_ \n\t\x01\x7f\xff@*?/.^";
  std::uniform_int_distribution<int> op(0, 3), byte(0, 255);
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    size_t at = rng() % s.size();
    switch (op(rng)) {
      case 0:
        s.erase(at, 1 + rng() % 8);
        break;
      case 1:
        s.insert(at, 1, alphabet[rng() % alphabet.size()]);
        break;
      case 2:
        s[at] = static_cast<char>(byte(rng));
        break;
      default:
        s.insert(at, s.substr(rng() % s.size(), rng() % 16));
    }
  }
  return s;
}

template <class F>
void fuzz(const std::string& seed, F parse, int rounds = 3000) {
  std::mt19937 rng(12345);
  parse(seed);  // the seed itself is valid
  for (int i = 0; i < rounds; ++i) {
    std::string input = mutate(seed, rng);
    try {
      parse(input);
    } catch (const ConfineError&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << "unexpected " << e.what() << " for input:\n" << input;
      return;
    }
  }
}

TEST(PolicyFuzz, SyscallTextOnlyThrowsConfineError) {
  fuzz(
      "# c\nread\nsocket a0 == AF_INET a1 & SOCK_TYPE_MASK == SOCK_STREAM\n"
      "ioctl a1 != 0x5412\ndeny optional ptrace\npersonality a0 <= -1\n",
      [](const std::string& t) { parse_syscall_text(t, "f", "s"); });
}

TEST(PolicyFuzz, PolicyFilesOnlyThrowConfineError) {
  const std::string seed =
      testing::read_file(testing::source_path("policy-templates/flags/ping.json"));
  fuzz(seed, [](const std::string& t) { parse_policy_item(t, "f", PolicyKind::Flag, "f"); });
  const std::string files =
      testing::read_file(testing::source_path("policy-templates/groups/audio-playback.json"));
  fuzz(files, [](const std::string& t) { parse_policy_item(t, "f", PolicyKind::Group, "g"); });
}

TEST(PolicyFuzz, OverrideFilesOnlyThrowConfineError) {
  testing::TempDir tmp;
  Config config;
  config.templates_dir = testing::source_path("policy-templates");
  config.flags_dir = tmp / "none";
  install::PackageMeta meta;
  meta.file = "package.json";
  install::AppEntry app;
  app.json_path = "binaries[0]";
  app.security_override = install::SecurityFiles{"o.apparmor", "o.seccomp"};
  testing::write_file(tmp / "o.seccomp", "read\n");
  fuzz(
      "/srv/** r,\ndbus (send) bus=session {\n  # c\n}\n@{HOME}/x rw,\n",
      [&](const std::string& t) {
        testing::write_file(tmp / "o.apparmor", t);
        resolve_app(config, meta, app, tmp.path());
      },
      300);
}

}  // namespace
}  // namespace confine::policy
