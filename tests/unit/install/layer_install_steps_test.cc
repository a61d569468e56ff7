// The install steps against the layer table: one step writes each row's
// artifact, and the launch record, which lists the layers, comes last.
#include <gtest/gtest.h>

#include <set>

#include "core/layers.h"
#include "install/pipeline.h"
#include "install/step.h"

namespace confine {
namespace {

TEST(LayerTable, InstallStepsWriteEachRowOnceBeforeTheLaunchRecord) {
  auto steps = install::install_steps();
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(std::string(steps.back()->name()), "launch records");
  std::set<Layer> seen;
  for (const auto& s : steps)
    if (auto layer = s->layer()) {
      EXPECT_TRUE(seen.insert(*layer).second) << s->name();
      EXPECT_EQ(std::string(s->name()), std::string(layer_name(*layer)));
    }
  EXPECT_EQ(seen.size(), layer_table().size());
}

}  // namespace
}  // namespace confine
