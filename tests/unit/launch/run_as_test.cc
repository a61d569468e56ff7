// Switching root's launch to the package user: the exact order of the id
// changes, a failure stopping there, and the real switch in a child, read
// back from /proc/self/status.
#include "launch/run_as.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "launch/privileges.h"
#include "test_support.h"

namespace confine::launch {
namespace {

std::vector<std::string>* g_calls = nullptr;
int g_fail_at = -1;  // index of the call that fails (EPERM)

int record(const std::string& what) {
  g_calls->push_back(what);
  if (static_cast<int>(g_calls->size()) - 1 == g_fail_at) {
    errno = EPERM;
    return -1;
  }
  return 0;
}
int fake_setgroups(size_t n, const gid_t* g) {
  std::string s = "setgroups(";
  for (size_t i = 0; i < n; ++i) s += (i ? "," : "") + std::to_string(g[i]);
  return record(s + ")");
}
int fake_setresgid(gid_t r, gid_t e, gid_t s) {
  return record("setresgid(" + std::to_string(r) + "," + std::to_string(e) + "," +
                std::to_string(s) + ")");
}
int fake_setresuid(uid_t r, uid_t e, uid_t s) {
  return record("setresuid(" + std::to_string(r) + "," + std::to_string(e) + "," +
                std::to_string(s) + ")");
}
const IdCalls kFake{&fake_setgroups, &fake_setresgid, &fake_setresuid};

class SwitchIds : public ::testing::Test {
 protected:
  void SetUp() override {
    g_calls = &calls_;
    g_fail_at = -1;
  }
  void TearDown() override { g_calls = nullptr; }
  std::vector<std::string> calls_;
};

TEST_F(SwitchIds, GroupsThenGidThenUidAllThreeEach) {
  const RunUser u{"c_hello_example", 990, 991, {29, 44}};
  ASSERT_TRUE(switch_ids(u, kFake).ok());
  EXPECT_EQ(calls_, (std::vector<std::string>{"setgroups(29,44)", "setresgid(991,991,991)",
                                              "setresuid(990,990,990)"}));
}

TEST_F(SwitchIds, NoDeclaredGroupsMeansNone) {
  ASSERT_TRUE(switch_ids(RunUser{"u", 990, 991, {}}, kFake).ok());
  EXPECT_EQ(calls_.front(), "setgroups()") << "root's groups never reach the app";
}

TEST_F(SwitchIds, AFailureStopsBeforeTheNextChange) {
  g_fail_at = 1;  // setresgid
  Status s = switch_ids(RunUser{"u", 990, 991, {}}, kFake);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().err, EPERM);
  EXPECT_EQ(calls_.size(), 2u) << "the uid is not changed after a failed gid change";
}

TEST_F(SwitchIds, RootIsNeverATarget) {
  EXPECT_FALSE(switch_ids(RunUser{"u", 0, 991, {}}, kFake).ok());
  EXPECT_FALSE(switch_ids(RunUser{"u", 990, 0, {}}, kFake).ok());
  EXPECT_TRUE(calls_.empty());
}

TEST(LaunchUser, OnlyRootsLaunchBecomesThePackageUser) {
  LaunchRecord r;
  r.user = RunUser{"c_x", 990, 991, {}};
  EXPECT_EQ(launch_user(r, 0, 0), &*r.user);
  EXPECT_EQ(launch_user(r, 1000, 1000), nullptr) << "an ordinary user runs as themselves";
  EXPECT_EQ(launch_user(r, 1000, 0), nullptr) << "a setuid confine-run is no root caller";
  EXPECT_EQ(launch_user(r, 0, 1000), nullptr);
  LaunchRecord caller;
  EXPECT_EQ(launch_user(caller, 0, 0), nullptr) << "no user in the record: the caller";
}

std::string status_line(const std::string& status, const std::string& key) {
  const size_t p = status.find("\n" + key + ":\t");
  if (p == std::string::npos) return "";
  const size_t start = p + key.size() + 3;
  return status.substr(start, status.find('\n', start) - start);
}

TEST(DropToUser, ChildRunsAsExactlyThatUserWithNoCapability) {
  CONFINE_REQUIRE(testing::is_root(), "switching uid needs root");
  testing::TempDir dir;
  const std::string out = dir / "status";
  const RunUser u{"c_test", 4711, 4712, {4713}};
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::ofstream o(out);  // opened as root: the user may not write there
    Status s = drop_to_user(u, last_capability());
    std::ifstream in("/proc/self/status");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    o << (s.ok() ? "ok" : s.error().describe()) << "\n" << text;
    o.close();
    ::_exit(0);
  }
  int st = 0;
  ASSERT_EQ(::waitpid(pid, &st, 0), pid);
  const std::string text = testing::read_file(out);
  ASSERT_EQ(text.substr(0, 3), "ok\n") << text;
  EXPECT_EQ(status_line(text, "Uid"), "4711\t4711\t4711\t4711");
  EXPECT_EQ(status_line(text, "Gid"), "4712\t4712\t4712\t4712");
  EXPECT_EQ(status_line(text, "Groups"), "4713 ");
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
    EXPECT_EQ(status_line(text, set), "0000000000000000") << set;
}

TEST(DropToUser, VerifyRefusesWhatIsStillRoot) {
  CONFINE_REQUIRE(testing::is_root(), "runs as root to see the check fail");
  EXPECT_FALSE(verify_user(RunUser{"u", 4711, 4712, {}}, last_capability()).ok());
}

}  // namespace
}  // namespace confine::launch
