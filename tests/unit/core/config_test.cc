// Configuration keys parsed by parse_config: values and the errors that name
// the file and the key.
#include "core/config.h"

#include <gtest/gtest.h>

namespace confine {
namespace {

TEST(Config, MaxPackageSizeIsAPositiveByteCount) {
  EXPECT_EQ(Config{}.max_package_size, 4ULL << 30);
  auto c = parse_config("{\"max_package_size\": 1048576}", "config.json");
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->max_package_size, 1048576u);
  for (const char* bad : {"0", "-1", "1.5", "\"1G\"", "true"}) {
    SCOPED_TRACE(bad);
    auto r = parse_config(std::string("{\"max_package_size\": ") + bad + "}", "config.json");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("config.json"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("max_package_size: must be a positive number of bytes"),
              std::string::npos)
        << r.error().message;
  }
}

// A second "seccomp" used to replace the first silently: an administrator's
// "required" could be turned into "if-available" by a line further down.
TEST(Config, ADuplicateKeyIsAnErrorNotTheLastOneWins) {
  auto ok = parse_config(R"({"seccomp": "required"})", "config.json");
  ASSERT_TRUE(ok) << ok.error().describe();
  EXPECT_EQ(ok->seccomp, LayerMode::Required);
  auto r = parse_config(R"({"seccomp": "required", "seccomp": "if-available"})", "config.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "config.json: seccomp: duplicate key");
}

}  // namespace
}  // namespace confine
