#include "launch/app_dirs.h"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>

#include "launch/privileges.h"

#include "test_support.h"

namespace confine::launch {
namespace {

using confine::testing::TempDir;

constexpr uid_t kOther = 65534;  // nobody: "another user" for ownership tests

struct Stat {
  bool exists = false;
  bool is_dir = false;
  bool is_link = false;
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0;
};

Stat lstat_of(const std::string& p) {
  struct stat st;
  Stat s;
  if (::lstat(p.c_str(), &st) != 0) return s;
  s.exists = true;
  s.is_dir = S_ISDIR(st.st_mode);
  s.is_link = S_ISLNK(st.st_mode);
  s.uid = st.st_uid;
  s.gid = st.st_gid;
  s.mode = st.st_mode & 07777;
  return s;
}

bool is_empty_dir(const std::string& p) {
  return std::filesystem::is_directory(p) && std::filesystem::is_empty(p);
}

class AppDirs : public ::testing::Test {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(confine::testing::is_root(), "creates directories for other uids");
    config_.tmp_dir = dir_ / "tmp";
    config_.data_dir = dir_ / "data";
    std::filesystem::create_directory(config_.tmp_dir);
    ::chmod(config_.tmp_dir.c_str(), 01777);  // like /tmp
    home_ = dir_ / "home";
    std::filesystem::create_directory(home_);
  }

  TempDir dir_;
  Config config_;
  Layout layout_{config_};
  std::string home_;
  PackageKey key_{"hello", "example"};
  AppId id_{key_, "cli", "1.0"};
};

TEST_F(AppDirs, UserDataDirIsCreated0700ForTheUser) {
  auto p = ensure_user_data_dir(home_, key_, "1.0", DirOwner{0, 0});
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(*p, home_ + "/.local/share/confine/hello.example/1.0");
  for (const char* rel :
       {"/.local", "/.local/share", "/.local/share/confine", "/.local/share/confine/hello.example",
        "/.local/share/confine/hello.example/1.0"}) {
    Stat s = lstat_of(home_ + rel);
    EXPECT_TRUE(s.is_dir) << rel;
    EXPECT_EQ(s.mode, 0700u) << rel;
  }
  // A second launch finds it and changes nothing.
  auto again = ensure_user_data_dir(home_, key_, "1.0", DirOwner{0, 0});
  ASSERT_TRUE(again) << again.error().describe();
}

TEST_F(AppDirs, RootCreatingForAnotherUserHandsDirectoriesOver) {
  ASSERT_EQ(::chown(home_.c_str(), kOther, kOther), 0);
  auto p = ensure_user_data_dir(home_, key_, "1.0", DirOwner{kOther, kOther});
  ASSERT_TRUE(p) << p.error().describe();
  for (const char* rel : {"/.local", "/.local/share/confine/hello.example/1.0"}) {
    Stat s = lstat_of(home_ + rel);
    EXPECT_EQ(s.uid, kOther) << rel;
    EXPECT_EQ(s.gid, kOther) << rel;
  }
  auto t = ensure_tmp_dir(layout_, id_, DirOwner{kOther, kOther}, false);
  ASSERT_TRUE(t) << t.error().describe();
  EXPECT_EQ(lstat_of(*t).uid, kOther);
  EXPECT_EQ(lstat_of(config_.tmp_dir + "/confine/65534").uid, kOther);
  EXPECT_EQ(lstat_of(config_.tmp_dir + "/confine").uid, 0u);
}

TEST_F(AppDirs, ExistingUserDirectoriesKeepTheirMode) {
  std::filesystem::create_directories(home_ + "/.local/share");
  ::chmod((home_ + "/.local").c_str(), 0755);
  auto p = ensure_user_data_dir(home_, key_, "1.0", DirOwner{0, 0});
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(lstat_of(home_ + "/.local").mode, 0755u);
  EXPECT_EQ(lstat_of(*p).mode, 0700u);
}

TEST_F(AppDirs, HomeOwnedBySomeoneElseIsRefused) {
  ASSERT_EQ(::chown(home_.c_str(), kOther, kOther), 0);
  auto p = ensure_user_data_dir(home_, key_, "1.0", DirOwner{0, 0});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().err, EPERM);
  EXPECT_NE(p.error().message.find("owned by uid 65534, not 0"), std::string::npos)
      << p.error().message;
  EXPECT_TRUE(is_empty_dir(home_));
}

TEST_F(AppDirs, SymlinkInsideHomeIsNotFollowed) {
  // The user (or someone who can write there) points ~/.local/share/confine
  // at a directory the privileged launcher must not create things in.
  std::string elsewhere = dir_ / "elsewhere";
  std::filesystem::create_directory(elsewhere);
  std::filesystem::create_directories(home_ + "/.local/share");
  std::filesystem::create_directory_symlink(elsewhere, home_ + "/.local/share/confine");
  auto p = ensure_user_data_dir(home_, key_, "1.0", DirOwner{0, 0});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().err, ELOOP);
  EXPECT_NE(p.error().message.find(home_ + "/.local/share/confine is a symlink"), std::string::npos)
      << p.error().message;
  EXPECT_TRUE(is_empty_dir(elsewhere));
}

