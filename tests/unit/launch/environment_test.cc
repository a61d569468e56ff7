#include "launch/environment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace confine::launch {
namespace {

AppEnvironmentInput sample_input(bool with_origin = true) {
  AppEnvironmentInput in;
  in.id = with_origin ? *AppId::parse("hello.example_cli_1.0") : *AppId::parse("fw_cli_2.0~rc1");
  in.install_dir = "/apps/x/1.0";
  in.data_dir = "/data/x/1.0";
  in.user_data_dir = "/home/u/.local/share/confine/x/1.0";
  in.tmp_dir = "/tmp/confine/1000/x";
  in.old_pwd = "/home/u/src";
  return in;
}

// Every entry as name -> values (a name may legitimately repeat only if the
// caller repeated it; confine-run's own names must appear exactly once).
std::multimap<std::string, std::string> as_map(const std::vector<std::string>& env) {
  std::multimap<std::string, std::string> m;
  for (const auto& e : env) {
    auto eq = e.find('=');
    EXPECT_NE(eq, std::string::npos) << e;
    m.emplace(e.substr(0, eq), e.substr(eq + 1));
  }
  return m;
}

std::string only(const std::multimap<std::string, std::string>& m, const std::string& k) {
  EXPECT_EQ(m.count(k), 1u) << k;
  auto it = m.find(k);
  return it == m.end() ? "<missing>" : it->second;
}

TEST(Environment, SetsExactlyTheSpecVariables) {
  const char* caller[] = {nullptr};
  auto env = app_environment(sample_input(), caller);
  auto m = as_map(env);
  EXPECT_EQ(env.size(), 13u);
  EXPECT_EQ(only(m, "CONFINE_APP_ID"), "hello.example_cli_1.0");
  EXPECT_EQ(only(m, "CONFINE_APP_NAME"), "cli");
  EXPECT_EQ(only(m, "CONFINE_PKG_NAME"), "hello");
  EXPECT_EQ(only(m, "CONFINE_PKG_ORIGIN"), "example");
  EXPECT_EQ(only(m, "CONFINE_PKG_VERSION"), "1.0");
  EXPECT_EQ(only(m, "CONFINE_APP_ARCH"), debian_arch());
  EXPECT_EQ(only(m, "CONFINE_APP_PATH"), "/apps/x/1.0");
  EXPECT_EQ(only(m, "CONFINE_APP_DATA_PATH"), "/data/x/1.0");
  EXPECT_EQ(only(m, "CONFINE_APP_USER_DATA_PATH"), "/home/u/.local/share/confine/x/1.0");
  EXPECT_EQ(only(m, "CONFINE_APP_TMPDIR"), "/tmp/confine/1000/x");
  EXPECT_EQ(only(m, "CONFINE_OLD_PWD"), "/home/u/src");
  EXPECT_EQ(only(m, "HOME"), "/home/u/.local/share/confine/x/1.0");
  EXPECT_EQ(only(m, "TMPDIR"), "/tmp/confine/1000/x");
}

TEST(Environment, OriginIsEmptyForNonAppTypes) {
  auto m = as_map(app_environment(sample_input(false), nullptr));
  EXPECT_EQ(only(m, "CONFINE_PKG_ORIGIN"), "");
  EXPECT_EQ(only(m, "CONFINE_PKG_NAME"), "fw");
  EXPECT_EQ(only(m, "CONFINE_PKG_VERSION"), "2.0~rc1");
  EXPECT_EQ(only(m, "CONFINE_APP_ID"), "fw_cli_2.0~rc1");
}

TEST(Environment, ArchIsADebianName) {
  // The build machine's own name, as dpkg spells it.
  static const std::vector<std::string> known = {
      "amd64",   "arm64",    "armhf",  "armel",   "i386", "ppc64el", "s390x",
      "riscv64", "mips64el", "mipsel", "loong64", "x32",  "ppc64"};
  EXPECT_NE(std::find(known.begin(), known.end(), debian_arch()), known.end()) << debian_arch();
#if defined(__x86_64__) && !defined(__ILP32__)
  EXPECT_STREQ(debian_arch(), "amd64");
#endif
}

TEST(Environment, CallerVariablesPassThroughInOrder) {
  const char* caller[] = {
      "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "EMPTY=", "WEIRD=a=b", "TERM=xterm", nullptr};
  auto env = app_environment(sample_input(), caller);
  ASSERT_GE(env.size(), 5u);
  EXPECT_EQ(env[0], "PATH=/usr/bin:/bin");
  EXPECT_EQ(env[1], "LANG=C.UTF-8");
  EXPECT_EQ(env[2], "EMPTY=");
  EXPECT_EQ(env[3], "WEIRD=a=b");
  EXPECT_EQ(env[4], "TERM=xterm");
  EXPECT_EQ(env.size(), 5u + 13u);
}

TEST(Environment, LoaderAndLibcVariablesAreStripped) {
  // Every name glibc's unsecure-envvars list has (2.36), plus the families.
  const std::vector<std::string> dangerous = {"LD_PRELOAD",
                                              "LD_LIBRARY_PATH",
                                              "LD_AUDIT",
                                              "LD_DEBUG",
                                              "LD_DEBUG_OUTPUT",
                                              "LD_DYNAMIC_WEAK",
                                              "LD_HWCAP_MASK",
                                              "LD_ORIGIN_PATH",
                                              "LD_PROFILE",
                                              "LD_SHOW_AUXV",
                                              "LD_USE_LOAD_BIAS",
                                              "LD_BIND_NOW",
                                              "LD_SOMETHING_NEW",
                                              "GCONV_PATH",
                                              "GETCONF_DIR",
                                              "GLIBC_TUNABLES",
                                              "HOSTALIASES",
                                              "LOCALDOMAIN",
                                              "LOCPATH",
                                              "MALLOC_TRACE",
                                              "MALLOC_CHECK_",
                                              "MALLOC_ARENA_MAX",
                                              "NIS_PATH",
                                              "NLSPATH",
                                              "RESOLV_HOST_CONF",
                                              "RES_OPTIONS",
                                              "TMPDIR",
                                              "TZDIR",
                                              "HOME",
                                              // startup code of interpreters, module paths
                                              "BASH_ENV",
                                              "ENV",
                                              "BASH_FUNC_ls%%",
                                              "SHELLOPTS",
                                              "PS4",
                                              "PYTHONPATH",
                                              "PYTHONHOME",
                                              "PYTHONSTARTUP",
                                              "PERL5LIB",
                                              "PERL5OPT",
                                              "RUBYOPT",
                                              "NODE_OPTIONS",
                                              "JAVA_TOOL_OPTIONS",
                                              "LUA_INIT",
                                              "LUA_PATH_5_4",
                                              "GTK_MODULES",
                                              "OPENSSL_CONF"};
  std::vector<std::string> storage;
  for (const auto& n : dangerous) storage.push_back(n + "=/evil");
  std::vector<const char*> caller;
  for (const auto& s : storage) caller.push_back(s.c_str());
  caller.push_back("KEEP=1");
  caller.push_back(nullptr);
  auto m = as_map(app_environment(sample_input(), caller.data()));
  for (const auto& n : dangerous) {
    EXPECT_TRUE(is_stripped_variable(n)) << n;
    for (auto [it, end] = m.equal_range(n); it != end; ++it) EXPECT_NE(it->second, "/evil") << n;
  }
  EXPECT_EQ(only(m, "KEEP"), "1");
  EXPECT_EQ(only(m, "TMPDIR"), "/tmp/confine/1000/x");
  EXPECT_EQ(only(m, "HOME"), "/home/u/.local/share/confine/x/1.0");
}

TEST(Environment, CallerCannotFakeConfineVariables) {
  const char* caller[] = {"CONFINE_APP_ID=evil_app_1", "CONFINE_CONFIG=/tmp/evil.json",
                          "CONFINE_ANYTHING=x", "CONFINE_APP_PATH=/evil", nullptr};
  auto m = as_map(app_environment(sample_input(), caller));
  EXPECT_EQ(only(m, "CONFINE_APP_ID"), "hello.example_cli_1.0");
  EXPECT_EQ(only(m, "CONFINE_APP_PATH"), "/apps/x/1.0");
  EXPECT_EQ(m.count("CONFINE_CONFIG"), 0u);
  EXPECT_EQ(m.count("CONFINE_ANYTHING"), 0u);
}

TEST(Environment, SimilarButHarmlessNamesPass) {
  for (const char* n : {"PATH", "LANG", "LC_ALL", "TZ", "XDG_RUNTIME_DIR", "DISPLAY", "LDFLAGS",
                        "MALLOCX", "HOMEDIR", "TMP", "CONFINEX", "confine_app_id", "ld_preload"})
    EXPECT_FALSE(is_stripped_variable(n)) << n;
}

TEST(Environment, MalformedEntriesAreDropped) {
  const char* caller[] = {"NOEQUALS", "=novalue", "OK=1", nullptr};
  auto env = app_environment(sample_input(), caller);
  EXPECT_EQ(std::count(env.begin(), env.end(), "NOEQUALS"), 0);
  EXPECT_EQ(std::count(env.begin(), env.end(), "=novalue"), 0);
  EXPECT_EQ(env[0], "OK=1");
  EXPECT_EQ(env.size(), 1u + 13u);
}

}  // namespace
}  // namespace confine::launch
