// glob_matches on inputs the fuzzer (tests/fuzz, target glob) found: the
// matcher retried every split of the path for every '*' and '{' alternative,
// so a glob with many stars took longer than the universe has to answer
// "no match". `confine explain` matches policy globs against paths from audit
// lines, which the confined app chooses.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "policy/glob.h"

namespace confine::policy {
namespace {

// glob_matches(glob, path) in a child given `seconds` to answer: its exit
// status is 0 (no match) or 1 (match); killed by SIGALRM when it hangs.
int matches_within(const std::string& glob, const std::string& path, unsigned seconds) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::alarm(seconds);
    ::_exit(glob_matches(glob, path) ? 1 : 0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

TEST(GlobRegression, ManyStarsAnswerQuickly) {
  // tests/fuzz/corpus/glob/timeout-star-backtracking, in its essentials.
  const std::string stars(100, '*');
  EXPECT_EQ(matches_within("/" + stars + "x", "/" + std::string(60, 'a'), 10), 0);
  EXPECT_EQ(matches_within("/" + stars + "a", "/" + std::string(60, 'a'), 10), 1);
  std::string many;
  for (int i = 0; i < 30; ++i) many += "/**";
  EXPECT_EQ(matches_within(many + "/z", "/" + std::string(40, 'a') + "/" + std::string(40, 'b'), 10),
            0);
  std::string braces;
  for (int i = 0; i < 30; ++i) braces += "{a,*,?}";
  EXPECT_EQ(matches_within("/" + braces + "z", "/" + std::string(40, 'a'), 10), 0);
}

// Remembering failed states must not change any answer.
TEST(GlobRegression, SameAnswersWithManyStars) {
  EXPECT_TRUE(glob_matches("/a/**/**/b", "/a/x/y/b"));
  EXPECT_TRUE(glob_matches("/a/**/**/b", "/a/x/y/z/b"));
  EXPECT_FALSE(glob_matches("/a/**/**/b", "/a/b"));
  EXPECT_TRUE(glob_matches("/a/*/*/c", "/a/x/y/c"));
  EXPECT_FALSE(glob_matches("/a/*/*/c", "/a/x/y/z/c"));
  EXPECT_TRUE(glob_matches("/{a,b}/{*,x}{y,}/c", "/b/xy/c"));
  EXPECT_FALSE(glob_matches("/{a,b}/{*,x}{y,}/c", "/b/x/y/c"));
  EXPECT_TRUE(glob_matches("/d/{,**}", "/d/"));
  EXPECT_FALSE(glob_matches("/d/**", "/d/"));
}

}  // namespace
}  // namespace confine::policy
