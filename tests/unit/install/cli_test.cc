// `confine install|list|remove` as a user runs them: the built binary, a
// throw-away config, the sample package examples/hello, and the real steps.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace confine::install {
namespace {

class CliTest : public ::testing::Test {
 protected:
  CliTest() {
    testing::write_file(root_ / "config.json", R"({
      "apps_dir": ")" + root_ / "apps" + R"(",
      "data_dir": ")" + root_ / "data" + R"(",
      "policy_dir": ")" + root_ / "policy" + R"(",
      "units_dir": ")" + root_ / "units" + R"(",
      "tmp_dir": ")" + root_ / "tmp" + R"(",
      "flags_dir": ")" + root_ / "flags.d" + R"(",
      "accounts_root": ")" + testing::make_accounts_root(root_ / "accounts") + R"(",
      "templates_dir": ")" + testing::source_path("policy-templates") +
                                                   R"("})");
  }
  testing::RunResult confine(std::vector<std::string> args) {
    args.insert(args.begin(),
                {testing::build_path("launcher/confine"), "--config", root_ / "config.json"});
    return testing::run(args);
  }
  testing::TempDir root_;
  const std::string hello_ = testing::source_path("examples/hello");
};

TEST_F(CliTest, InstallListRemove) {
  auto r = confine({"install", "--origin", "example", hello_});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "installed hello.example 1.0\n  hello.example_daemon_1.0 (service "
            "confine-hello.example_daemon.service)\n  hello.example_hello_1.0\n");

  r = confine({"list"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "hello.example 1.0 (current)\n  hello.example_daemon_1.0\n  hello.example_hello_1.0\n");

  // The same for scripts (confine(8), JSON OUTPUT).
  r = confine({"list", "--json"});
  EXPECT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "confine-list/1");
  ASSERT_EQ(j["packages"].size(), 1u) << r.out;
  EXPECT_EQ(j["packages"][0]["key"], "hello.example");
  ASSERT_EQ(j["packages"][0]["versions"].size(), 1u);
  EXPECT_EQ(j["packages"][0]["versions"][0]["version"], "1.0");
  EXPECT_EQ(j["packages"][0]["versions"][0]["current"], true);
  EXPECT_EQ(j["packages"][0]["versions"][0]["apps"],
            nlohmann::json({"hello.example_daemon_1.0", "hello.example_hello_1.0"}));

  r = confine({"install", "--origin=example", hello_});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')),
            "installed hello.example 1.0 (already installed; policy regenerated)");

  r = confine({"remove", "hello.example"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "removed hello.example 1.0\n  hello.example_daemon_1.0\n  hello.example_hello_1.0\n");
  r = confine({"list"});
  EXPECT_EQ(r.out, "no packages installed\n");
  EXPECT_EQ(nlohmann::json::parse(confine({"list", "--json"}).out),
            nlohmann::json::parse(R"({"schema": "confine-list/1", "packages": []})"));
}

TEST_F(CliTest, ErrorsNameTheCommandAndChangeNothing) {
  auto r = confine({"install", hello_});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "confine install: error: " + hello_ +
                       "/meta/package.json: type: a package of type app needs --origin ORIGIN\n");
  EXPECT_EQ(confine({"list"}).out, "no packages installed\n");

  r = confine({"install"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "confine install: error: no package directory given\nTry 'confine install --help'.\n");
  r = confine({"install", "--origin", "example", hello_, "extra"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.substr(0, r.err.find('\n')),
            "confine install: error: unexpected argument \"extra\"");

  r = confine({"remove", "Hello"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "confine remove: error: invalid package name \"Hello\": must match "
            "^[a-z0-9](-?[a-z0-9])*$\n");
  r = confine({"remove", "hello.example"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "confine remove: error: hello.example is not installed\n");
  r = confine({"list", "x"});
  EXPECT_EQ(r.status, 2);
}

TEST_F(CliTest, EveryCommandHasHelp) {
  for (const char* cmd : {"install", "remove", "list"}) {
    SCOPED_TRACE(cmd);
    auto r = confine({cmd, "--help"});
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out.rfind(std::string("Usage: confine ") + cmd, 0), 0u) << r.out;
  }
}

}  // namespace
}  // namespace confine::install
