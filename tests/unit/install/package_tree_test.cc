// The tree helpers on their own: what an attacker-controlled package or data
// dir can and cannot make root do.
#include "install/package_tree.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/safe_io.h"
#include "test_support.h"

namespace confine::install {
namespace {

constexpr unsigned long long kLimit = 4ULL << 30;  // the configuration's default

std::string link_of(const std::string& p) {
  char buf[4096];
  ssize_t n = ::readlink(p.c_str(), buf, sizeof buf);
  return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}

TEST(PackageTreeTest, DataCopyKeepsLinksAsLinksAndSkipsSockets) {
  testing::TempDir t;
  testing::write_file(t / "old/state", "s", 0640);
  testing::write_file(t / "old/sub/deep", "d", 0600);
  ASSERT_EQ(::symlink("/etc/shadow", (t / "old/shadow").c_str()), 0);
  ASSERT_EQ(::mkfifo((t / "old/fifo").c_str(), 0600), 0);
  ASSERT_EQ(::chmod((t / "old/state").c_str(), 04755), 0);
  copy_data_tree(t / "old", t / "new");
  EXPECT_EQ(testing::read_file(t / "new/sub/deep"), "d");
  EXPECT_EQ(link_of(t / "new/shadow"), "/etc/shadow") << "copied as a link, never followed";
  struct stat st;
  EXPECT_NE(::lstat((t / "new/fifo").c_str(), &st), 0) << "fifos are not carried over";
  ASSERT_EQ(::lstat((t / "new/state").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u) << "setuid dropped";
}

TEST(PackageTreeTest, DataCopyKeepsOwners) {
  CONFINE_REQUIRE(testing::is_root(), "chown needs root");
  testing::TempDir t;
  testing::write_file(t / "old/mine", "x", 0600);
  ASSERT_EQ(::chown((t / "old/mine").c_str(), 1234, 5678), 0);
  copy_data_tree(t / "old", t / "new");
  struct stat st;
  ASSERT_EQ(::lstat((t / "new/mine").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 1234u);
  EXPECT_EQ(st.st_gid, 5678u);
}

TEST(PackageTreeTest, PackageCopyIsOwnedByRoot) {
  CONFINE_REQUIRE(testing::is_root(), "chown needs root");
  testing::TempDir t;
  testing::write_file(t / "pkg/bin/x", "x", 0755);
  ASSERT_EQ(::chown((t / "pkg/bin/x").c_str(), 1234, 5678), 0);
  ASSERT_EQ(::chown((t / "pkg/bin").c_str(), 1234, 5678), 0);
  copy_package_tree(t / "pkg", t / "copy", kLimit);
  struct stat st;
  ASSERT_EQ(::lstat((t / "copy/bin/x").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_gid, 0u);
  ASSERT_EQ(::lstat((t / "copy/bin").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
}

TEST(PackageTreeTest, TreesEqualSeesContentModeAndLinkChanges) {
  testing::TempDir t;
  testing::write_file(t / "a/f", "same", 0644);
  ASSERT_EQ(::symlink("f", (t / "a/l").c_str()), 0);
  copy_package_tree(t / "a", t / "b", kLimit);
  EXPECT_TRUE(trees_equal(t / "a", t / "b"));

  testing::write_file(t / "b/f", "diff", 0644);
  EXPECT_FALSE(trees_equal(t / "a", t / "b")) << "content";
  testing::write_file(t / "b/f", "same", 0755);
  EXPECT_FALSE(trees_equal(t / "a", t / "b")) << "mode";
  ASSERT_EQ(::chmod((t / "b/f").c_str(), 0644), 0);
  EXPECT_TRUE(trees_equal(t / "a", t / "b"));
  ASSERT_EQ(::unlink((t / "b/l").c_str()), 0);
  ASSERT_EQ(::symlink("./f", (t / "b/l").c_str()), 0);
  EXPECT_FALSE(trees_equal(t / "a", t / "b")) << "link target";
  ASSERT_EQ(::unlink((t / "b/l").c_str()), 0);
  EXPECT_FALSE(trees_equal(t / "a", t / "b")) << "missing entry";
}

TEST(PackageTreeTest, ReplaceSymlinkSwapsTheTarget) {
  testing::TempDir t;
  replace_symlink("1.0", t / "current");
  EXPECT_EQ(link_of(t / "current"), "1.0");
  replace_symlink("2.0", t / "current");
  EXPECT_EQ(link_of(t / "current"), "2.0");
  // Nothing else is left beside it.
  EXPECT_TRUE(remove_tree(t / "current"));
  EXPECT_EQ(::rmdir(t.path().c_str()), 0) << "directory was empty";
  ::mkdir(t.path().c_str(), 0755);
}

TEST(PackageTreeTest, CopyRefusesAnExistingDestination) {
  testing::TempDir t;
  testing::write_file(t / "pkg/x", "x");
  ::mkdir((t / "dst").c_str(), 0755);
  EXPECT_THROW(copy_package_tree(t / "pkg", t / "dst", kLimit), ConfineError);
}

// A hostile package with a 2 GiB sparse file used to be copied as 2 GiB of
// zeros (and took 15 s): holes stay holes, the data around them is kept.
TEST(PackageTreeTest, SparseFilesStaySparse) {
  testing::TempDir t;
  testing::write_file(t / "pkg/big", "");
  {
    UniqueFd fd(::open((t / "pkg/big").c_str(), O_WRONLY | O_CLOEXEC));
    ASSERT_TRUE(fd.valid());
    ASSERT_EQ(::pwrite(fd.get(), "head", 4, 0), 4);
    ASSERT_EQ(::pwrite(fd.get(), "tail", 4, (2LL << 30) - 4), 4);
  }
  copy_package_tree(t / "pkg", t / "copy", kLimit);
  struct stat st;
  ASSERT_EQ(::stat((t / "copy/big").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 2LL << 30);
  EXPECT_LT(st.st_blocks * 512, 1LL << 20) << "the holes were filled";
  UniqueFd fd(::open((t / "copy/big").c_str(), O_RDONLY | O_CLOEXEC));
  char buf[5] = {};
  ASSERT_EQ(::pread(fd.get(), buf, 4, 0), 4);
  EXPECT_STREQ(buf, "head");
  ASSERT_EQ(::pread(fd.get(), buf, 4, (2LL << 30) - 4), 4);
  EXPECT_STREQ(buf, "tail");
  EXPECT_TRUE(trees_equal(t / "pkg", t / "copy"));
}

TEST(PackageTreeTest, APackageOverTheSizeLimitIsRefusedNamingTheFile) {
  testing::TempDir t;
  testing::write_file(t / "pkg/small", "x");
  testing::write_file(t / "pkg/sub/big", "");
  ASSERT_EQ(::truncate((t / "pkg/sub/big").c_str(), 2LL << 20), 0);
  try {
    copy_package_tree(t / "pkg", t / "copy", 1ULL << 20);
    ADD_FAILURE() << "copied";
  } catch (const ConfineError& e) {
    EXPECT_NE(std::string(e.what()).find(t / "pkg/sub/big"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("max_package_size"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace confine::install
