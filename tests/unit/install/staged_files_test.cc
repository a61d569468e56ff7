// StagedFiles: what a launch can observe while an install step stages,
// commits or abandons its per-APP_ID files.
#include "install/staged_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "test_support.h"

namespace confine::install {
namespace {

using confine::testing::read_file;
using confine::testing::TempDir;
using confine::testing::write_file;

bool exists(const std::string& p) {
  return ::access(p.c_str(), F_OK) == 0;
}

TEST(StagedFiles, NothingChangesBeforeCommitThenEveryFileIsReplaced) {
  TempDir dir;
  write_file(dir / "a", "old a");
  StagedFiles files;
  files.stage(dir / "a", "new a");
  files.stage(dir / "b", "new b", 0600);
  EXPECT_EQ(read_file(dir / "a"), "old a");  // a launch now still sees the old file
  EXPECT_FALSE(exists(dir / "b"));
  files.commit();
  EXPECT_EQ(read_file(dir / "a"), "new a");
  EXPECT_EQ(read_file(dir / "b"), "new b");
  struct stat st {};
  ASSERT_EQ(::stat((dir / "b").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_FALSE(exists(StagedFiles::staged_path(dir / "a")));
  EXPECT_FALSE(exists(StagedFiles::staged_path(dir / "b")));
}

TEST(StagedFiles, DiscardKeepsThePreviousFilesAndLeavesNoStagedCopy) {
  TempDir dir;
  write_file(dir / "a", "old a");
  StagedFiles files;
  files.stage(dir / "a", "new a");
  files.discard();
  EXPECT_EQ(read_file(dir / "a"), "old a");
  EXPECT_FALSE(exists(StagedFiles::staged_path(dir / "a")));
  files.commit();  // nothing left to commit
  EXPECT_EQ(read_file(dir / "a"), "old a");
}

TEST(StagedFiles, FailedCommitNamesTheFileAndDiscardCleansTheRest) {
  TempDir dir;
  write_file(dir / "b", "old b");
  ASSERT_EQ(::mkdir((dir / "a").c_str(), 0755), 0);  // rename(file, dir) fails
  write_file(dir / "a/keep", "x");
  StagedFiles files;
  files.stage(dir / "a", "new a");
  files.stage(dir / "b", "new b");
  try {
    files.commit();
    FAIL() << "commit over a directory succeeded";
  } catch (const ConfineError& e) {
    EXPECT_EQ(std::string(e.what()).find("cannot move " + StagedFiles::staged_path(dir / "a")), 0u)
        << e.what();
  }
  files.discard();
  EXPECT_EQ(read_file(dir / "b"), "old b");  // never half-installed
  EXPECT_FALSE(exists(StagedFiles::staged_path(dir / "a")));
  EXPECT_FALSE(exists(StagedFiles::staged_path(dir / "b")));
}

TEST(StagedFiles, RemoveTakesTheFileAndALeftoverStagedCopy) {
  TempDir dir;
  write_file(dir / "a", "a");
  write_file(StagedFiles::staged_path(dir / "a"), "staged");
  remove_with_staged(dir / "a");
  EXPECT_FALSE(exists(dir / "a"));
  EXPECT_FALSE(exists(StagedFiles::staged_path(dir / "a")));
  remove_with_staged(dir / "a");  // already gone: not an error
}

}  // namespace
}  // namespace confine::install
