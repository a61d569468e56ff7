// The real confine-run binary against an installed sample package: what the
// app sees (environment, cwd, nice, argv), and the exit statuses of confine-run(1).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "sample_install.h"

namespace confine::testing {
namespace {

using After = SampleApp::After;
const std::vector<SampleApp> kApps = {
    {"show", "bin/show"},
    {"fail", "bin/fail", "#!/bin/sh\nexit 42\n"},
    {"noexec", "bin/noexec", "#!/bin/sh\necho ran\n", After::MakeNonExecutable},
    {"missing", "bin/missing", "#!/bin/sh\necho ran\n", After::Remove},
    {"dir", "bin/dirapp", "#!/bin/sh\necho ran\n", After::ReplaceWithDirectory},
};

class ConfineRun : public ::testing::Test {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(is_root(),
                    "confine-run honours --config only for root, and the launch "
                    "records must be root-owned");
    ASSERT_TRUE(s_.install("1.0", kApps));
  }
  SampleInstall s_{5};
};

// confine sets its own umask, once, in main: under a caller's 077 what it
// writes must stay readable to a confine-run started by an ordinary user
// (which may lack root's DAC override). (The package tree's own modes are
// the package's: this one was made under 077 too, so it is not checked.)
TEST(ConfineInstall, ModesDoNotDependOnTheCallersUmask) {
  CONFINE_REQUIRE(is_root(), "installs need root");
  SampleInstall s(5);
  const mode_t old = ::umask(077);
  const bool ok = s.install("1.0", {{"show", "bin/show"}});
  ::umask(old);
  ASSERT_TRUE(ok);
  const auto mode_of = [](const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? st.st_mode & 07777 : 0u;
  };
  EXPECT_EQ(mode_of(s.launch_record("show", "1.0")), 0644u);
  EXPECT_EQ(mode_of(s.config().policy_dir + "/launch"), 0755u);
  EXPECT_EQ(mode_of(s.config().apps_dir + "/" + s.key()), 0755u);
  EXPECT_EQ(mode_of(s.config().policy_dir + "/seccomp/" + s.app_id("show", "1.0") + ".bpf"),
            0644u);
}

std::string cwd() {
  char buf[4096];
  return getcwd(buf, sizeof buf) ? buf : "";
}

TEST_F(ConfineRun, AppSeesExactlyTheSpecEnvironment) {
  RunResult r = s_.run({s_.key() + "_show"},
                       {"KEEP=me", "LANG=C", "LD_PRELOAD=", "LD_LIBRARY_PATH=/nonexistent/evil",
                        "LD_AUDIT=", "GCONV_PATH=/evil", "GLIBC_TUNABLES=glibc.malloc.check=0",
                        "MALLOC_TRACE=/tmp/evil-trace", "NLSPATH=/evil", "LOCPATH=/evil",
                        "HOSTALIASES=/evil", "RES_OPTIONS=debug", "TZDIR=/evil", "TMPDIR=/evil",
                        "HOME=/evil", "CONFINE_APP_ID=fake_app_1", "CONFINE_CONFIG=/evil.json",
                        "BASH_ENV=/evil.sh", "ENV=/evil.sh", "PYTHONPATH=/evil",
                        "BASH_FUNC_ls%%=() { /evil; }", "PERL5OPT=-M/evil", "NODE_OPTIONS=-r /evil"});
  ASSERT_EQ(r.status, 0) << r.err;
  AppView v = parse_app_output(r.out);
  const std::string inst = s_.install_dir("1.0");
  const std::string user_data =
      SampleInstall::real_home() + "/.local/share/confine/" + s_.key() + "/1.0";
  const std::string tmp =
      s_.config().tmp_dir + "/confine/" + std::to_string(getuid()) + "/" + s_.app_id("show", "1.0");
  const std::map<std::string, std::string> expected = {
    {"PATH", "/usr/bin:/bin"},
    {"KEEP", "me"},
    {"LANG", "C"},
    {"CONFINE_APP_ID", s_.app_id("show", "1.0")},
    {"CONFINE_APP_NAME", "show"},
    {"CONFINE_PKG_NAME", "hello"},
    {"CONFINE_PKG_ORIGIN", s_.key().substr(6)},
    {"CONFINE_PKG_VERSION", "1.0"},
#if defined(__x86_64__)
    {"CONFINE_APP_ARCH", "amd64"},
#elif defined(__aarch64__)
    {"CONFINE_APP_ARCH", "arm64"},
#endif
    {"CONFINE_APP_PATH", inst},
    {"CONFINE_APP_DATA_PATH", s_.config().data_dir + "/" + s_.key() + "/1.0"},
    {"CONFINE_APP_USER_DATA_PATH", user_data},
    {"CONFINE_APP_TMPDIR", tmp},
    {"CONFINE_OLD_PWD", cwd()},
    {"HOME", user_data},
    {"TMPDIR", tmp},
  };
  std::map<std::string, std::string> got = v.env;
#if !defined(__x86_64__) && !defined(__aarch64__)
  got.erase("CONFINE_APP_ARCH");
#endif
  EXPECT_EQ(got, expected);

  // The directories the variables name exist, private to the user.
  struct stat st;
  ASSERT_EQ(::stat(user_data.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_EQ(st.st_uid, getuid());
  ASSERT_EQ(::stat(tmp.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_EQ(st.st_uid, getuid());
}

TEST_F(ConfineRun, WorkingDirectoryIsTheInstallDir) {
  RunResult r = s_.run({s_.app_id("show", "1.0")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(parse_app_output(r.out).facts["cwd"], s_.install_dir("1.0"));
}

TEST_F(ConfineRun, NiceValueIsTheConfiguredOne) {
  RunResult r = s_.run({s_.key() + "_show"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(parse_app_output(r.out).facts["nice"], "5");

  SampleInstall other(-3);  // root may also raise priority
  ASSERT_TRUE(other.install("1.0", kApps));
  r = other.run({other.key() + "_show"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(parse_app_output(r.out).facts["nice"], "-3");
}

TEST_F(ConfineRun, ArgumentsPassThroughUnchanged) {
  const std::vector<std::string> args = {
      "a b", "", "--verbose", "--config", "x", "--", "-h", "  spaced  ", "*", "$HOME", "ünïcödé"};
  std::vector<std::string> cmd = {s_.key() + "_show"};
  cmd.insert(cmd.end(), args.begin(), args.end());
  RunResult r = s_.run(cmd);
  ASSERT_EQ(r.status, 0) << r.err;
  AppView v = parse_app_output(r.out);
  EXPECT_EQ(v.args, args);
  EXPECT_EQ(v.facts["argv0"], s_.install_dir("1.0") + "/bin/show");
  // --verbose after APP is the app's, not ours.
  EXPECT_EQ(r.err.find("confine-run: applied:"), std::string::npos) << r.err;
}

TEST_F(ConfineRun, DoubleDashEndsOptions) {
  RunResult r = s_.run({"--", s_.key() + "_show", "x"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(parse_app_output(r.out).args, std::vector<std::string>{"x"});
}

TEST_F(ConfineRun, ExitStatusIsTheAppsOwn) {
  EXPECT_EQ(s_.run({s_.key() + "_fail"}).status, 42);
  EXPECT_EQ(s_.run({s_.key() + "_show"}).status, 0);
}

TEST_F(ConfineRun, CurrentLinkChoosesTheVersion) {
  ASSERT_TRUE(s_.install("2.0", {{"show", "bin/show"}}));
  RunResult r = s_.run({s_.key() + "_show"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(parse_app_output(r.out).env["CONFINE_PKG_VERSION"], "2.0");
  r = s_.run({s_.app_id("show", "2.0")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(parse_app_output(r.out).env["CONFINE_PKG_VERSION"], "2.0");
  // The update replaced 1.0 (confine install keeps one version): its APP_ID
  // is no app any more.
  r = s_.run({s_.app_id("show", "1.0")});
  EXPECT_EQ(r.status, 127) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(ConfineRun, VerboseReportsLayersOnStderr) {
  RunResult r = s_.run({"--verbose", s_.key() + "_show"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("confine-run: applied: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("confine-run: exec " + s_.install_dir("1.0") + "/bin/show as " +
                       s_.app_id("show", "1.0") + "\n"),
            std::string::npos)
      << r.err;
}

// --- 127: no such app -------------------------------------------------------

void expect_status(const RunResult& r, int status, const std::string& fragment) {
  EXPECT_EQ(r.status, status) << r.err;
  EXPECT_EQ(r.out, "") << "the app must not have run";
  EXPECT_TRUE(r.err.starts_with("confine-run: error: ")) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
}

TEST_F(ConfineRun, UnknownPackageIs127) {
  expect_status(s_.run({"nosuch.example_show"}), 127,
                "no such app \"nosuch.example_show\": package nosuch.example is not installed");
}

TEST_F(ConfineRun, UnknownAppIs127) {
  expect_status(s_.run({s_.key() + "_nosuch"}), 127, "has no app \"nosuch\"");
}

TEST_F(ConfineRun, UnknownVersionIs127) {
  expect_status(s_.run({s_.app_id("show", "9.9")}), 127, "version 9.9 of " + s_.key());
}

TEST_F(ConfineRun, InvalidNamesAre127) {
  for (std::string bad : {"../x", "x", "hello_", "Hello.example_show", "a/b_c", ""})
    expect_status(s_.run({bad}), 127, "no such app");
}

TEST_F(ConfineRun, MissingAppFileIs127) {
  expect_status(s_.run({s_.key() + "_missing"}), 127, "bin/missing does not exist");
}

TEST_F(ConfineRun, NoCurrentVersionIs127) {
  std::filesystem::remove(s_.config().apps_dir + "/" + s_.key() + "/current");
  expect_status(s_.run({s_.key() + "_show"}), 127, "has no current version");
}

// --- 126: not executable ----------------------------------------------------

TEST_F(ConfineRun, NonExecutableFileIs126) {
  expect_status(s_.run({s_.key() + "_noexec"}), 126, "bin/noexec is not an executable file");
}

TEST_F(ConfineRun, DirectoryAsAppFileIs126) {
  expect_status(s_.run({s_.key() + "_dir"}), 126, "bin/dirapp is not an executable file");
}

// --- 125: could not confine or start it -------------------------------------

TEST_F(ConfineRun, WorldWritableLaunchRecordIs125) {
  ASSERT_EQ(::chmod(s_.launch_record("show", "1.0").c_str(), 0666), 0);
  expect_status(s_.run({s_.key() + "_show"}), 125, "is writable by group or others");
}

TEST_F(ConfineRun, SymlinkedLaunchRecordIs125) {
  std::string rec = s_.launch_record("show", "1.0");
  std::filesystem::rename(rec, s_.dir() / "record-copy");
  std::filesystem::create_symlink(s_.dir() / "record-copy", rec);
  expect_status(s_.run({s_.key() + "_show"}), 125, "is a symlink");
}

TEST_F(ConfineRun, LaunchRecordOwnedByAUserIs125) {
  ASSERT_EQ(::chown(s_.launch_record("show", "1.0").c_str(), 65534, 65534), 0);
  expect_status(s_.run({s_.key() + "_show"}), 125, "is owned by uid 65534, not 0");
}

TEST_F(ConfineRun, LaunchRecordForAnotherAppIs125) {
  // A record copied over another app's name must not start the other app.
  std::filesystem::copy_file(s_.launch_record("fail", "1.0"), s_.launch_record("show", "1.0"),
                             std::filesystem::copy_options::overwrite_existing);
  expect_status(s_.run({s_.key() + "_show"}), 125, "does not match the file name");
}

TEST_F(ConfineRun, MalformedLaunchRecordIs125) {
  write_file(s_.launch_record("show", "1.0"), "format=1\nexec=../../bin/sh\n");
  expect_status(s_.run({s_.key() + "_show"}), 125, s_.launch_record("show", "1.0"));
}

TEST_F(ConfineRun, WritablePackageDirIs125) {
  ASSERT_EQ(::chmod((s_.config().apps_dir + "/" + s_.key()).c_str(), 0777), 0);
  expect_status(s_.run({s_.key() + "_show"}), 125, "is writable by group or others");
}

TEST_F(ConfineRun, CurrentLinkLeavingThePackageIs125) {
  std::string link = s_.config().apps_dir + "/" + s_.key() + "/current";
  for (std::string target : {"../other.example/1.0", "/usr", "1.0/bin"}) {
    std::filesystem::remove(link);
    std::filesystem::create_symlink(target, link);
    expect_status(s_.run({s_.key() + "_show"}), 125, "invalid version");
  }
}

TEST_F(ConfineRun, AttackerTmpRootIs125) {
  // Someone pre-created <tmp>/confine as a symlink to their own dir.
  std::string attacker = s_.dir() / "attacker";
  std::filesystem::create_directory(attacker);
  ASSERT_EQ(::chmod(attacker.c_str(), 0777), 0);
  std::filesystem::create_directory_symlink(attacker, s_.config().tmp_dir + "/confine");
  expect_status(s_.run({s_.key() + "_show"}), 125, "tmp directory: ");
  EXPECT_TRUE(std::filesystem::is_empty(attacker));
}

TEST_F(ConfineRun, BadConfigIs125) {
  write_file(s_.dir() / "bad.json", "{\"apps_dir\": ");
  RunResult r = run(
      {build_path("launcher/confine-run"), "--config", s_.dir() / "bad.json", s_.key() + "_show"});
  expect_status(r, 125, "invalid JSON");
  write_file(s_.dir() / "typo.json", "{\"nicee\": 3}");
  r = run(
      {build_path("launcher/confine-run"), "--config", s_.dir() / "typo.json", s_.key() + "_show"});
  expect_status(r, 125, "nicee: unknown key");
  r = run({build_path("launcher/confine-run"), "--config", s_.dir() / "absent.json",
           s_.key() + "_show"});
  expect_status(r, 125, "absent.json");
}

TEST_F(ConfineRun, WorldWritableConfigIs125) {
  ASSERT_EQ(::chmod(s_.config_path().c_str(), 0666), 0);
  expect_status(s_.run({s_.key() + "_show"}), 125, "is writable by group or others");
}

TEST_F(ConfineRun, ConfineConfigIsHonouredForRoot) {
  RunResult r = run({build_path("launcher/confine-run"), s_.key() + "_show"},
                    {"PATH=/usr/bin:/bin", "CONFINE_CONFIG=" + s_.config_path()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(parse_app_output(r.out).env["CONFINE_APP_ID"], s_.app_id("show", "1.0"));
  EXPECT_EQ(parse_app_output(r.out).env.count("CONFINE_CONFIG"), 0u);
}

// An unprivileged caller never chooses the config (setpriv drops to nobody).
TEST_F(ConfineRun, ConfigOptionFromNonRootIs125) {
  CONFINE_REQUIRE(access("/usr/bin/setpriv", X_OK) == 0, "needs setpriv (util-linux)");
  RunResult r =
      run({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
           build_path("launcher/confine-run"), "--config", s_.config_path(), s_.key() + "_show"});
  expect_status(r, 125, "--config is honoured only for root (real uid 65534)");
}

TEST_F(ConfineRun, ConfineConfigFromNonRootIsIgnored) {
  CONFINE_REQUIRE(access("/usr/bin/setpriv", X_OK) == 0, "needs setpriv (util-linux)");
  RunResult r = run({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                     build_path("launcher/confine-run"), "--verbose", s_.key() + "_show"},
                    {"PATH=/usr/bin:/bin", "CONFINE_CONFIG=" + s_.config_path()});
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.out, "") << "our sample must not be found through the default config";
  EXPECT_NE(r.err.find("confine-run: ignoring CONFINE_CONFIG: honoured only for root"),
            std::string::npos)
      << r.err;
}

// --- usage ---------------------------------------------------------------------

TEST(ConfineRunUsage, HelpAndVersion) {
  RunResult r = run({build_path("launcher/confine-run"), "--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.out.starts_with("Usage: confine-run [OPTIONS] APP [ARGS...]")) << r.out;
  r = run({build_path("launcher/confine-run"), "--version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.out.starts_with("confine-run ")) << r.out;
}

TEST(ConfineRunUsage, UsageErrorsAre125) {
  RunResult r = run({build_path("launcher/confine-run")});
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "confine-run: error: no APP given\nTry 'confine-run --help'.\n");
  r = run({build_path("launcher/confine-run"), "--frobnicate", "x_y"});
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "confine-run: error: unknown option --frobnicate\nTry 'confine-run --help'.\n");
  r = run({build_path("launcher/confine-run"), "--config"});
  EXPECT_EQ(r.status, 125);
}

// --- what the privileged binary links --------------------------------------

TEST(ConfineRunBinary, DoesNotLinkSeccompOrSpdlog) {
  CONFINE_REQUIRE(access("/usr/bin/readelf", X_OK) == 0, "needs readelf (binutils)");
  RunResult r = run({"/usr/bin/readelf", "-d", build_path("launcher/confine-run")});
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_NE(r.out.find("(NEEDED)"), std::string::npos) << r.out;
  for (const char* lib : {"libseccomp", "libspdlog", "libfmt"})
    EXPECT_EQ(r.out.find(lib), std::string::npos) << "confine-run links " << lib << ":\n" << r.out;
  // Nor statically: no symbol of the seccomp compiler or of spdlog.
  r = run({"/usr/bin/readelf", "-sW", build_path("launcher/confine-run")});
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.out.find("seccomp_init"), std::string::npos);
  EXPECT_EQ(r.out.find("spdlog"), std::string::npos);
}

}  // namespace
}  // namespace confine::testing
