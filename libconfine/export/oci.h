// confine export: one app's resolved policy as the files an OCI runtime
// (runc, crun, podman) and Kubernetes take.
//
//   oci-seccomp  an OCI/Docker seccomp profile (linux.seccomp of config.json),
//                semantically equal to the filter `confine install` compiles
//   oci-config   a runtime-spec config.json fragment: process (args, env, cwd,
//                capabilities, noNewPrivileges, apparmorProfile) and linux
//                (seccomp, resources.devices)
//   kubernetes   a Pod securityContext snippet, the node files it names (the
//                seccomp profile, the AppArmor profile) and a README
//
// Whatever confine enforces that these formats cannot carry (Landlock rules,
// per-architecture differences of the filter, the install dir the app runs
// from) is returned in `notes`; the caller prints them on stderr.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/names.h"
#include "policy/model.h"

namespace confine::exporter {

enum class Format { OciSeccomp, OciConfig, Kubernetes };

// "oci-seccomp" -> Format::OciSeccomp, ...; false for anything else.
bool parse_format(const std::string& text, Format& out);

// The seccomp profile of `policy` (as resolved for the app; effective() is
// applied here) for the app run as uid 0: the allow, deny and root programs
// confine-run stacks for a root-run app, as one filter. The root program's
// refusals are read from the compiled program itself. Rules the single OCI
// filter cannot express exactly are exported stricter and named in `notes`.
nlohmann::json seccomp_profile(const policy::Policy& input, std::vector<std::string>& notes);

struct Exported {
  // File name (relative to --output DIR) -> content. Without --output the
  // single-file formats print `files.begin()->second`.
  std::map<std::string, std::string> files;
  std::vector<std::string> notes;
};

// Exports the installed app `id` in `format`. Throws ConfineError when the
// app is not installed or its policy cannot be resolved.
Exported export_app(const Config& config, const AppId& id, Format format);

}  // namespace confine::exporter
