// `confine export --format kubernetes`: the Pod and Deployment validate
// against the Kubernetes API's OpenAPI schema (kubernetes-models under node;
// npm fetches it into the build dir on first use), they name the node files
// the export wrote, and a manifest the schema refuses is refused (the
// validator can fail).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "sample_install.h"

namespace confine::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// kubernetes-models 4.5 is the newest that runs on Debian 12's node 18 and
// knows securityContext.appArmorProfile (Kubernetes 1.30).
constexpr char kModels[] = "kubernetes-models@4.5.1";

std::string which(const std::string& prog) {
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
    std::string p = std::string(dir) + "/" + prog;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

TEST(ExportKubernetes, ManifestsValidateAgainstTheApiSchema) {
  CONFINE_REQUIRE(is_root(), "confine install needs root-owned policy dirs");
  const std::string node = which("node"), npm = which("npm");
  CONFINE_REQUIRE(!node.empty() && !npm.empty(), "node and npm are not installed");

  SampleInstall s;
  ASSERT_TRUE(s.install("1.0", {{"show", "bin/show"}}));
  const std::string id = s.app_id("show", "1.0");
  const std::string out = s.dir() / "k8s";
  RunResult r = run({build_path("launcher/confine"), "--config", s.config_path(), "export", id,
                     "--format", "kubernetes", "--output", out});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const auto& f : {"pod.json", "deployment.json", "README.md"})
    EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  const std::string seccomp_rel = "confine/" + id + ".json";
  ASSERT_TRUE(fs::exists(out + "/seccomp/" + seccomp_rel));
  EXPECT_EQ(json::parse(read_file(out + "/seccomp/" + seccomp_rel))["defaultAction"],
            "SCMP_ACT_ERRNO");
  EXPECT_NE(read_file(out + "/apparmor/" + id).find("profile " + id), std::string::npos);

  json pod = json::parse(read_file(out + "/pod.json"));
  const json& psc = pod["spec"]["securityContext"];
  EXPECT_EQ(psc["seccompProfile"], json({{"type", "Localhost"}, {"localhostProfile", seccomp_rel}}));
  EXPECT_EQ(psc["appArmorProfile"], json({{"type", "Localhost"}, {"localhostProfile", id}}));
  const json& csc = pod["spec"]["containers"][0]["securityContext"];
  EXPECT_EQ(csc["allowPrivilegeEscalation"], false);
  EXPECT_EQ(csc["capabilities"]["drop"], json({"ALL"}));

  // kubernetes-models, once per build dir.
  const std::string npm_dir = std::string(CONFINE_BUILD_DIR) + "/npm-export";
  if (!fs::exists(npm_dir + "/node_modules/kubernetes-models/package.json")) {
    fs::create_directories(npm_dir);
    // The test's own environment: npm's registry settings and CA certificates.
    RunResult i = run({npm, "install", "--no-audit", "--no-fund", "--prefix", npm_dir, kModels});
    CONFINE_REQUIRE(i.status == 0, "npm could not fetch " + std::string(kModels) + ": " + i.err);
  }
  fs::copy_file(std::string(EXPORT_TEST_DIR) + "/validate.mjs", npm_dir + "/validate.mjs",
                fs::copy_options::overwrite_existing);
  RunResult v = run({node, npm_dir + "/validate.mjs", out + "/pod.json", out + "/deployment.json"});
  EXPECT_EQ(v.status, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("valid v1 Pod"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("valid apps/v1 Deployment"), std::string::npos) << v.out;

  // The same pod with a profile type the API does not have is refused.
  pod["spec"]["securityContext"]["seccompProfile"]["type"] = "Local";
  write_file(s.dir() / "bad-pod.json", pod.dump());
  v = run({node, npm_dir + "/validate.mjs", s.dir() / "bad-pod.json"});
  EXPECT_EQ(v.status, 1) << v.out << v.err;
  EXPECT_NE(v.out.find("seccompProfile/type"), std::string::npos) << v.out;
}

}  // namespace
}  // namespace confine::testing
