// Package users: their names, collisions with accounts that are not
// theirs, useradd/userdel under a throw-away accounts_root, and the data
// dir handed over without following what its user planted in it.
#include "install/users.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "core/error.h"
#include "install/users_step.h"
#include "test_support.h"

namespace confine::install {
namespace {

PackageKey key(const std::string& s) {
  return value_or_throw(PackageKey::parse(s));
}

// In-memory accounts: what ensure_package_user asks and adds.
class FakeAccounts final : public AccountDb {
 public:
  std::optional<Account> user(const std::string& name) const override {
    auto it = users.find(name);
    if (it == users.end()) return std::nullopt;
    return it->second;
  }
  std::optional<gid_t> group(const std::string& name) const override {
    auto it = groups.find(name);
    if (it == groups.end()) return std::nullopt;
    return it->second;
  }
  Account add_system_user(const std::string& name, const std::string& gecos) override {
    Account a{name, next, next, gecos};
    ++next;
    users[name] = a;
    groups[name] = a.gid;
    added.push_back(name);
    return a;
  }
  void remove_user(const std::string& name) override { users.erase(name); }

  std::map<std::string, Account> users;
  std::map<std::string, gid_t> groups;
  std::vector<std::string> added;
  uid_t next = 990;
};

TEST(PackageUserName, DerivedFromTheKey) {
  EXPECT_EQ(user_name_candidates(key("hello.example"))[0], "c_hello_example");
  EXPECT_EQ(user_name_candidates(key("fw"))[0], "c_fw");
  // '-' stays, '.' becomes '_': "ab-cd.ef" and "ab.cd-ef" stay apart.
  EXPECT_EQ(user_name_candidates(key("ab-cd.ef"))[0], "c_ab-cd_ef");
  EXPECT_EQ(user_name_candidates(key("ab.cd-ef"))[0], "c_ab_cd-ef");
  auto c = user_name_candidates(key("hello.example"));
  ASSERT_EQ(c.size(), 10u);
  EXPECT_EQ(c[1], "c_hello_example-2");
  EXPECT_EQ(c[9], "c_hello_example-10");
}

TEST(PackageUserName, LongKeysAreCutAndHashed) {
  const auto a = user_name_candidates(key("averyveryverylongpackagename.someorigin"));
  const auto b = user_name_candidates(key("averyveryverylongpackagename.someorigim"));
  for (const auto& n : a) {
    EXPECT_LE(n.size(), 32u) << n;
    EXPECT_EQ(n.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-"), std::string::npos)
        << n;
  }
  EXPECT_TRUE(a[0].starts_with("c_averyveryverylong")) << a[0];
  EXPECT_NE(a[0], b[0]) << "same prefix, different keys";
  EXPECT_TRUE(a[3].ends_with("-4")) << a[3];
  EXPECT_EQ(a[0], user_name_candidates(key("averyveryverylongpackagename.someorigin"))[0])
      << "stable";
}

TEST(PackageUser, CreatedOnceThenFoundByItsMark) {
  FakeAccounts db;
  bool created = false;
  Account a = ensure_package_user(db, key("hello.example"), created);
  EXPECT_TRUE(created);
  EXPECT_EQ(a.name, "c_hello_example");
  EXPECT_EQ(a.gecos, "confine package hello.example");
  Account again = ensure_package_user(db, key("hello.example"), created);
  EXPECT_FALSE(created);
  EXPECT_EQ(again.uid, a.uid);
  EXPECT_EQ(db.added.size(), 1u);
}

TEST(PackageUser, TakenNamesAreSkipped) {
  FakeAccounts db;
  // Someone else's user, and someone else's group, under the first names.
  db.users["c_hello_example"] = Account{"c_hello_example", 500, 500, "Hello Admin"};
  db.groups["c_hello_example-2"] = 501;
  bool created = false;
  Account a = ensure_package_user(db, key("hello.example"), created);
  EXPECT_TRUE(created);
  EXPECT_EQ(a.name, "c_hello_example-3");
  // Found again later by its mark, not by the first free name.
  db.users.erase("c_hello_example");
  Account again = ensure_package_user(db, key("hello.example"), created);
  EXPECT_FALSE(created);
  EXPECT_EQ(again.name, "c_hello_example-3");
  ASSERT_TRUE(find_package_user(db, key("hello.example")));
  EXPECT_FALSE(find_package_user(db, key("other.example")));
}

TEST(PackageUser, EveryNameTakenIsAnError) {
  FakeAccounts db;
  for (const auto& n : user_name_candidates(key("hello.example")))
    db.users[n] = Account{n, 600, 600, "not confine's"};
  bool created = false;
  try {
    ensure_package_user(db, key("hello.example"), created);
    ADD_FAILURE() << "no error";
  } catch (const ConfineError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot choose a user for hello.example: "
                                         "c_hello_example, c_hello_example-2"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(db.added.empty());
}

TEST(PackageUser, UseraddAndUserdelUnderAccountsRoot) {
  CONFINE_REQUIRE(testing::is_root(), "useradd needs root");
  CONFINE_REQUIRE(::access("/usr/sbin/useradd", X_OK) == 0, "useradd not installed");
  testing::TempDir dir;
  Config config;
  config.accounts_root = testing::make_accounts_root(dir.path());
  auto db = system_accounts(config);
  bool created = false;
  Account a = ensure_package_user(*db, key("hello.example"), created);
  EXPECT_TRUE(created);
  EXPECT_NE(a.uid, 0u);
  EXPECT_LT(a.uid, 1000u) << "a system uid";
  const std::string passwd = testing::read_file(dir / "etc/passwd");
  EXPECT_NE(passwd.find("c_hello_example:x:" + std::to_string(a.uid) + ":" + std::to_string(a.gid) +
                        ":confine package hello.example:/nonexistent:/usr/sbin/nologin\n"),
            std::string::npos)
      << passwd;
  EXPECT_EQ(db->group("c_hello_example"), a.gid);
  EXPECT_EQ(db->group("audio"), gid_t{29});
  db->remove_user(a.name);
  EXPECT_FALSE(db->user(a.name));
  EXPECT_FALSE(db->group(a.name)) << "its own group goes with it";
}

class HandOver : public ::testing::Test {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(testing::is_root(), "chown to another uid needs root");
    data_ = dir_ / "data";
    testing::write_file(data_ + "/sub/file", "x");
    testing::write_file(dir_ / "outside", "root's");
    ::chmod(data_.c_str(), 0755);
  }
  uid_t owner_of(const std::string& p) {
    struct stat st;
    return ::lstat(p.c_str(), &st) == 0 ? st.st_uid : 12345;
  }
  testing::TempDir dir_;
  std::string data_;
};

TEST_F(HandOver, EverythingBecomesTheUsers) {
  ASSERT_EQ(::symlink("sub/file", (data_ + "/link").c_str()), 0);
  hand_over_data_dir(data_, 4242, 4343);
  struct stat st;
  ASSERT_EQ(::stat(data_.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 4242u);
  EXPECT_EQ(st.st_gid, 4343u);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_EQ(owner_of(data_ + "/sub"), 4242u);
  EXPECT_EQ(owner_of(data_ + "/sub/file"), 4242u);
  EXPECT_EQ(owner_of(data_ + "/link"), 4242u) << "the link itself";
}

TEST_F(HandOver, SymlinkToARootFileIsNotFollowed) {
  ASSERT_EQ(::symlink((dir_ / "outside").c_str(), (data_ + "/evil").c_str()), 0);
  ASSERT_EQ(::symlink(dir_.path().c_str(), (data_ + "/evildir").c_str()), 0);
  hand_over_data_dir(data_, 4242, 4343);
  EXPECT_EQ(owner_of(dir_ / "outside"), 0u) << "the target stays root's";
  EXPECT_EQ(owner_of(dir_.path()), 0u);
}

TEST_F(HandOver, HardLinkToARootFileIsRefused) {
  ASSERT_EQ(::link((dir_ / "outside").c_str(), (data_ + "/sub/evil").c_str()), 0);
  try {
    hand_over_data_dir(data_, 4242, 4343);
    ADD_FAILURE() << "no error";
  } catch (const ConfineError& e) {
    EXPECT_NE(std::string(e.what()).find(data_ + "/sub/evil: a file with 2 hard links"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(owner_of(dir_ / "outside"), 0u) << "the linked file stays root's";
}

TEST_F(HandOver, TheDataDirItselfMustNotBeASymlink) {
  const std::string link = dir_ / "datalink";
  ASSERT_EQ(::symlink((dir_ / "outside").c_str(), link.c_str()), 0);
  EXPECT_THROW(hand_over_data_dir(link, 4242, 4343), ConfineError);
  EXPECT_EQ(owner_of(dir_ / "outside"), 0u);
}

}  // namespace
}  // namespace confine::install
