// The launch path of confine-run, top to bottom (docs/architecture.md, "Launch order"):
//
//   resolve APP -> create dirs -> environment -> chdir -> nice
//     -> launch steps: all prepare(), then all apply() -> execve
//
// Everything that allocates (argv and envp arrays, the --verbose report)
// happens before the first apply(); from there to execve the code only makes
// system calls and raw write(2)s, so a step that has dropped privileges or
// installed a seccomp filter is not followed by malloc or a logging library.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"

namespace confine::launch {

struct RunRequest {
  const Config& config;
  std::string app;                // the APP argument
  std::vector<std::string> args;  // ARGS, passed to the app unchanged
  bool verbose = false;           // report applied/skipped layers on stderr
};

// Starts the app: on success it does not return (the process is the app).
// On failure it prints "confine-run: error: ..." to stderr and returns, or
// _exit()s once confinement steps have been applied, with 125, 126 or 127.
int run_app(const RunRequest& req);

// Writes `s` to stderr with write(2): usable where nothing may allocate.
void raw_write_stderr(const char* s);

}  // namespace confine::launch
