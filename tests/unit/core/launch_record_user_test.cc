// The user lines of a launch record: written and read back, and every
// damaged form refused (confine-run trusts these ids).
#include <gtest/gtest.h>

#include "core/launch_record.h"

namespace confine {
namespace {

const std::string kBase =
    "format=1\napp_id=hello.example_daemon_1.0\ntype=app\nexec=bin/daemon\nlayers=seccomp\n";

TEST(LaunchRecordUser, RoundTrips) {
  LaunchRecord r;
  r.id = *AppId::parse("hello.example_daemon_1.0");
  r.exec = "bin/daemon";
  r.layers = {"seccomp"};
  r.user = RunUser{"c_hello_example", 990, 991, {29, 44}};
  const std::string text = r.serialize();
  EXPECT_NE(text.find("\nuser=c_hello_example:990:991\ngroups=29,44\n"), std::string::npos) << text;
  auto back = LaunchRecord::parse(text, "rec");
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_EQ(back->user, r.user);
  r.user->groups.clear();
  back = LaunchRecord::parse(r.serialize(), "rec");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->user->groups.empty());
  r.user.reset();
  EXPECT_EQ(r.serialize().find("user="), std::string::npos);
  EXPECT_FALSE(LaunchRecord::parse(r.serialize(), "rec")->user);
}

TEST(LaunchRecordUser, DamagedUserLinesAreRefused) {
  for (const char* bad : {
           "user=c_x:0:991\ngroups=\n",           // uid 0
           "user=c_x:990:0\ngroups=\n",           // gid 0
           "user=c_x:990:991\ngroups=0\n",        // root's group
           "user=c_x:990:991\n",                  // groups missing
           "groups=29\n",                         // user missing
           "user=c_x:990\ngroups=\n",             // no gid
           "user=:990:991\ngroups=\n",            // no name
           "user=C_X:990:991\ngroups=\n",         // bad name
           "user=c_x:-1:991\ngroups=\n",          // not a number
           "user=c_x:4294967295:991\ngroups=\n",  // (uid_t)-1
           "user=c_x:0990:991\ngroups=\n",        // leading zero
           "user=c_x:990:991\ngroups=29,\n",      // trailing comma
           "user=c_x:990:991\ngroups=29,,4\n",
       }) {
    SCOPED_TRACE(bad);
    auto r = LaunchRecord::parse(kBase + bad, "rec");
    EXPECT_FALSE(r.ok());
  }
}

}  // namespace
}  // namespace confine
