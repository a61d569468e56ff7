// The launch steps against the layer table: one step per row, in the rows'
// launch order, and the privileges step (no row) where its order puts it.
#include <gtest/gtest.h>

#include <set>

#include "core/layers.h"
#include "launch/steps.h"

namespace confine {
namespace {

TEST(LayerTable, LaunchStepsApplyEachRowOnceAtItsPosition) {
  auto steps = launch::launch_steps();
  ASSERT_EQ(steps.size(), layer_table().size() + 1);
  std::set<Layer> seen;
  int last_order = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    auto layer = steps[i]->layer();
    const int order = layer ? layer_info(*layer).launch_order : kPrivilegesLaunchOrder;
    if (!layer) EXPECT_EQ(std::string(steps[i]->name()), "privileges") << "step " << i + 1;
    else EXPECT_TRUE(seen.insert(*layer).second) << steps[i]->name();
    EXPECT_GT(order, last_order) << steps[i]->name() << " is out of launch order";
    last_order = order;
  }
  EXPECT_EQ(seen.size(), layer_table().size());
  // The contract of launch/steps.h: the device cgroup first, privileges
  // second, the seccomp filter last.
  EXPECT_EQ(steps.front()->layer(), Layer::Devices);
  EXPECT_EQ(std::string(steps[1]->name()), "privileges");
  EXPECT_EQ(steps.back()->layer(), Layer::Seccomp);
}

}  // namespace
}  // namespace confine
