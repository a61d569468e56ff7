// The launch steps against the layer table: one step per row, at the
// position the row gives, and the privileges step (no row) at 2.
#include <gtest/gtest.h>

#include <set>

#include "core/layers.h"
#include "launch/steps.h"

namespace confine {
namespace {

TEST(LayerTable, LaunchStepsApplyEachRowOnceAtItsPosition) {
  auto steps = launch::launch_steps();
  std::set<Layer> seen;
  for (size_t i = 0; i < steps.size(); ++i) {
    auto layer = steps[i]->layer();
    if (!layer) {
      EXPECT_EQ(std::string(steps[i]->name()), "privileges") << "step " << i + 1;
      EXPECT_EQ(i + 1, 2u);
      continue;
    }
    EXPECT_TRUE(seen.insert(*layer).second) << steps[i]->name();
    EXPECT_EQ(static_cast<int>(i + 1), layer_info(*layer).launch_step) << steps[i]->name();
  }
  EXPECT_EQ(seen.size(), layer_table().size());
}

}  // namespace
}  // namespace confine
