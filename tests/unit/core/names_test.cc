#include "core/names.h"

#include <gtest/gtest.h>

namespace confine {
namespace {

TEST(AppId, RoundTripsBothForms) {
  for (const char* s : {"foo.myorigin_bar_0.1", "foo_bar_1.0", "a1.b2_C-3_1:2.3+4~5-6"}) {
    auto id = AppId::parse(s);
    ASSERT_TRUE(id.ok()) << s << ": " << id.error().message;
    EXPECT_EQ(id->str(), s);
  }
  auto id = AppId::parse("foo.myorigin_bar_0.1");
  EXPECT_EQ(id->key.name, "foo");
  EXPECT_EQ(id->key.origin, "myorigin");
  EXPECT_EQ(id->app, "bar");
  EXPECT_EQ(id->version, "0.1");
  EXPECT_TRUE(id->has_origin());
  EXPECT_FALSE(AppId::parse("foo_bar_1")->has_origin());
}

TEST(AppId, RejectsBadNamesQuotingThem) {
  const std::string nul("fo\0o_bar_1", 10);
  for (std::string s : {std::string("../x_bar_1"), std::string("a_b"), std::string("Foo_bar_1"),
                        std::string(41, 'a') + "_bar_1", std::string(""), nul,
                        std::string("f\xc3\xa9o_bar_1"), std::string("foo_bar_1_2"),
                        std::string("foo._bar_1"), std::string("foo_ba--r_1"),
                        std::string("foo_bar_/1"), std::string("foo_bar_.1"),
                        std::string("foo.o.r_bar_1"), std::string("123_bar_1")}) {
    auto id = AppId::parse(s);
    EXPECT_FALSE(id.ok()) << s;
    if (!id.ok()) {
      EXPECT_NE(id.error().message.find("invalid"), std::string::npos);
    }
  }
  EXPECT_NE(AppId::parse(nul).error().message.find("\\x00"), std::string::npos);
}

TEST(Names, PackageNameRules) {
  EXPECT_TRUE(check_package_name("foo").ok());
  EXPECT_TRUE(check_package_name("a-1").ok());
  EXPECT_TRUE(check_package_name(std::string(40, 'a')).ok());
  EXPECT_FALSE(check_package_name(std::string(41, 'a')).ok());
  EXPECT_FALSE(check_package_name("a").ok());
  EXPECT_FALSE(check_package_name("12").ok());  // needs a letter
  EXPECT_FALSE(check_package_name("a--b").ok());
  EXPECT_FALSE(check_package_name("-ab").ok());
  EXPECT_FALSE(check_package_name("ab-").ok());
  EXPECT_FALSE(check_package_name("aB").ok());
  EXPECT_FALSE(check_package_name("a_b").ok());
  EXPECT_EQ(check_package_name("Foo").error().message,
            "invalid package name \"Foo\": must match ^[a-z0-9](-?[a-z0-9])*$");
}

TEST(Names, AppNameAndVersionRules) {
  EXPECT_TRUE(check_app_name("A").ok());
  EXPECT_TRUE(check_app_name("Cli-2").ok());
  EXPECT_FALSE(check_app_name("").ok());
  EXPECT_FALSE(check_app_name(std::string(41, 'a')).ok());
  EXPECT_FALSE(check_app_name("a.b").ok());
  EXPECT_TRUE(check_version("1.0~rc1+git:2-3").ok());
  EXPECT_FALSE(check_version("_1").ok());
  EXPECT_FALSE(check_version("1/2").ok());
  EXPECT_FALSE(check_version(".1").ok());
  EXPECT_FALSE(check_version(std::string(33, '1')).ok());
  EXPECT_FALSE(check_version("").ok());
}

TEST(AppRef, AcceptsAppIdOrKeyAndApp) {
  auto full = AppRef::parse("foo.me_cli_2");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->version, std::optional<std::string>("2"));
  auto cur = AppRef::parse("foo.me_cli");
  ASSERT_TRUE(cur.ok());
  EXPECT_EQ(cur->version, std::nullopt);
  EXPECT_EQ(cur->key.str(), "foo.me");
  EXPECT_FALSE(AppRef::parse("foo").ok());
  EXPECT_FALSE(AppRef::parse("../../etc_passwd").ok());
}

}  // namespace
}  // namespace confine
