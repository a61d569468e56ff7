// The seccomp InstallStep: compiles each app's resolved policy into
// <policy_dir>/seccomp/<APP_ID>.bpf (staged in prepare(), renamed into place
// on commit) and records the "seccomp" layer in the app's launch record.
#pragma once

#include <memory>

#include "install/step.h"

namespace confine::seccomp {

std::unique_ptr<install::InstallStep> make_seccomp_install_step();

}  // namespace confine::seccomp
