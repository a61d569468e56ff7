// `confine templates` and `confine policy APP_ID`, run as a user would.
#include <sys/stat.h>

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace confine {
namespace {

using testing::build_path;
using testing::run;
using testing::TempDir;
using testing::write_file;

class PolicyCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(tmp / "config.json", R"({"templates_dir": ")" +
                                        testing::source_path("policy-templates") +
                                        R"(", "flags_dir": ")" + tmp / "flags.d" +
                                        R"(", "apps_dir": ")" + tmp / "apps" +
                                        R"(", "policy_dir": ")" + tmp / "policy" + R"("})");
    const std::string pkg = tmp / "apps/foo.bar/1.0";
    for (const std::string d : {"apps", "apps/foo.bar", "apps/foo.bar/1.0", "apps/foo.bar/1.0/meta",
                                "apps/foo.bar/1.0/bin"})
      mkdir((tmp / d).c_str(), 0755);
    write_file(pkg + "/bin/app", "#!/bin/sh\n", 0755);
    write_file(pkg + "/meta/package.json", R"({"name": "foo", "version": "1.0",
      "binaries": [
        {"name": "cam", "exec": "bin/app", "caps": ["camera"]},
        {"name": "raw", "exec": "bin/app",
         "security-policy": {"apparmor": "meta/profile", "seccomp": "meta/filter"}},
        {"name": "bad", "exec": "bin/app", "caps": ["no-such-group"]}]})");
    write_file(pkg + "/meta/profile", "profile raw { }\n");
    write_file(pkg + "/meta/filter", "read\nsocket a0 == AF_UNIX\n");
  }
  testing::RunResult confine(std::vector<std::string> args) {
    args.insert(args.begin(), {build_path("launcher/confine"), "--config", tmp / "config.json"});
    return run(args);
  }
  TempDir tmp;
};

