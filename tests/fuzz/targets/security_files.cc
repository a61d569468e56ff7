// The AppArmor and seccomp files a package names in security-override (added
// to its template) or security-policy (instead of one), read and checked by
// resolve_app. Input: the first byte picks override or policy, then the
// AppArmor file, a line "===", the seccomp file. Only ConfineError may come out.
#include "core/config.h"
#include "core/error.h"
#include "fuzz_support.h"
#include "install/metadata.h"
#include "policy/resolve.h"

namespace {

// A package dir with the two files, and a one-template library (so that each
// run spends its time on the files, not on loading the shipped policy).
struct Scratch {
  std::string pkg, templates;
  Scratch() {
    using namespace confine::fuzz;
    const std::string base = scratch_dir();
    pkg = base + "/pkg";
    templates = base + "/templates";
    make_dir(pkg);
    make_dir(templates);
    make_dir(templates + "/templates");
    make_dir(templates + "/groups");
    make_dir(templates + "/flags");
    put_file(templates + "/templates/default.json", "{\"description\": \"fuzz\"}\n");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace confine;
  static const Scratch s;
  if (size == 0) return 0;
  const std::string in = fuzz::as_string(data + 1, size - 1);
  const size_t sep = in.find("\n===\n");
  fuzz::put_file(s.pkg + "/o.apparmor", in.substr(0, sep));
  fuzz::put_file(s.pkg + "/o.seccomp", sep == std::string::npos ? "" : in.substr(sep + 5));

  Config config;
  config.templates_dir = s.templates;
  config.flags_dir = s.templates + "/none";
  install::PackageMeta meta;
  meta.file = "package.json";
  install::AppEntry app;
  app.json_path = "binaries[0]";
  const install::SecurityFiles files{"o.apparmor", "o.seccomp"};
  if (data[0] & 1)
    app.security_policy = files;
  else
    app.security_override = files;
  try {
    (void)policy::resolve_app(config, meta, app, s.pkg);
  } catch (const ConfineError&) {
  }
  return 0;
}
