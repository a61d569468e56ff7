// `confine export` on an installed sample: its errors, and the oci-config
// fragment (process, devices) that the equivalence test then runs.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "sample_install.h"

namespace confine::testing {
namespace {

using nlohmann::json;

class ExportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(is_root(), "confine install needs root-owned policy dirs");
    ASSERT_TRUE(s_.install("1.0", {{"show", "bin/show"}}));
  }
  RunResult confine(std::vector<std::string> args) {
    args.insert(args.begin(), {build_path("launcher/confine"), "--config", s_.config_path(), "export"});
    return run(args);
  }
  SampleInstall s_;
};

TEST_F(ExportCli, BadUsageIsExit2NamingTheProblem) {
  const std::string id = s_.app_id("show", "1.0");
  RunResult r = confine({id});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("missing --format"), std::string::npos) << r.err;
  r = confine({id, "--format", "docker"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown format \"docker\""), std::string::npos) << r.err;
  r = confine({id, "--format", "kubernetes"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--output"), std::string::npos) << r.err;
  r = confine({"--format", "oci-seccomp"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("missing APP_ID"), std::string::npos) << r.err;
}

// The export is the caller's file, not confine's state: the caller's umask
// applies to it (confine sets 022 for what confine-run reads).
TEST_F(ExportCli, TheBundleFollowsTheCallersUmask) {
  const std::string out = s_.dir() / "out/sub";
  const mode_t old = ::umask(077);
  RunResult r = confine({s_.app_id("show", "1.0"), "--format", "oci-config", "--output", out});
  ::umask(old);
  ASSERT_EQ(r.status, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat((s_.dir() / "out").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST_F(ExportCli, UnknownAppIsAnErrorNamingIt) {
  RunResult r = confine({s_.app_id("nosuch", "1.0"), "--format", "oci-seccomp"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("nosuch"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(ExportCli, SeccompToStdoutAndWhatIsNotExportedOnStderr) {
  RunResult r = confine({s_.app_id("show", "1.0"), "--format", "oci-seccomp"});
  ASSERT_EQ(r.status, 0) << r.err;
  json p = json::parse(r.out);
  EXPECT_EQ(p["defaultAction"], "SCMP_ACT_ERRNO");
  EXPECT_FALSE(p["syscalls"].empty());
  EXPECT_NE(r.err.find("confine export: not exported: seccomp:"), std::string::npos) << r.err;
}

TEST_F(ExportCli, OciConfigHasTheLaunchOfConfineRun) {
  const std::string id = s_.app_id("show", "1.0");
  RunResult r = confine({id, "--format", "oci-config", "--output", s_.dir() / "out"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, s_.dir() / "out/config.json\n");
  json c = json::parse(read_file(s_.dir() / "out/config.json"));
  const json& proc = c["process"];
  EXPECT_EQ(proc["args"], json({s_.install_dir("1.0") + "/bin/show"}));
  EXPECT_EQ(proc["cwd"], s_.install_dir("1.0"));
  EXPECT_EQ(proc["noNewPrivileges"], true);
  EXPECT_EQ(proc["apparmorProfile"], id);
  EXPECT_EQ(proc["capabilities"]["bounding"], json::array());
  EXPECT_EQ(proc["capabilities"]["effective"], json::array());
  bool app_id = false;
  for (const auto& e : proc["env"]) app_id |= e == "CONFINE_APP_ID=" + id;
  EXPECT_TRUE(app_id) << proc["env"].dump();
  const json& devs = c["linux"]["resources"]["devices"];
  ASSERT_GE(devs.size(), 2u);
  EXPECT_EQ(devs[0], json::parse(R"({"allow":false,"access":"rwm"})"));
  EXPECT_NE(std::find(devs.begin(), devs.end(),
                      json::parse(R"({"allow":true,"type":"c","major":1,"minor":3,"access":"rw"})")),
            devs.end())
      << "/dev/null, a default rule of the device cgroup";
  EXPECT_EQ(c["linux"]["seccomp"]["defaultAction"], "SCMP_ACT_ERRNO");
  EXPECT_NE(r.err.find("Landlock"), std::string::npos) << "file rules have no OCI field: " << r.err;
}

}  // namespace
}  // namespace confine::testing
