// Package metadata -> one effective Policy per app. Three shapes (confine-package(5)):
//   template + caps             the template and each cap (a policy group, or
//                               a flag such as an administrator's own)
//   + security-override         the same, plus the override's AppArmor lines
//                               and seccomp rules ("access beyond the template")
//   security-policy             hand-written raw policy instead of templates:
//                               the texts are returned for the backends, and
//                               the seccomp file is parsed into syscall rules
//                               (so the seccomp backend compiles it like any
//                               other policy, and a bad file fails install)
#include "policy/resolve.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "core/error.h"
#include "core/layout.h"
#include "core/safe_io.h"
#include "policy/library.h"
#include "policy/syscall_rules.h"

namespace confine::policy {
namespace {

constexpr size_t kMaxSecurityFile = 1 << 20;

// Opens `rel` under `package_dir` one component at a time with O_NOFOLLOW:
// load_package_meta already checked that the path stays inside the package,
// and walking by fd keeps a symlink that appears later (in any component)
// from pointing the read anywhere else on the installing machine.
UniqueFd open_beneath(const std::string& package_dir, const std::string& rel,
                      const std::string& what) {
  UniqueFd dir(::open(package_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) throw ConfineError(what + ": cannot open " + package_dir, errno);
  size_t start = 0;
  while (true) {
    size_t slash = rel.find('/', start);
    const std::string part = rel.substr(start, slash == std::string::npos ? slash : slash - start);
    if (part.empty() || part == "." || part == "..")
      throw ConfineError(what + ": \"" + rel + "\" is not a plain relative path");
    const bool last = slash == std::string::npos;
    int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (last ? O_NONBLOCK : O_DIRECTORY);
    UniqueFd next(::openat(dir.get(), part.c_str(), flags));
    if (!next.valid()) throw ConfineError(what + ": cannot open " + package_dir + "/" + rel, errno);
    if (last) return next;
    dir = std::move(next);
    start = slash + 1;
  }
}

std::string read_package_file(const std::string& package_dir, const std::string& rel,
                              const std::string& what) {
  UniqueFd fd = open_beneath(package_dir, rel, what);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    throw ConfineError(what + ": " + package_dir + "/" + rel + " is not a regular file");
  Result<std::string> text = read_fd(fd.get(), kMaxSecurityFile);
  if (!text)
    throw ConfineError(text.error().context(what + ": cannot read " + package_dir + "/" + rel));
  return std::move(text).value();
}

// An AppArmor snippet: one rule per line, '#' comment lines dropped, tabs
// made spaces. Braces must balance, and never close more than they opened:
// a stray '}' would end the app's profile and let later lines stand outside
// it.
std::vector<std::string> snippet_lines(const std::string& text, const std::string& file) {
  std::vector<std::string> out;
  size_t lineno = 0, start = 0;
  int depth = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? nl : nl - start);
    start = nl == std::string::npos ? text.size() + 1 : nl + 1;
    ++lineno;
    auto fail = [&](const std::string& p) {
      throw ConfineError(file + ":" + std::to_string(lineno) + ": " + p);
    };
    for (char& c : line)
      if (c == '\t' || c == '\r') c = ' ';
    for (unsigned char c : line)
      if (c < 0x20 || c == 0x7f) fail("control character");
    size_t b = line.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    // "#include <...>" is AppArmor's older include syntax, not a comment:
    // dropping it would silently drop policy the author asked for.
    if (line[b] == '#' && line.compare(b, 8, "#include") != 0) continue;
    line = line.substr(b, line.find_last_not_of(' ') - b + 1);
    for (size_t i = 0; i < line.size() && line[i] != '#'; ++i) {
      if (line[i] == '{') ++depth;
      if (line[i] == '}' && --depth < 0) fail("'}' closes more than the snippet opened");
    }
    out.push_back(line);
  }
  if (depth != 0) throw ConfineError(file + ": unbalanced '{' (a block is never closed)");
  return out;
}

void add_syscalls(Policy& p, const SyscallList& list) {
  Policy add;
  add.allow.syscalls = list.allow;
  add.deny.syscalls = list.deny;
  p.merge(add);
}

}  // namespace

