// bench/install: what `confine install` spends per package on its own work
// (see README.md), apart from apparmor_parser.
//
// Generates N packages (default 200) in a throw-away directory, each with one
// service and one binary, a mix of the shipped templates and groups, and
// runs the install path's stages on each in process, timing each stage per
// package with CLOCK_MONOTONIC:
//   metadata   load_package_meta (read, parse, check every field and file)
//   policy     resolve_app per app (load the templates/groups/flags, expand)
//   seccomp    compile_policy + encode_filter per app
//   landlock   compute_rules + serialize per app
//   apparmor   emit_profile per app (the text; not the parser)
// and, on its own line, `apparmor_parser -Q` (validate_profile) of a sample
// of the generated profiles, which confine install runs once per app.
// Prints the median and mean per package of each stage and of their sum,
// and the sum against the 5 ms-per-package target. Exits 0 either way: it
// measures, it does not judge a build.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "apparmor/parser.h"
#include "apparmor/profile.h"
#include "core/config.h"
#include "core/error.h"
#include "install/metadata.h"
#include "landlock/compute.h"
#include "landlock/rules.h"
#include "policy/resolve.h"
#include "seccomp/compile.h"
#include "seccomp/file.h"

namespace {

namespace fs = std::filesystem;
using namespace confine;

double now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Stage {
  const char* name;
  std::vector<double> per_package;  // ms
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

const std::vector<std::string> kGroups = {"audio-playback", "camera",         "home",
                                          "network-client", "network-service", "system-observe",
                                          "toolchain",      "unix-sockets"};

// Package i: template restricted for one in four, otherwise default; caps
// from the bits of i (none, one, two or three groups).
std::string package_json(int i) {
  auto caps = [&](int salt) {
    std::string out;
    int picked = 0;
    for (size_t g = 0; g < kGroups.size() && picked < 3; ++g)
      if (((i + salt) >> g) & 1) {
        out += std::string(out.empty() ? "" : ", ") + "\"" + kGroups[g] + "\"";
        ++picked;
      }
    return out;
  };
  const std::string tmpl = i % 4 == 3 ? "restricted" : "default";
  return "{\"name\": \"bench" + std::to_string(i) +
         "\", \"version\": \"1.0\", \"description\": \"generated\",\n"
         " \"services\": [{\"name\": \"serve\", \"start\": \"bin/app\", \"description\": \"s\","
         " \"caps\": [" +
         caps(0) + "], \"security-template\": \"" + tmpl +
         "\"}],\n"
         " \"binaries\": [{\"name\": \"cli\", \"exec\": \"bin/app\", \"description\": \"b\","
         " \"caps\": [" +
         caps(5) + "]}]}\n";
}

int usage() {
  std::fprintf(stderr,
               "usage: install [--packages N] [--parser-sample N] [--templates DIR]\n"
               "  --packages N       packages to generate (default 200)\n"
               "  --parser-sample N  profiles apparmor_parser -Q validates (default 10, 0: none)\n"
               "  --templates DIR    policy templates (default: this source tree's)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int packages = 200;
  int parser_sample = 10;
  std::string templates = CONFINE_SOURCE_DIR "/policy-templates";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "--packages" || a == "--parser-sample" || a == "--templates") && i + 1 < argc) {
      const std::string v = argv[++i];
      if (a == "--templates") templates = v;
      else if (a == "--packages") packages = std::atoi(v.c_str());
      else parser_sample = std::atoi(v.c_str());
    } else {
      return usage();
    }
  }
  if (packages <= 0 || parser_sample < 0) return usage();

  char tmpl[] = "/tmp/confine-install-bench.XXXXXX";
  if (!mkdtemp(tmpl)) {
    std::perror("mkdtemp");
    return 1;
  }
  const fs::path root = tmpl;
  Config config;
  config.templates_dir = templates;
  config.flags_dir = root / "flags.d";  // no administrator's flags
  config.apps_dir = root / "apps";
  config.data_dir = root / "data";
  config.policy_dir = root / "policy";

