// AppArmor path globs of policy files and the matcher `confine explain`
// uses. Input: a glob, a NUL byte, a path. The checks and the matcher must
// terminate without crashing for any input; a literal path matches itself.
#include "fuzz_support.h"
#include "policy/glob.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace confine::policy;
  const std::string in = confine::fuzz::as_string(data, size);
  const size_t nul = in.find('\0');
  const std::string glob = in.substr(0, nul);
  const std::string path = nul == std::string::npos ? glob : in.substr(nul + 1);
  (void)glob_problem(glob);
  (void)glob_matches(glob, path);
  (void)simple_file_rule(glob);
  bool complete = true;
  for (const std::string& alt : expand_braces(glob, 64, complete)) (void)glob_matches(alt, path);
  if (path.find_first_of("*?[]{}\\@") == std::string::npos)
    confine::fuzz::check(glob_matches(path, path), "a path without glob characters matches itself");
  return 0;
}
