// AppArmor glob validation and the symbolic constants table.
#include "policy/glob.h"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include "policy/constants.h"
#include "test_support.h"

namespace confine::policy {
namespace {

TEST(Glob, ValidGlobs) {
  for (const char* p : {"/",
                        "/etc/hosts",
                        "/dir/*",
                        "/dir/a*",
                        "/dir/*.png",
                        "/dir/[^.]*",
                        "/dir/*/",
                        "/dir/**",
                        "/dir/**/",
                        "/dir/**[^/]",
                        "/dir{,1,2}/**",
                        "/dev/video[0-9]*",
                        "/a/{b,{c,d}}/e",
                        "@{HOME}",
                        "@{HOME}/",
                        "@{HOME}/[^.]**",
                        "@{CONFINE_APP_PATH}/**",
                        "@{CONFINE_APP_DATA_PATH}/{,**}",
                        "@{CONFINE_APP_USER_DATA_PATH}/x",
                        "@{CONFINE_APP_TMPDIR}/**",
                        "@{CONFINE_APP_RUNTIME_PATH}/{,**}",
                        "/proc/@{pid}/status",
                        "/usr/lib/@{multiarch}/*.so",
                        "/file?name",
                        "/with space"})
    EXPECT_EQ(glob_problem(p), std::nullopt) << p;
}

TEST(Glob, InvalidGlobsSayWhy) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty path"},
      {"relative/path", "must be absolute or start with a @{...} path variable"},
      {"@{HOMEX}/a",
       "must be absolute or start with @{CONFINE_APP_PATH}, @{CONFINE_APP_DATA_PATH}, "
       "@{CONFINE_APP_USER_DATA_PATH}, @{CONFINE_APP_TMPDIR}, @{CONFINE_APP_RUNTIME_PATH} or "
       "@{HOME} followed by '/'"},
      {"/a/@{user}/b",
       "unknown variable at offset 3 (inside a path only @{pid}, @{pids}, @{tid} "
       "and @{multiarch})"},
      {"/a[bc", "unbalanced '['"},
      {"/a]", "unbalanced ']'"},
      {"/a[]", "empty '[]'"},
      {"/a[b/c]", "'/' inside '[...]'"},
      {"/a[-z]", "'-' must stand between two characters inside '[...]'"},
      {"/a{b,c", "unbalanced '{'"},
      {"/a}b", "unbalanced '}'"},
      {"/a,b", "',' outside '{...}'"},
      {"/a/***", "'***' (use '**')"},
      {"/a//b", "empty path component '//'"},
      {"/a/./b", "'.' path component"},
      {"/a/../b", "'..' path component"},
      {"/a\\*", "contains a backslash (escapes are not supported)"},
      {"/a\"b", "contains a quote"},
      {"/a\nb", "contains a control character"},
  };
  for (const auto& [path, problem] : cases) EXPECT_EQ(glob_problem(path), problem) << path;
}

TEST(Glob, MatchesLikeAppArmor) {
  struct Case {
    const char* glob;
    const char* path;
    bool match;
  } cases[] = {
      {"/etc/hosts", "/etc/hosts", true},
      {"/etc/hosts", "/etc/host", false},
      {"/etc/*", "/etc/hosts", true},
      {"/etc/*", "/etc/ssl/certs", false},  // '*' stops at '/'
      {"/etc/**", "/etc/ssl/certs/ca.pem", true},
      {"/etc/**", "/etc/", false},  // '*' or '**' after '/' matches one character or more
      {"/etc/*", "/etc/", false},
      {"/etc/*/", "/etc/ssl/", true},
      {"/usr/lib/*.so", "/usr/lib/libc.so", true},
      {"/dev/tty?", "/dev/tty1", true},
      {"/dev/tty?", "/dev/tty12", false},
      {"/dev/tty[0-9]", "/dev/tty7", true},
      {"/dev/tty[^0-9]", "/dev/tty7", false},
      {"/dev/tty[^0-9]", "/dev/ttyS", true},
      {"/etc/{passwd,group}", "/etc/group", true},
      {"/etc/{passwd,group}", "/etc/shadow", false},
      {"/data/{,**}", "/data/", true},
      {"/data/{,**}", "/data/a/b", true},
      {"/a/{b,c{d,e}}/f", "/a/ce/f", true},
      {"/a/{b,c{d,e}}/f", "/a/c/f", false},
      {"/proc/[0-9]*/status", "/proc/42/status", true},
      {"/bad/[", "/bad/[", false},  // invalid glob: never a match
  };
  for (const auto& c : cases)
    EXPECT_EQ(glob_matches(c.glob, c.path), c.match) << c.glob << " vs " << c.path;
}

TEST(Constants, ResolveLikeTheHeaders) {
  EXPECT_EQ(constant_value("AF_INET"), AF_INET);
  EXPECT_EQ(constant_value("TIOCSTI"), TIOCSTI);
  EXPECT_EQ(constant_value("AF_NOPE"), std::nullopt);
  std::string problem;
  EXPECT_EQ(parse_arg_value("0x10", problem), 16u);
  EXPECT_EQ(parse_arg_value("42", problem), 42u);
  EXPECT_EQ(parse_arg_value("-1", problem), ~uint64_t{0});
  EXPECT_EQ(parse_arg_value("SOCK_STREAM|SOCK_CLOEXEC", problem),
            uint64_t(SOCK_STREAM | SOCK_CLOEXEC));
  EXPECT_EQ(parse_arg_value("PER_QUERY", problem), 0xffffffffu);
  EXPECT_EQ(parse_arg_value("12x", problem), std::nullopt);
  EXPECT_EQ(problem, "\"12x\": not a number or a known constant");
  EXPECT_EQ(parse_arg_value("AF_INET|", problem), std::nullopt);
  EXPECT_EQ(problem, "\"\": empty value");
}

TEST(Constants, NamesAreUnique) {
  auto names = constant_names();
  EXPECT_GT(names.size(), 40u);
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
}

}  // namespace
}  // namespace confine::policy