  Stage metadata{"metadata", {}}, policy{"policy", {}}, seccomp{"seccomp", {}},
      landlock{"landlock", {}}, apparmor{"apparmor", {}};
  std::vector<std::pair<AppId, std::string>> profiles;  // for the parser sample
  int failed = 0;
  for (int i = 0; i < packages; ++i) {
    const fs::path dir = root / ("pkg" + std::to_string(i));
    fs::create_directories(dir / "meta");
    fs::create_directories(dir / "bin");
    std::ofstream(dir / "meta/package.json") << package_json(i);
    std::ofstream(dir / "bin/app") << "#!/bin/sh\n";
    fs::permissions(dir / "bin/app", fs::perms(0755));
    try {
      double t = now_ms();
      install::PackageMeta meta = install::load_package_meta(dir, "bench");
      metadata.per_package.push_back(now_ms() - t);
      double tp = 0, ts = 0, tl = 0, ta = 0;
      std::optional<policy::PolicyLibrary> library;  // once per package, as install does
      for (const install::AppEntry* app : meta.apps()) {
        t = now_ms();
        policy::ResolvedApp r = policy::resolve_app(config, library, meta, *app, dir);
        tp += now_ms() - t;
        t = now_ms();
        auto image = seccomp::encode_filter(seccomp::compile_policy(r.policy).image);
        ts += now_ms() - t;
        if (!image) throw ConfineError(image.error());
        t = now_ms();
        const std::string rules = landlock::serialize(landlock::compute_rules(r.policy));
        tl += now_ms() - t;
        t = now_ms();
        std::string profile = apparmor::emit_profile(meta.app_id(*app), r.policy, config);
        ta += now_ms() - t;
        if (static_cast<int>(profiles.size()) < parser_sample)
          profiles.emplace_back(meta.app_id(*app), std::move(profile));
      }
      policy.per_package.push_back(tp);
      seccomp.per_package.push_back(ts);
      landlock.per_package.push_back(tl);
      apparmor.per_package.push_back(ta);
    } catch (const std::exception& e) {
      ++failed;
      std::fprintf(stderr, "package %d: %s\n", i, e.what());
    }
  }

  std::vector<double> sum(metadata.per_package.size(), 0.0);
  std::printf("%d packages (2 apps each; %d failed), per package, ms:\n", packages, failed);
  std::printf("  %-10s %8s %8s\n", "stage", "median", "mean");
  for (const Stage* s : {&metadata, &policy, &seccomp, &landlock, &apparmor}) {
    std::printf("  %-10s %8.3f %8.3f\n", s->name, median(s->per_package), mean(s->per_package));
    for (size_t k = 0; k < sum.size() && k < s->per_package.size(); ++k)
      sum[k] += s->per_package[k];
  }
  std::printf("  %-10s %8.3f %8.3f   (target: at most 5 ms; median %.2fx of it)\n", "total",
              median(sum), mean(sum), median(sum) / 5.0);

  if (parser_sample > 0 && ::access("/sbin/apparmor_parser", X_OK) != 0 &&
      ::access("/usr/sbin/apparmor_parser", X_OK) != 0) {
    std::printf("  apparmor_parser: not installed\n");
  } else if (!profiles.empty()) {
    std::vector<double> parser;
    for (const auto& [id, text] : profiles) {
      const fs::path file = root / id.str();
      std::ofstream(file) << text;
      const double t = now_ms();
      try {
        apparmor::validate_profile(file, id, config, "bench");
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", id.str().c_str(), e.what());
      }
      parser.push_back(now_ms() - t);
    }
    std::printf("  apparmor_parser -Q, per app (%zu profiles): median %.1f ms, mean %.1f ms\n",
                parser.size(), median(parser), mean(parser));
  }
  std::error_code ec;
  fs::remove_all(root, ec);
  return 0;
}
