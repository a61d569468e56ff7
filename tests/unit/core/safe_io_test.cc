// open_trusted() and TrustedDir: what a launcher running as root would and
// would not read. TrustedDir opens files below a checked directory from its
// fd; it must refuse exactly what open_trusted() refuses.
#include "core/safe_io.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "test_support.h"

namespace confine {
namespace {

using testing::TempDir;
using testing::write_file;

class TrustedDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(testing::is_root(), "the checks require root-owned files; run as root");
    std::filesystem::create_directories(tmp / "policy/grants");
    ::chmod((tmp / "policy").c_str(), 0755);
    ::chmod((tmp / "policy/grants").c_str(), 0755);
    write_file(tmp / "policy/grants/app", "capability net_raw\n");
  }
  TempDir tmp;
};

TEST_F(TrustedDirTest, ReadsFilesBelowByAbsoluteOrRelativePath) {
  auto dir = TrustedDir::open(tmp / "policy");
  ASSERT_TRUE(dir) << dir.error().describe();
  EXPECT_EQ(dir->path(), tmp / "policy");
  auto abs = dir->read_file(tmp / "policy/grants/app", 1024);
  ASSERT_TRUE(abs) << abs.error().describe();
  EXPECT_EQ(*abs, "capability net_raw\n");
  auto rel = dir->read_file("grants/app", 1024);
  ASSERT_TRUE(rel) << rel.error().describe();
  EXPECT_EQ(*rel, *abs);
}

TEST_F(TrustedDirTest, PathOutsideIsWalkedFromRoot) {
  write_file(tmp / "elsewhere", "x");
  auto dir = TrustedDir::open(tmp / "policy");
  ASSERT_TRUE(dir);
  auto text = dir->read_file(tmp / "elsewhere", 16);
  ASSERT_TRUE(text) << text.error().describe();
  EXPECT_EQ(*text, "x");
  // A sibling whose name starts with the directory's is not "below" it.
  write_file(tmp / "policyx", "y");
  auto sib = dir->read_file(tmp / "policyx", 16);
  ASSERT_TRUE(sib) << sib.error().describe();
  EXPECT_EQ(*sib, "y");
}

TEST_F(TrustedDirTest, RefusesSymlinksBelow) {
  write_file(tmp / "secret", "s");
  ASSERT_EQ(::symlink((tmp / "secret").c_str(), (tmp / "policy/grants/link").c_str()), 0);
  ASSERT_EQ(::symlink((tmp / "policy/grants").c_str(), (tmp / "policy/gl").c_str()), 0);
  auto dir = TrustedDir::open(tmp / "policy");
  ASSERT_TRUE(dir);
  auto f = dir->read_file("grants/link", 16);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().err, ELOOP);
  auto d = dir->read_file(tmp / "policy/gl/app", 16);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().err, ELOOP);
  // The same answers as open_trusted() gives walking from "/".
  EXPECT_EQ(open_trusted(tmp / "policy/grants/link").error().err, ELOOP);
  EXPECT_EQ(open_trusted(tmp / "policy/gl/app").error().err, ELOOP);
}

TEST_F(TrustedDirTest, RefusesWritableOrForeignComponentsBelow) {
  auto dir = TrustedDir::open(tmp / "policy");
  ASSERT_TRUE(dir);
  ASSERT_EQ(::chmod((tmp / "policy/grants").c_str(), 0777), 0);
  auto w = dir->read_file("grants/app", 1024);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().err, EPERM);
  EXPECT_NE(w.error().message.find(tmp / "policy/grants"), std::string::npos) << w.error().message;
  ASSERT_EQ(::chmod((tmp / "policy/grants").c_str(), 0755), 0);
  ASSERT_EQ(::chown((tmp / "policy/grants/app").c_str(), 1000, 1000), 0);
  auto o = dir->read_file("grants/app", 1024);
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().err, EPERM);
}

TEST_F(TrustedDirTest, RefusesDotDotAndNonFiles) {
  auto dir = TrustedDir::open(tmp / "policy");
  ASSERT_TRUE(dir);
  EXPECT_EQ(dir->read_file("grants/../grants/app", 16).error().err, EINVAL);
  EXPECT_EQ(dir->read_file(tmp / "policy/grants/../grants/app", 16).error().err, EINVAL);
  EXPECT_EQ(dir->read_file("grants", 16).error().err, EINVAL);  // a directory
  EXPECT_EQ(dir->read_file("", 16).error().err, EINVAL);
  EXPECT_EQ(dir->read_file("grants/missing", 16).error().err, ENOENT);
  EXPECT_EQ(dir->read_file("grants/app", 4).error().err, EFBIG);
}