TEST_F(AppDirs, RelativeHomeIsRefused) {
  auto p = ensure_user_data_dir("relative/home", key_, "1.0", DirOwner{0, 0});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().err, EINVAL);
}

TEST_F(AppDirs, TmpDirIsExactly0700WhateverTheUmask) {
  mode_t old = ::umask(0777);  // mkdir alone would create mode 0000
  auto t = ensure_tmp_dir(layout_, id_, DirOwner{0, 0}, false);
  ::umask(old);
  ASSERT_TRUE(t) << t.error().describe();
  EXPECT_EQ(*t, config_.tmp_dir + "/confine/0/hello.example_cli_1.0");
  EXPECT_EQ(lstat_of(config_.tmp_dir + "/confine").mode, 0711u);
  EXPECT_EQ(lstat_of(config_.tmp_dir + "/confine").uid, 0u);
  EXPECT_EQ(lstat_of(config_.tmp_dir + "/confine/0").mode, 0700u);
  EXPECT_EQ(lstat_of(*t).mode, 0700u);
  EXPECT_EQ(lstat_of(*t).uid, 0u);
}

// Runs `fn` in a child as `uid`, keeping root's permitted capabilities when
// `file_caps` (nothing effective: what file capabilities give an ordinary
// user), or none. Returns the child's exit status.
int as_user(uid_t uid, bool file_caps, const std::function<int()>& fn) {
  pid_t pid = fork();
  if (pid == 0) {
    if ((file_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) || setresgid(uid, uid, uid) != 0 ||
        setresuid(uid, uid, uid) != 0)
      _exit(100);
    _exit(fn());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The attack: a local user takes the name of another user's tmp parent
// before that user's first launch (mkdir -m700, or a symlink to /etc), so
// that every launch of the victim fails. The parents now live in root's
// <tmp_dir>/confine, where no user can create a name.
TEST_F(AppDirs, NoUserCanTakeAnotherUsersTmpParent) {
  constexpr uid_t kVictim = 4242;
  // A first launch (any user's) has made <tmp_dir>/confine.
  ASSERT_TRUE(ensure_tmp_dir(layout_, id_, DirOwner{0, 0}, false));
  const std::string top = config_.tmp_dir + "/confine";
  EXPECT_EQ(as_user(kOther, false, [&] {
              const std::string victims = top + "/" + std::to_string(kVictim);
              bool refused = ::mkdir(victims.c_str(), 0700) != 0 && errno == EACCES &&
                             ::symlink("/etc", victims.c_str()) != 0 && errno == EACCES;
              // The old names are no one's business any more.
              ::mkdir((config_.tmp_dir + "/confine-" + std::to_string(kVictim)).c_str(), 0700);
              return refused ? 0 : 1;
            }),
            0);
  // The victim's launch (file capabilities) works, and its parent is theirs.
  EXPECT_EQ(as_user(kVictim, true, [&] {
              auto t = ensure_tmp_dir(layout_, id_, DirOwner{kVictim, kVictim}, true);
              if (!t) {
                std::fprintf(stderr, "%s\n", t.error().describe().c_str());
                return 1;
              }
              // The capabilities raised for it are lowered again.
              auto caps = read_caps();
              return caps && caps->effective == 0 ? 0 : 2;
            }),
            0);
  Stat mine = lstat_of(top + "/" + std::to_string(kVictim));
  EXPECT_EQ(mine.uid, kVictim);
  EXPECT_EQ(mine.mode, 0700u);
  EXPECT_EQ(lstat_of(top + "/" + std::to_string(kVictim) + "/" + id_.str()).uid, kVictim);
}

TEST_F(AppDirs, AUserWithoutFileCapabilitiesCannotMakeTheirParent) {
  ASSERT_TRUE(ensure_tmp_dir(layout_, id_, DirOwner{0, 0}, false));
  EXPECT_EQ(as_user(4243, false, [&] {
              auto t = ensure_tmp_dir(layout_, id_, DirOwner{4243, 4243}, true);
              return !t && t.error().message.find("cannot act with file-system uid and gid 0") !=
                               std::string::npos
                         ? 0
                         : 1;
            }),
            0);
}

TEST_F(AppDirs, AttackerSymlinkAsTmpRootIsRefused) {
  // Another user made <tmp_dir>/confine a symlink to a directory of their
  // own before any launch, hoping apps write there.
  std::string attacker = dir_ / "attacker";
  std::filesystem::create_directory(attacker);
  ASSERT_EQ(::chown(attacker.c_str(), kOther, kOther), 0);
  ::chmod(attacker.c_str(), 0777);
  std::filesystem::create_directory_symlink(attacker, config_.tmp_dir + "/confine");
  auto t = ensure_tmp_dir(layout_, id_, DirOwner{0, 0}, false);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().err, ELOOP);
  EXPECT_NE(t.error().message.find(config_.tmp_dir + "/confine is a symlink"), std::string::npos)
      << t.error().message;
  EXPECT_NE(t.error().message.find("tmpfiles.d"), std::string::npos) << t.error().message;
  EXPECT_TRUE(is_empty_dir(attacker));
  EXPECT_TRUE(lstat_of(config_.tmp_dir + "/confine").is_link);  // not replaced either
}

TEST_F(AppDirs, AttackerSymlinkToAFileIsRefused) {
  std::string target = dir_ / "file";
  confine::testing::write_file(target, "x");
  std::filesystem::create_symlink(target, config_.tmp_dir + "/confine");
  auto t = ensure_tmp_dir(layout_, id_, DirOwner{0, 0}, false);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().err, ELOOP);
}

