// seccomp through the real binaries: `confine install` compiles the filter,
// confine-run loads it last, and every damaged or untrusted filter file
// stops the launch with 125 before the app runs.
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "sample_install.h"
#include "seccomp/file.h"

namespace confine::testing {
namespace {

namespace fs = std::filesystem;

// Prints the seccomp state of the app's own shell.
const char kStatusScript[] = R"(#!/bin/sh
grep -E '^(Seccomp|Seccomp_filters|NoNewPrivs):' /proc/$$/status
)";

// Makes a syscall the default template denies and prints what it got.
const char kPtraceScript[] = R"(#!/bin/sh
exec /usr/bin/python3 -c '
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(101, 0, 0, 0, 0)  # ptrace(PTRACE_TRACEME) on x86_64
print("ptrace", r, ctypes.get_errno())
r = libc.syscall(165, 0, 0, 0, 0, 0)  # mount(NULL...)
print("mount", r, ctypes.get_errno())
'
)";

class SeccompE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(is_root(), "confine-run honours --config only for root");
    CONFINE_REQUIRE(::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0, "the kernel lacks seccomp");
    ASSERT_TRUE(s_.install("1.0", {{"status", "bin/status", kStatusScript}}));
    filter_ = s_.config().policy_dir + "/seccomp/" + s_.app_id("status", "1.0") + ".bpf";
    bytes_ = read_file(filter_);
    ASSERT_GE(bytes_.size(), sizeof(seccomp::FileHeader));
  }

  RunResult launch(const std::string& config = "") {
    if (config.empty()) return s_.run({s_.key() + "_status"});
    return run({build_path("launcher/confine-run"), "--config", config, s_.key() + "_status"},
               {"PATH=/usr/bin:/bin"});
  }

  // The sample's config with `extra` ("\"key\": value") added.
  std::string config_with(const std::string& extra) {
    std::string text = read_file(s_.config_path());
    EXPECT_TRUE(text.starts_with("{\n"));
    text.insert(2, "  " + extra + ",\n");
    std::string path = s_.dir() / "config-extra.json";
    write_file(path, text);
    return path;
  }

  seccomp::FileHeader header() const {
    seccomp::FileHeader h;
    std::memcpy(&h, bytes_.data(), sizeof h);
    return h;
  }
  void write_header(const seccomp::FileHeader& h) {
    std::string b = bytes_;
    std::memcpy(b.data(), &h, sizeof h);
    write_file(filter_, b);
  }

  // confine-run refused with 125, said why, and never started the app.
  void expect_refused(const std::string& fragment) {
    RunResult r = launch();
    EXPECT_EQ(r.status, 125) << r.err;
    EXPECT_EQ(r.out, "") << "the app must not run";
    EXPECT_NE(r.err.find("confine-run: error: seccomp: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
  }

  SampleInstall s_{0};
  std::string filter_;
  std::string bytes_;
};

TEST_F(SeccompE2E, InstallWritesARootOwnedFilterAndRecordsTheLayer) {
  struct stat st;
  ASSERT_EQ(::stat(filter_.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  EXPECT_EQ(std::memcmp(header().magic, seccomp::kFileMagic, 8), 0);
  EXPECT_FALSE(fs::exists(filter_ + ".staged"));
  std::string record = read_file(s_.launch_record("status", "1.0"));
  EXPECT_NE(record.find("layers="), std::string::npos);
  EXPECT_NE(record.find("seccomp"), std::string::npos) << record;
}

TEST_F(SeccompE2E, TheAppRunsUnderTheFilter) {
  RunResult r = launch();
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Seccomp:\t2\n"), std::string::npos) << r.out;
  // Root keeps only the capabilities its policy grants (none here: the
  // privileges step drops CAP_SYS_ADMIN), so seccomp needs no_new_privs.
  EXPECT_NE(r.out.find("NoNewPrivs:\t1\n"), std::string::npos) << r.out;
  r = launch(config_with("\"no_new_privs\": true"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("NoNewPrivs:\t1\n"), std::string::npos) << r.out;
}

TEST_F(SeccompE2E, TheAppSeesTheDeniedErrnos) {
  CONFINE_REQUIRE(access("/usr/bin/python3", X_OK) == 0, "/usr/bin/python3 is not installed");
  ASSERT_TRUE(s_.install("2.0", {{"status", "bin/status", kPtraceScript}}));
  RunResult r = s_.run({s_.key() + "_status"});
  ASSERT_EQ(r.status, 0) << r.err;
  // The default template does not list ptrace or mount: EPERM (1).
  EXPECT_NE(r.out.find("ptrace -1 1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mount -1 1\n"), std::string::npos) << r.out;
}

// security-override seccomp files go through the same compiler: an added
// syscall is allowed, an added deny gets EACCES.
TEST_F(SeccompE2E, OverrideFileGoesThroughTheCompiler) {
  CONFINE_REQUIRE(access("/usr/bin/python3", X_OK) == 0, "/usr/bin/python3 is not installed");
  const std::string src = s_.dir() / "ovr-src";
  write_file(src + "/bin/app", kPtraceScript, 0755);
  write_file(src + "/meta/app.seccomp", "# test override\nptrace\ndeny mount\n");
  write_file(src + "/meta/package.json",
             "{ \"name\": \"ovr\", \"version\": \"1.0\", \"binaries\": [ { \"name\": "
             "\"app\", \"exec\": \"bin/app\", \"security-override\": { \"seccomp\": "
             "\"meta/app.seccomp\" } } ] }\n");
  const std::string confine = build_path("launcher/confine");
  RunResult in = run({confine, "--config", s_.config_path(), "install", "--origin", "sece2e", src});
  ASSERT_EQ(in.status, 0) << in.err;
  RunResult r = s_.run({"ovr.sece2e_app"});
  run({confine, "--config", s_.config_path(), "remove", "ovr.sece2e"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("ptrace 0 0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mount -1 13\n"), std::string::npos) << r.out;
}

TEST_F(SeccompE2E, TruncatedFileIsRefused) {
  write_file(filter_, bytes_.substr(0, 40));
  expect_refused("truncated");
}

TEST_F(SeccompE2E, WrongMagicIsRefused) {
  auto h = header();
  h.magic[0] = 'X';
  write_header(h);
  expect_refused("bad magic");
}

TEST_F(SeccompE2E, WrongVersionIsRefused) {
  auto h = header();
  h.format_version = 99;
  write_header(h);
  expect_refused("format version 99");
}

TEST_F(SeccompE2E, WrongArchitectureIsRefused) {
  auto h = header();
  h.arch[0] = AUDIT_ARCH_AARCH64;
  write_header(h);
  expect_refused("compiled for another architecture");
}

TEST_F(SeccompE2E, LengthMismatchIsRefused) {
  write_file(filter_, bytes_ + std::string(8, '\0'));
  expect_refused("length mismatch");
}

TEST_F(SeccompE2E, CorruptedProgramIsRefused) {
  std::string b = bytes_;
  b[sizeof(seccomp::FileHeader) + 4] ^= 0x01;
  write_file(filter_, b);
  expect_refused("checksum mismatch");
}

TEST_F(SeccompE2E, WorldWritableFileIsRefused) {
  ASSERT_EQ(::chmod(filter_.c_str(), 0646), 0);
  expect_refused("is writable by group or others");
}

TEST_F(SeccompE2E, SymlinkedFileIsRefused) {
  fs::rename(filter_, filter_ + ".real");
  fs::create_symlink(filter_ + ".real", filter_);
  expect_refused("is a symlink");
  fs::remove(filter_ + ".real");
}

TEST_F(SeccompE2E, NonRootOwnerIsRefused) {
  ASSERT_EQ(::chown(filter_.c_str(), 65534, 0), 0);
  expect_refused("is owned by uid 65534");
}

TEST_F(SeccompE2E, MissingFileIsRefused) {
  fs::remove(filter_);
  expect_refused(filter_);
}

TEST_F(SeccompE2E, RecordWithoutTheLayerFailsWhenRequired) {
  // A record as an install without a seccomp step would have written it.
  const std::string record_path = s_.launch_record("status", "1.0");
  std::string record = read_file(record_path);
  const size_t layers = record.find("\nlayers=");
  ASSERT_NE(layers, std::string::npos) << record;
  const size_t end = record.find('\n', layers + 1);
  std::string list = record.substr(layers + 8, end - layers - 8);
  for (const std::string from : {"seccomp,", ",seccomp", "seccomp"})
    if (auto at = list.find(from); at != std::string::npos) list.erase(at, from.size());
  record.replace(layers + 8, end - layers - 8, list);
  write_file(record_path, record);
  RunResult r = launch();
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("confine-run: error: seccomp: no seccomp filter was installed for " +
                       s_.app_id("status", "1.0") + " and the configuration requires seccomp"),
            std::string::npos)
      << r.err;
  // if-available: the layer may be missing, but what only it holds here
  // may not: the launch names the first such class...
  r = launch(config_with("\"seccomp\": \"if-available\""));
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("would run less confined than its policy: file-metadata"), std::string::npos)
      << r.err;
  // ...and runs, saying what it skipped and what is not held, once the
  // configuration accepts those gaps.
  r = launch(config_with(
      "\"seccomp\": \"if-available\", \"accept_gaps\": [\"file-metadata\", \"unix-pathname\", "
      "\"scheduling\", \"network\", \"mount-namespaces\", \"anonymous-exec\"]"));
  EXPECT_EQ(r.status, 0) << r.err;
  for (const char* cls : {"file-metadata", "unix-pathname", "scheduling", "network",
                          "mount-namespaces", "anonymous-exec"})
    EXPECT_NE(r.err.find(std::string("confine-run: partially confined: ") + cls + " ("),
              std::string::npos)
        << r.err;
  EXPECT_NE(r.out.find("Seccomp:\t0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("confine-run: skipped: seccomp: no filter was installed for this app"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace confine::testing
