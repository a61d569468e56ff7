#include "devices/rules.h"

#include <gtest/gtest.h>

#include "devices/grants.h"
#include "launch/privileges.h"

namespace confine::devices {
namespace {

TEST(DeviceRules, ParseAndFormatRoundTrip) {
  for (const char* s : {"c 1:3 rwm", "c 116:* rw", "b 7:0 r", "c *:* m", "b 4095:1048575 wm"}) {
    auto r = parse_rule(s);
    ASSERT_TRUE(r) << s << ": " << r.error().message;
    EXPECT_EQ(format_rule(*r), s);
  }
  auto r = parse_rule("c 116:* rw");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, 'c');
  EXPECT_EQ(r->major, 116);
  EXPECT_EQ(r->minor, kAny);
  EXPECT_EQ(r->access, kAccessRead | kAccessWrite);
}

TEST(DeviceRules, AccessLettersAreNormalisedOnOutput) {
  auto r = parse_rule("c 1:3 mwr");
  ASSERT_TRUE(r);
  EXPECT_EQ(format_rule(*r), "c 1:3 rwm");
}

TEST(DeviceRules, BadRulesAreRefusedAndQuoted) {
  for (const char* s : {"", "c 1:3", "a 1:3 rw", "c 1 rw", "c 1:3 rwx", "c 1:3 rr", "c -1:3 rw",
                        "c 4096:0 rw", "c 1:1048576 rw", "c 01:3 rw", "c 1:3  rw", " c 1:3 rw",
                        "c 1:3 rw ", "c 1:3 ", "c +1:3 rw", "c 1:3:4 rw", "c 1:3 rw # x"}) {
    auto r = parse_rule(s);
    EXPECT_FALSE(r) << "accepted \"" << s << "\"";
    if (!r) {
      EXPECT_NE(r.error().message.find(std::string("\"") + s + "\""), std::string::npos);
    }
  }
}

TEST(DeviceRules, FileWithCommentsAndLineNumbersInErrors) {
  auto ok = parse_rules("# assigned\n\nc 10:237 rw\n# /dev/snd\nc 116:* rw\n", "f");
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ(format_rule((*ok)[1]), "c 116:* rw");

  auto bad = parse_rules("c 10:237 rw\nc 10:x rw\n", "/p/devices/k");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind("/p/devices/k:2: ", 0), 0u) << bad.error().message;
  auto nonl = parse_rules("c 10:237 rw", "f");
  ASSERT_FALSE(nonl);
  EXPECT_NE(nonl.error().message.find("missing final newline"), std::string::npos);
}

TEST(DeviceRules, TooManyRulesAreAnError) {
  std::string text;
  for (size_t i = 0; i <= kMaxRules; ++i) text += "c 10:" + std::to_string(i) + " rw\n";
  auto r = parse_rules(text, "f");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().err, E2BIG);
}

TEST(DeviceRules, DefaultsAreTheSpecifiedSet) {
  std::vector<std::string> got;
  for (const auto& r : default_rules()) got.push_back(format_rule(r));
  std::vector<std::string> want = {"c 1:3 rw",   "c 1:5 rw",   "c 1:7 rw",   "c 1:8 rw",
                                   "c 1:9 rw",   "c 5:0 rw",   "c 5:2 rw",   "c 136:* rw",
                                   "c 137:* rw", "c 138:* rw", "c 139:* rw", "c 140:* rw",
                                   "c 141:* rw", "c 142:* rw", "c 143:* rw"};
  EXPECT_EQ(got, want);
}

TEST(Grants, RoundTripWithCapabilitiesAndDevices) {
  Grants g;
  g.capabilities = cap_bit(13) | cap_bit(10);  // net_raw, net_bind_service
  g.devices = {*parse_rule("c 116:* rw"), *parse_rule("b 8:0 r")};
  auto id = *AppId::parse("hello.me_cli_1.0");
  std::string text = serialize_grants(g, id);
  EXPECT_NE(text.find("capability net_raw\n"), std::string::npos) << text;
  EXPECT_NE(text.find("capability net_bind_service\n"), std::string::npos) << text;
  auto back = parse_grants(text, "f");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, g);
}

TEST(Grants, UnknownCapabilityAndBadRuleNameTheLine) {
  auto a = parse_grants("# x\ncapability net_rawr\n", "/g");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message, "/g:2: unknown capability \"net_rawr\"");
  auto b = parse_grants("capability net_raw\ncapability chown\nc 1:x rw\n", "/g");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message.rfind("/g:3: ", 0), 0u) << b.error().message;
  EXPECT_FALSE(parse_grants("capabilities net_raw\n", "/g"));
}

TEST(Capabilities, NamesMatchTheKernelNumbers) {
  EXPECT_EQ(capability_from_name("chown"), 0);
  EXPECT_EQ(capability_from_name("net_raw"), 13);
  EXPECT_EQ(capability_from_name("sys_admin"), 21);
  EXPECT_EQ(capability_from_name("bpf"), 39);
  EXPECT_EQ(capability_from_name("checkpoint_restore"), 40);
  EXPECT_FALSE(capability_from_name("CAP_NET_RAW"));
  EXPECT_FALSE(capability_from_name("Net_raw"));
  EXPECT_EQ(capability_name(39), "bpf");
  EXPECT_EQ(capability_name(99), "");
  EXPECT_GE(launch::last_capability(), 36);  // every kernel Debian 12 runs knows more
}

}  // namespace
}  // namespace confine::devices