TEST_F(AppDirs, AttackerOwnedTmpRootIsRefused) {
  std::string root = config_.tmp_dir + "/confine";
  ASSERT_EQ(::mkdir(root.c_str(), 0711), 0);
  ASSERT_EQ(::chmod(root.c_str(), 0711), 0);
  ASSERT_EQ(::chown(root.c_str(), kOther, kOther), 0);
  auto t = ensure_tmp_dir(layout_, id_, DirOwner{0, 0}, false);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().err, EPERM);
  EXPECT_NE(t.error().message.find("owned by uid 65534 with mode 0711, not uid 0"),
            std::string::npos)
      << t.error().message;
  EXPECT_TRUE(is_empty_dir(root));
}

TEST_F(AppDirs, TmpParentReadableByOthersIsRefused) {
  ASSERT_TRUE(ensure_tmp_dir(layout_, id_, DirOwner{0, 0}, false));
  std::string root = config_.tmp_dir + "/confine/0";
  ASSERT_EQ(::chmod(root.c_str(), 0755), 0);
  auto t = ensure_tmp_dir(layout_, id_, DirOwner{0, 0}, false);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().err, EPERM);
  EXPECT_NE(t.error().message.find("with mode 0755, not uid 0 with mode 0700"), std::string::npos)
      << t.error().message;
}

TEST_F(AppDirs, AttackerSymlinkAsAppTmpDirIsRefused) {
  std::string root = config_.tmp_dir + "/confine/0";
  ASSERT_TRUE(ensure_tmp_dir(layout_, id_, DirOwner{0, 0}, false));
  std::filesystem::remove(root + "/" + id_.str());
  std::string attacker = dir_ / "attacker";
  std::filesystem::create_directory(attacker);
  std::filesystem::create_directory_symlink(attacker, root + "/" + id_.str());
  auto t = ensure_tmp_dir(layout_, id_, DirOwner{0, 0}, false);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().err, ELOOP);
}

TEST_F(AppDirs, MissingDataDirIsCreatedByRoot) {
  ASSERT_TRUE(ensure_data_dir(layout_, key_, "1.0", true).ok());
  Stat s = lstat_of(config_.data_dir + "/hello.example/1.0");
  EXPECT_TRUE(s.is_dir);
  EXPECT_EQ(s.uid, 0u);
  EXPECT_EQ(s.mode, 0755u);
}

// A configured data_dir may name "." components (the configuration refuses
// only ".."): they are the directory itself, not a name to create.
TEST_F(AppDirs, DotComponentsOfTheConfiguredDataDirAreSkipped) {
  Config c = config_;
  c.data_dir = dir_.path() + "/./data/.";
  const Layout layout(c);
  Status st = ensure_data_dir(layout, key_, "1.0", true);
  ASSERT_TRUE(st.ok()) << st.error().describe();
  EXPECT_TRUE(lstat_of(config_.data_dir + "/hello.example/1.0").is_dir);
}

TEST_F(AppDirs, MissingDataDirIsLeftAloneWithoutRoot) {
  ASSERT_TRUE(ensure_data_dir(layout_, key_, "1.0", false).ok());
  EXPECT_FALSE(lstat_of(config_.data_dir).exists);
}

TEST_F(AppDirs, DataDirThatIsAFileIsRefused) {
  confine::testing::write_file(config_.data_dir + "/hello.example/1.0", "x");
  Status s = ensure_data_dir(layout_, key_, "1.0", true);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().err, ENOTDIR);
}

TEST_F(AppDirs, DataDirIsNotCreatedThroughASymlink) {
  std::string elsewhere = dir_ / "elsewhere";
  std::filesystem::create_directory(elsewhere);
  std::filesystem::create_directory(config_.data_dir);
  std::filesystem::create_directory_symlink(elsewhere, config_.data_dir + "/hello.example");
  std::filesystem::remove(elsewhere);  // dangling: stat says ENOENT
  Status s = ensure_data_dir(layout_, key_, "1.0", true);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().err, ELOOP);
  EXPECT_FALSE(lstat_of(elsewhere).exists);
}

}  // namespace
}  // namespace confine::launch
