// parse_config on inputs the fuzzer (tests/fuzz, target config) found or
// that sit next to them: the config is read by confine-run, which must
// answer with an error and exit 125, never abort on an exception.
#include <gtest/gtest.h>

#include <string>

#include "core/config.h"

namespace confine {
namespace {

// tests/fuzz/corpus/config/crash-number-overflow: an integer too large even
// for a double made nlohmann throw out_of_range, which only parse_error was
// caught for, so confine-run died in std::terminate.
TEST(ConfigRegression, NumberBeyondDoubleIsAnError) {
  const std::string huge = "[2" + std::string(400, '0') + "]";
  Result<Config> c = parse_config(huge, "config.json");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("config.json: invalid JSON"), std::string::npos)
      << c.error().message;
  Result<Config> nice = parse_config("{\"nice\": 1e400}", "config.json");
  ASSERT_FALSE(nice.ok());
  EXPECT_NE(nice.error().message.find("invalid JSON"), std::string::npos);
}

// An unsigned integer above LLONG_MAX used to wrap to a negative nice value
// (2^64-1 read as -1) and be accepted.
TEST(ConfigRegression, HugeUnsignedNiceIsOutOfRange) {
  for (const char* n : {"18446744073709551615", "9223372036854775808", "20"}) {
    Result<Config> c = parse_config(std::string("{\"nice\": ") + n + "}", "config.json");
    ASSERT_FALSE(c.ok()) << n;
    EXPECT_EQ(c.error().message, "config.json: nice: must be between -20 and 19") << n;
  }
  Result<Config> ok = parse_config("{\"nice\": 19}", "config.json");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->nice, 19);
}

}  // namespace
}  // namespace confine
