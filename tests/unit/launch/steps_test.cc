#include "launch/steps.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace confine::launch {
namespace {

// docs/architecture.md, "Launch order": whichever layers are built in, they run in
// this order, each at most once (the VM tests judge the order on a real
// kernel; this catches a line added in the wrong slot of steps.cc).
TEST(LaunchSteps, RunInTheFixedOrder) {
  const std::vector<std::string> order = {"device cgroup", "privileges", "landlock", "apparmor",
                                          "seccomp"};
  auto steps = launch_steps();
  EXPECT_LE(steps.size(), order.size());
  long last = -1;
  for (const auto& s : steps) {
    ASSERT_NE(s, nullptr);
    auto it = std::find(order.begin(), order.end(), std::string(s->name()));
    ASSERT_NE(it, order.end()) << "unknown launch step name \"" << s->name()
                               << "\": use one of the names in this test (errors show it)";
    long pos = it - order.begin();
    EXPECT_GT(pos, last) << "\"" << s->name() << "\" runs out of order";
    last = pos;
  }
}

}  // namespace
}  // namespace confine::launch
