// confine explain: kernel and audit log lines (dmesg, journalctl, audit.log),
// whose fields come from whatever the confined app did (file names, comm).
// Only ConfineError may come out. One app (examples/hello) is installed in a
// scratch tree so that denials naming it reach the policy lookup.
#include "core/config.h"
#include "core/error.h"
#include "diagnose/explain.h"
#include "fuzz_support.h"

#ifndef CONFINE_SOURCE_DIR
#error "CONFINE_SOURCE_DIR must be defined"
#endif

namespace {

confine::Config make_config() {
  using namespace confine::fuzz;
  const std::string src = CONFINE_SOURCE_DIR;
  const std::string base = scratch_dir();
  confine::Config c;
  c.apps_dir = base + "/apps";
  c.policy_dir = base + "/policy";
  c.templates_dir = src + "/policy-templates";
  c.flags_dir = base + "/flags";
  const std::string dir = c.apps_dir + "/hello.example/1.0";
  for (const std::string& d : {c.apps_dir, c.apps_dir + "/hello.example", dir, dir + "/meta",
                               dir + "/bin", c.policy_dir})
    make_dir(d);
  for (const char* f : {"meta/package.json", "bin/hello", "bin/daemon"}) {
    FILE* in = std::fopen((src + "/examples/hello/" + f).c_str(), "rb");
    if (!in) std::abort();
    std::string text;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, in)) > 0;) text.append(buf, n);
    std::fclose(in);
    put_file(dir + "/" + f, text);
  }
  if (::symlink("1.0", (c.apps_dir + "/hello.example/current").c_str()) != 0 && errno != EEXIST)
    std::abort();
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const confine::Config config = make_config();
  const std::string text = confine::fuzz::as_string(data, size);
  (void)confine::diagnose::audit_fields(text);
  try {
    (void)confine::diagnose::explain(text, "log", config);
  } catch (const confine::ConfineError&) {
  }
  return 0;
}