TEST_F(TrustedDirTest, OpenRefusesAnUntrustedDirectory) {
  ASSERT_EQ(::chmod((tmp / "policy").c_str(), 0775), 0);
  auto dir = TrustedDir::open(tmp / "policy");
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().err, EPERM);
  auto file = TrustedDir::open(tmp / "policy/grants/app");
  ASSERT_FALSE(file);
  ASSERT_EQ(::symlink((tmp / "policy").c_str(), (tmp / "plink").c_str()), 0);
  auto link = TrustedDir::open(tmp / "plink");
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error().err, ELOOP);
}

// The one primitive every trusted walk is made of (locate.cc and
// app_dirs.cc use it directly): one component, never a symlink.
TEST_F(TrustedDirTest, OneComponentAtATimeNeverASymlink) {
  auto dir = open_trusted_dir(tmp / "policy");
  ASSERT_TRUE(dir) << dir.error().describe();
  auto ok = open_trusted_at(dir->get(), "grants", tmp / "policy/grants", {}, Node::dir);
  ASSERT_TRUE(ok) << ok.error().describe();
  ASSERT_EQ(::symlink((tmp / "policy/grants").c_str(), (tmp / "policy/gl").c_str()), 0);
  auto link = open_trusted_at(dir->get(), "gl", tmp / "policy/gl", {}, Node::dir);
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error().err, ELOOP);
  EXPECT_NE(link.error().message.find("is a symlink"), std::string::npos) << link.error().message;
  // A name is one component: never a path that could climb or descend.
  EXPECT_EQ(open_component(dir->get(), "..", "..", Node::dir).error().err, EINVAL);
  EXPECT_EQ(open_component(dir->get(), "grants/app", "x", Node::file).error().err, EINVAL);
  EXPECT_EQ(open_trusted_dir(tmp / "policy/grants/app").error().err, ENOTDIR);
}

// A user's own directory only needs to be the user's; root's artifacts may
// not be writable by anyone else.
TEST_F(TrustedDirTest, OwnerOnlyWritesIsThePolicysChoice) {
  ASSERT_EQ(::chmod((tmp / "policy/grants").c_str(), 0775), 0);
  auto dir = open_trusted_dir(tmp / "policy");
  ASSERT_TRUE(dir);
  auto strict = open_trusted_at(dir->get(), "grants", "grants", {}, Node::dir);
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().err, EPERM);
  auto owned = open_trusted_at(dir->get(), "grants", "grants", {0, false}, Node::dir);
  EXPECT_TRUE(owned) << owned.error().describe();
  auto other = open_trusted_at(dir->get(), "grants", "grants", {65534, false}, Node::dir);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().err, EPERM);
}

// Where openat2 is refused (a kernel before 5.6: ENOSYS; a container's
// seccomp profile older than it: EPERM), the walk falls back to openat with
// O_NOFOLLOW and refuses exactly the same things.
TEST_F(TrustedDirTest, WithoutOpenat2TheWalkRefusesTheSame) {
  ASSERT_EQ(::symlink((tmp / "policy/grants").c_str(), (tmp / "policy/gl").c_str()), 0);
  for (int err : {ENOSYS, EPERM}) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      struct sock_filter code[] = {
          BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
          BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
          BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | static_cast<uint32_t>(err)),
          BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      };
      struct sock_fprog prog = {sizeof code / sizeof code[0], code};
      if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
          ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
        ::_exit(10);
      if (::syscall(SYS_openat2, AT_FDCWD, "/", nullptr, 0) != -1 || errno != err) ::_exit(11);
      auto text = read_trusted(tmp / "policy/grants/app", 1024);
      if (!text || *text != "capability net_raw\n") ::_exit(12);
      if (open_trusted(tmp / "policy/gl/app").error().err != ELOOP) ::_exit(13);
      ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "openat2 refused with errno " << err;
  }
}

}  // namespace
}  // namespace confine
