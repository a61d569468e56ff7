// The launch-record step: writes <policy_dir>/launch/<APP_ID>, the one file
// confine-run reads to start an app (core/launch_record.h). It runs last, so
// that the record lists every layer the earlier steps generated, and so that
// an app becomes launchable only once all its other artifacts are in place.
#pragma once

#include <memory>

#include "install/step.h"

namespace confine::install {

std::unique_ptr<InstallStep> make_launch_record_step();

}  // namespace confine::install