ResolvedApp resolve_app(const Config& config, const install::PackageMeta& meta,
                        const install::AppEntry& app, const std::string& package_dir) {
  std::optional<PolicyLibrary> lib;
  return resolve_app(config, lib, meta, app, package_dir);
}

ResolvedApp resolve_app(const Config& config, std::optional<PolicyLibrary>& library,
                        const install::PackageMeta& meta, const install::AppEntry& app,
                        const std::string& package_dir) {
  const std::string where = meta.file + ": " + app.json_path;
  ResolvedApp out;

  if (app.security_policy) {
    const auto& files = *app.security_policy;
    if (!files.apparmor.empty())
      out.raw_apparmor =
          read_package_file(package_dir, files.apparmor, where + ".security-policy.apparmor");
    if (!files.seccomp.empty()) {
      out.raw_seccomp =
          read_package_file(package_dir, files.seccomp, where + ".security-policy.seccomp");
      const std::string source = "security-policy " + files.seccomp;
      add_syscalls(out.policy, parse_syscall_text(out.raw_seccomp, files.seccomp, source));
      out.policy.sources.push_back(source);
    }
    out.policy = out.policy.effective();
    return out;
  }

  if (!library) library = PolicyLibrary::load(config.templates_dir, config.flags_dir);
  const PolicyLibrary& lib = *library;
  const PolicyItem* tmpl = lib.find(PolicyKind::Template, app.security_template);
  if (!tmpl)
    throw ConfineError(where + ".security-template: unknown template \"" + app.security_template +
                       "\" (see confine templates)");
  Policy p = lib.expand(*tmpl);
  for (size_t i = 0; i < app.caps.size(); ++i) {
    const PolicyItem* cap = lib.find(PolicyKind::Group, app.caps[i]);
    if (!cap) cap = lib.find(PolicyKind::Flag, app.caps[i]);
    if (!cap)
      throw ConfineError(where + ".caps[" + std::to_string(i) + "]: unknown policy group \"" +
                         app.caps[i] + "\" (see confine templates)");
    p.merge(lib.expand(*cap));
  }

  if (app.security_override) {
    const auto& files = *app.security_override;
    if (!files.apparmor.empty()) {
      const std::string text =
          read_package_file(package_dir, files.apparmor, where + ".security-override.apparmor");
      Policy add;
      add.apparmor_raw = snippet_lines(text, files.apparmor);
      add.sources.push_back("security-override " + files.apparmor);
      p.merge(add);
    }
    if (!files.seccomp.empty()) {
      const std::string text =
          read_package_file(package_dir, files.seccomp, where + ".security-override.seccomp");
      const std::string source = "security-override " + files.seccomp;
      add_syscalls(p, parse_syscall_text(text, files.seccomp, source));
      p.sources.push_back(source);
    }
  }
  out.policy = p.effective();
  return out;
}

InstalledApp resolve_installed_app(const Config& config, const AppId& id) {
  const std::string dir = Layout(config).install_dir(id.key, id.version);
  struct stat st{};
  if (::stat(dir.c_str(), &st) != 0)
    throw ConfineError(id.str() + ": not installed (no " + dir + ")");
  InstalledApp out{install::load_package_meta(dir, id.key.origin), {}, dir, {}};
  const install::AppEntry* app = nullptr;
  for (const auto* a : out.meta.apps())
    if (a->name == id.app) app = a;
  if (!app || out.meta.version != id.version)
    throw ConfineError(out.meta.file + ": no service or binary named \"" + id.app +
                       "\" in version " + id.version);
  out.app = *app;
  out.resolved = resolve_app(config, out.meta, out.app, dir);
  return out;
}

}  // namespace confine::policy
