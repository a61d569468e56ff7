// confine export APP_ID --format FORMAT [--output DIR]: an installed app's
// policy as OCI runtime and Kubernetes files (libconfine/export/oci.h).
// What those formats cannot carry is listed on stderr.

#include <sys/stat.h>

#include <filesystem>
#include <iostream>
#include <set>

#include "command.h"
#include "core/error.h"
#include "core/safe_io.h"
#include "export/oci.h"

namespace confine::cli {
namespace {

int run_export(const Invocation& inv) {
  std::string app, format_text, output;
  for (size_t i = 0; i < inv.args.size(); ++i) {
    const std::string& a = inv.args[i];
    auto value = [&](const char* opt) -> std::string {
      if (i + 1 >= inv.args.size()) usage_error(inv, std::string(opt) + " needs a value");
      return inv.args[++i];
    };
    if (a == "--format")
      format_text = value("--format");
    else if (a.starts_with("--format="))
      format_text = a.substr(9);
    else if (a == "--output" || a == "-o")
      output = value("--output");
    else if (a.starts_with("--output="))
      output = a.substr(9);
    else if (a.starts_with("-"))
      usage_error(inv, "unknown option " + a);
    else if (app.empty())
      app = a;
    else
      usage_error(inv, "unexpected argument \"" + a + "\"");
  }
  if (app.empty()) usage_error(inv, "missing APP_ID");
  if (format_text.empty()) usage_error(inv, "missing --format");
  exporter::Format format;
  if (!exporter::parse_format(format_text, format))
    usage_error(inv, "unknown format \"" + format_text +
                         "\" (use oci-seccomp, oci-config or kubernetes)");
  if (format == exporter::Format::Kubernetes && output.empty())
    usage_error(inv, "--format kubernetes writes several files: give --output DIR");
  const AppId id = value_or_throw(AppId::parse(app));

  exporter::Exported out = exporter::export_app(inv.config, id, format);
  std::set<std::string> said;
  for (const auto& n : out.notes)
    if (said.insert(n).second) std::cerr << "confine export: not exported: " << n << "\n";
  if (output.empty()) {
    std::cout << out.files.begin()->second;
    return 0;
  }
  // The bundle is the caller's, not confine's state: their umask applies.
  ::umask(inv.caller_umask);
  for (const auto& [rel, content] : out.files) {
    const std::string path = output + "/" + rel;
    throw_if_error(make_dirs(std::filesystem::path(path).parent_path().string(), 0755));
    throw_if_error(atomic_write(path, content, 0644));
    std::cout << path << "\n";
  }
  return 0;
}

}  // namespace

CONFINE_COMMAND(Command{
    "export", "an app's policy as OCI runtime or Kubernetes files",
    "Usage: confine export APP_ID --format FORMAT [--output DIR]\n"
    "\n"
    "Export the policy of the installed app APP_ID (as `confine install` resolved\n"
    "it) for an OCI runtime or Kubernetes. FORMAT is one of:\n"
    "  oci-seccomp  the seccomp profile as OCI/Docker JSON (linux.seccomp), equal\n"
    "               to the filter confine-run loads; DIR/seccomp.json\n"
    "  oci-config   a runtime-spec config.json fragment: process (args, env, cwd,\n"
    "               no capabilities beyond the policy's, noNewPrivileges,\n"
    "               apparmorProfile) and linux (seccomp, resources.devices);\n"
    "               DIR/config.json\n"
    "  kubernetes   pod.json and deployment.json naming the profiles by\n"
    "               securityContext, the node files seccomp/confine/APP_ID.json\n"
    "               and apparmor/APP_ID, and README.md on distributing them\n"
    "               (needs --output)\n"
    "Without --output the single file is written to stdout. Rules these formats\n"
    "cannot carry (Landlock rules, x32 and i386 details of the filter, ...) are\n"
    "listed on stderr, one \"not exported:\" line each.\n"
    "\n"
    "Options:\n"
    "  --format FORMAT   oci-seccomp, oci-config or kubernetes\n"
    "  -o, --output DIR  write the files under DIR (created if missing)\n"
    "  -h, --help        show this help\n"
    "\n"
    "See confine(8), EXPORT.\n",
    &run_export});

}  // namespace confine::cli