TEST_F(PolicyCommands, TemplatesListsEveryItemSortedWithItsDescription) {
  auto r = confine({"templates"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::istringstream in(r.out);
  std::vector<std::string> groups;
  bool in_groups = false;
  for (std::string line; std::getline(in, line);) {
    EXPECT_LE(line.size(), 80u) << line;
    if (line.starts_with("Policy groups"))
      in_groups = true;
    else if (line.empty())
      in_groups = false;
    else if (in_groups)
      groups.push_back(line.substr(2, line.find(' ', 2) - 2));
  }
  EXPECT_EQ(groups, (std::vector<std::string>{"audio-playback", "camera", "home", "network-client",
                                              "network-service", "system-observe",
                                              "toolchain", "unix-sockets"}));
  EXPECT_NE(r.out.find("  default "), std::string::npos);
  EXPECT_NE(r.out.find("  restricted "), std::string::npos);
  EXPECT_NE(r.out.find("    ping "), std::string::npos);
  EXPECT_NE(r.out.find("CAP_NET_RAW"), std::string::npos);  // ping's description
}

TEST_F(PolicyCommands, TemplatesShowsAdministratorsFlagsAndTheirErrors) {
  mkdir((tmp / "flags.d").c_str(), 0755);
  write_file(tmp / "flags.d/site-vpn.json",
             R"({"description": "our VPN", "category": "networking"})");
  auto r = confine({"templates"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Administrator's flags (" + tmp / "flags.d" + "):\n"), std::string::npos);
  EXPECT_NE(r.out.find("site-vpn"), std::string::npos);
  write_file(tmp / "flags.d/site-vpn.json", R"({"description": "our VPN"})");
  r = confine({"templates"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "confine templates: error: " + tmp / "flags.d/site-vpn.json" +
                       ": category: missing (networking, filesystem, runtime, user or misc)\n");
}

TEST_F(PolicyCommands, TemplatesNameShowsWhatAnItemGrants) {
  auto r = confine({"templates", "network-client"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("group network-client (" + testing::source_path("policy-templates") +
                            "/groups/network-client.json)\n",
                        0),
            0u)
      << r.out;
  EXPECT_NE(r.out.find("\nflag dns: "), std::string::npos);
  EXPECT_NE(r.out.find("socket a0 == AF_INET6"), std::string::npos);
  r = confine({"templates", "nosuch"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "confine templates: error: no template, policy group or flag named "
            "\"nosuch\" (run confine templates for the list)\n");
}

TEST_F(PolicyCommands, TemplatesRejectsArguments) {
  auto r = confine({"templates", "dns", "extra"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "confine templates: error: unexpected argument \"extra\"\n"
            "Try 'confine templates --help'.\n");
  EXPECT_EQ(confine({"templates", "--help"}).out.rfind("Usage: confine templates [NAME]\n", 0), 0u);
}

TEST_F(PolicyCommands, PolicyGroupsRulesBySource) {
  auto r = confine({"policy", "foo.bar_cam_1.0"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("security-template: default\ncaps: camera\n"), std::string::npos);
  auto camera = r.out.find("\ngroup camera: ");
  ASSERT_NE(camera, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rwk    /dev/video[0-9]*", camera), std::string::npos);
  EXPECT_NE(r.out.find("devices       c 81:* rw", camera), std::string::npos);
  auto files = r.out.find("\nflag files: ");
  ASSERT_NE(files, std::string::npos);
  EXPECT_NE(r.out.find("deny syscalls ioctl a1 == TIOCSTI", files), std::string::npos);
  // No network cap: no socket rule anywhere.
  EXPECT_EQ(r.out.find("socket a0"), std::string::npos);
  // The layers, in launch order; this app was planted, not installed, so
  // it has no launch record (LayerRegistry.* shows one that has).
  EXPECT_NE(r.out.find("\nlayers (in launch order):\n"
                       "  devices   not in the app's launch record [config: required] " +
                       (tmp / "policy/grants/foo.bar_cam_1.0") +
                       "\n  landlock  not in the app's launch record [config: if-available] "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  seccomp   not in the app's launch record [config: required] " +
                       (tmp / "policy/seccomp/foo.bar_cam_1.0.bpf") +
                       "\n  (no readable launch record: the app does not launch)\n"),
            std::string::npos)
      << r.out;
}

// The same policy for scripts (confine(8), JSON OUTPUT): every rule with
// its source, and the coverage rows of `confine check`.
TEST_F(PolicyCommands, PolicyJsonHasEveryRuleWithItsSource) {
  auto r = confine({"policy", "--json", "foo.bar_cam_1.0"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "confine-policy/1");
  EXPECT_EQ(j["app_id"], "foo.bar_cam_1.0");
  EXPECT_EQ(j["metadata"], tmp / "apps/foo.bar/1.0/meta/package.json");
  EXPECT_EQ(j["entry"], "binaries[0]");
  EXPECT_EQ(j["security_template"], "default");
  EXPECT_EQ(j["caps"], nlohmann::json({"camera"}));
  EXPECT_TRUE(j["security_override"].is_null());
  EXPECT_TRUE(j["security_policy"].is_null());
  bool camera_source = false;
  for (const auto& s : j["sources"])
    camera_source = camera_source || (s["name"] == "group camera" && !s["description"].empty());
  EXPECT_TRUE(camera_source) << j["sources"];
  auto has = [](const nlohmann::json& list, const nlohmann::json& want) {
    for (const auto& x : list) {
      bool all = true;
      for (const auto& [k, v] : want.items()) all = all && x.contains(k) && x[k] == v;
      if (all) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(j["allow"]["files"], {{"path", "/dev/video[0-9]*"}, {"access", "rwk"},
                                        {"source", "group camera"}}))
      << j["allow"]["files"];
  EXPECT_TRUE(has(j["allow"]["devices"],
                  {{"type", "c"}, {"major", 81}, {"minor", -1}, {"source", "group camera"}}));
  EXPECT_TRUE(has(j["deny"]["syscalls"], {{"name", "ioctl"},
                                          {"conditions", nlohmann::json({"a1 == TIOCSTI"})},
                                          {"source", "flag files"}}))
      << j["deny"]["syscalls"];
  // No network cap: no socket rule.
  EXPECT_FALSE(has(j["allow"]["syscalls"], {{"name", "socket"}}));
  // Landlock cuts a glob at a variable it does not substitute as it cuts
  // at a wildcard: the locale flag's gconv rule grants all of /usr/lib/.
  EXPECT_TRUE(has(j["landlock"], {{"path", "/usr/lib/{,@{multiarch}/}gconv/**"},
                                  {"holds", "all of /usr/lib/ (wider than the pattern)"}}))
      << j["landlock"];
  ASSERT_EQ(j["layers"].size(), 4u) << j["layers"];
  EXPECT_EQ(j["layers"][0], nlohmann::json({{"layer", "devices"},
                                            {"mode", "required"},
                                            {"artifact", tmp / "policy/grants/foo.bar_cam_1.0"},
                                            {"in_record", false}}));
  EXPECT_EQ(j["layers"][3]["layer"], "seccomp");
  ASSERT_FALSE(j["coverage"].empty());
  for (const auto& row : j["coverage"]) {
    EXPECT_TRUE(row.contains("class") && row.contains("root_run") && row.contains("user_run"));
    EXPECT_EQ(row["root_run"]["holding"].is_string(), true);
  }

  r = confine({"policy", "foo.bar_raw_1.0", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto raw = nlohmann::json::parse(r.out);
  EXPECT_EQ(raw["security_policy"]["apparmor"], "meta/profile");
  EXPECT_EQ(raw["apparmor_profile"], "profile raw { }\n");
  EXPECT_TRUE(has(raw["allow"]["syscalls"],
                  {{"name", "socket"}, {"conditions", nlohmann::json({"a0 == AF_UNIX"})}}))
      << raw["allow"]["syscalls"];
  // Errors stay errors, on stderr, with nothing on stdout.
  r = confine({"policy", "--json", "foo.bar_bad_1.0"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.out.empty());
  r = confine({"policy", "--json"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "confine policy: error: missing APP_ID\nTry 'confine policy --help'.\n");
}

TEST_F(PolicyCommands, PolicyShowsRawPolicy) {
  auto r = confine({"policy", "foo.bar_raw_1.0"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("security-policy: hand-written raw policy"), std::string::npos);
  EXPECT_NE(r.out.find("socket a0 == AF_UNIX"), std::string::npos);
  EXPECT_NE(r.out.find("AppArmor profile (verbatim)\nprofile raw { }\n"), std::string::npos);
}

TEST_F(PolicyCommands, PolicyErrors) {
  auto r = confine({"policy", "foo.bar_bad_1.0"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "confine policy: error: " + tmp / "apps/foo.bar/1.0/meta/package.json" +
                       ": binaries[2].caps[0]: unknown policy group \"no-such-group\" (see "
                       "confine templates)\n");
  r = confine({"policy", "foo.bar_none_1.0"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("no service or binary named \"none\""), std::string::npos) << r.err;
  r = confine({"policy"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "confine policy: error: missing APP_ID\nTry 'confine policy --help'.\n");
  r = confine({"policy", "foo.bar_cam_2.0"});  // not installed
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "confine policy: error: foo.bar_cam_2.0: not installed (no " +
                       tmp / "apps/foo.bar/2.0" + ")\n");
  EXPECT_TRUE(r.out.empty());
}

}  // namespace
}  // namespace confine
