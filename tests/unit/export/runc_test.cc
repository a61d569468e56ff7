// Equivalence, tested with a real runtime: for every shipped template x
// policy group (and no group) the probe (probe.c) is installed with that
// policy and run twice, under confine-run and by runc from a bundle built from
// `confine export --format oci-config`; every syscall must get the same
// answer. The one known difference is asserted too: an x32 syscall gets EPERM
// from confine's filter and kills the process under an OCI filter
// (libseccomp's bad-architecture action, which OCI has no field for).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sample_install.h"

namespace confine::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Combo {
  std::string tmpl;
  std::string group;  // "" = none
};

// For gtest's messages: "default+home".
void PrintTo(const Combo& c, std::ostream* os) {
  *os << c.tmpl << "+" << (c.group.empty() ? "no group" : c.group);
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Combo> shipped_combos() {
  std::vector<Combo> out;
  for (const auto& t : names_in(source_path("policy-templates/templates"))) {
    out.push_back({t, ""});
    for (const auto& g : names_in(source_path("policy-templates/groups"))) out.push_back({t, g});
  }
  return out;
}

std::string runc_path() {
  for (const char* p : {"/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc"})
    if (::access(p, X_OK) == 0) return p;
  return "";
}

bool apparmor_enabled() {
  std::error_code ec;
  if (!fs::exists("/sys/module/apparmor/parameters/enabled", ec)) return false;
  return read_file("/sys/module/apparmor/parameters/enabled").starts_with("Y");
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class ExportRunc : public ::testing::TestWithParam<Combo> {};

TEST_P(ExportRunc, SameAnswersAsConfineRun) {
  CONFINE_REQUIRE(is_root(), "confine-run --config and runc need root");
  CONFINE_REQUIRE(::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0, "the kernel lacks seccomp");
  const std::string runc = runc_path();
  CONFINE_REQUIRE(!runc.empty(), "runc is not installed (packaging/install-deps)");
  const Combo& c = GetParam();

  // The probe as a package whose one app has this template and group.
  SampleInstall s;
  const std::string src = s.dir() / "src";
  write_file(src + "/bin/probe", read_file(EXPORT_PROBE), 0755);
  json meta = {{"name", "hello"},
               {"version", "1.0"},
               {"binaries",
                {{{"name", "probe"},
                  {"exec", "bin/probe"},
                  {"security-template", c.tmpl},
                  {"caps", c.group.empty() ? json::array() : json::array({c.group})}}}}};
  write_file(src + "/meta/package.json", meta.dump(2));
  const std::string confine = build_path("launcher/confine");
  RunResult r = run({confine, "--config", s.config_path(), "install", "--origin",
                     s.key().substr(std::string("hello.").size()), src});
  ASSERT_EQ(r.status, 0) << r.err;

  RunResult native = s.run({s.key() + "_probe"});
  ASSERT_EQ(native.status, 0) << native.err;

  const std::string out_dir = s.dir() / "export";
  r = run({confine, "--config", s.config_path(), "export", s.app_id("probe", "1.0"), "--format",
           "oci-config", "--output", out_dir});
  ASSERT_EQ(r.status, 0) << r.err;
  const json exported = json::parse(read_file(out_dir + "/config.json"));

  // The bundle: a rootfs holding only the probe, where the export says the
  // app is; runc's default spec for the rest, the export for the process and
  // linux.seccomp / linux.resources (runc 1.1 applies the device rules on
  // this host's cgroup v1 devices controller).
  const std::string bundle = s.dir() / "bundle";
  const std::string exe = exported["process"]["args"][0];
  fs::create_directories(bundle + "/rootfs" + fs::path(exe).parent_path().string());
  write_file(bundle + "/rootfs" + exe, read_file(EXPORT_PROBE), 0755);
  r = run({runc, "spec", "--bundle", bundle});
  ASSERT_EQ(r.status, 0) << r.err;
  json spec = json::parse(read_file(bundle + "/config.json"));
  for (const auto& [k, v] : exported["process"].items()) spec["process"][k] = v;
  // Without AppArmor in the kernel runc cannot apply the profile name at all.
  if (!apparmor_enabled()) spec["process"].erase("apparmorProfile");
  spec["root"]["readonly"] = true;
  spec["linux"]["seccomp"] = exported["linux"]["seccomp"];
  spec["linux"]["resources"] = exported["linux"]["resources"];
  write_file(bundle + "/config.json", spec.dump(2));

  const std::string state = s.dir() / "runc-state";
  const std::string cid = "confine-export-" + std::to_string(::getpid());
  RunResult oci = run({runc, "--root", state, "run", "--bundle", bundle, cid},
                      {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"});
  run({runc, "--root", state, "delete", "--force", cid}, {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"});

  const auto want = lines(native.out);
  const auto got = lines(oci.out);
  ASSERT_GE(want.size(), 26u) << native.out;
  EXPECT_EQ(want.back(), "x32_getpid EPERM");
  EXPECT_EQ(oci.status, 128 + SIGSYS) << "the x32 call kills under an OCI filter\n" << oci.err;
  ASSERT_EQ(got.size(), want.size() - 1) << "runc:\n" << oci.out << oci.err;
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_EQ(got[i], want[i]) << "syscall " << i << " of the probe under " << c.tmpl << "+"
                               << (c.group.empty() ? "no group" : c.group);
  // The probe measured something: both answers and denials occur.
  EXPECT_NE(native.out.find("getpid ok"), std::string::npos);
  EXPECT_NE(native.out.find(" EPERM"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Shipped, ExportRunc, ::testing::ValuesIn(shipped_combos()),
                         [](const ::testing::TestParamInfo<Combo>& i) {
                           std::string n = i.param.tmpl + "_" +
                                           (i.param.group.empty() ? "nogroup" : i.param.group);
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
}  // namespace confine::testing
