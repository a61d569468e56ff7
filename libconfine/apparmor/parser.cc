#include "apparmor/parser.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/apparmor.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "apparmor/label.h"
#include "core/error.h"
#include "core/fault.h"
#include "core/layout.h"
#include "core/safe_io.h"

namespace confine::apparmor {
namespace {

constexpr const char* kShippedFeatures = "/usr/share/apparmor-features/features";

// Printed on every run when the kernel has no AppArmor (no cache interface):
// noise, never the reason for a failure.
bool is_noise(const std::string& line) {
  return line.starts_with("Cache read/write disabled") || line.empty();
}

std::string strip_noise(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line))
    if (!is_noise(line)) out += (out.empty() ? "" : "\n") + line;
  return out;
}

struct Captured {
  int status = -1;
  std::string out;
  std::string err;
};

// fork + exec with stdout and stderr captured through pipes (read together
// with poll so that neither can fill up and block the child).
Captured spawn(const std::string& exe, const std::vector<std::string>& args) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw ConfineError("cannot create a pipe", errno);
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    int e = errno;
    close(out_pipe[0]);
    close(out_pipe[1]);
    throw ConfineError("cannot create a pipe", e);
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(exe.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // A fixed environment: confine may run from a root shell whose variables
  // must not steer the parser (e.g. its own locale or config lookups).
  static char path_env[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  char* envp[] = {path_env, nullptr};

  pid_t pid = fork();
  if (pid < 0) throw ConfineError("cannot fork to run " + exe, errno);
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out_pipe[1], 1) < 0 || dup2(err_pipe[1], 2) < 0)
      _exit(127);
    execve(exe.c_str(), argv.data(), envp);
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  Captured c;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&c.out, &c.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        sinks[i]->append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) throw ConfineError("cannot wait for " + exe, errno);
  }
  c.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  return c;
}

std::string require_parser() {
  std::string p = parser_path();
  if (p.empty())
    throw ConfineError(
        "apparmor_parser not found in /usr/sbin or /sbin: install the apparmor package");
  return p;
}

std::string message_of(const ParserRun& r) {
  if (!r.err.empty()) return r.err;
  return "apparmor_parser exited with status " + std::to_string(r.status);
}

// Strips " (enforce)"-style modes, namespace prefixes and child profiles
// from one component of a label: ":ns://foo//hat (complain)" -> "foo".
std::string base_profile(std::string c) {
  if (auto sp = c.rfind(" ("); sp != std::string::npos && c.ends_with(")")) c.resize(sp);
  if (c.starts_with(":")) {
    auto end = c.find(':', 1);
    if (end == std::string::npos) return c;
    c = c.substr(end + 1);
    if (c.starts_with("//")) c = c.substr(2);
  }
  if (auto hat = c.find("//"); hat != std::string::npos) c.resize(hat);
  return c;
}

bool label_has_profile(const std::string& label, const std::string& profile) {
  size_t pos = 0;
  std::string text = label;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  // The mode follows the whole stack: "a//&b (enforce)".
  if (auto sp = text.rfind(" ("); sp != std::string::npos && text.ends_with(")")) text.resize(sp);
  while (true) {
    size_t next = text.find("//&", pos);
    if (base_profile(text.substr(pos, next - pos)) == profile) return true;
    if (next == std::string::npos) return false;
    pos = next + 3;
  }
}

bool is_number(const char* s) {
  if (!*s) return false;
  for (; *s; ++s)
    if (*s < '0' || *s > '9') return false;
  return true;
}

// Root-generated files only: a profile file that someone else could have
// written is not loaded into the kernel by root.
bool trusted_file(const std::string& path, std::string* why) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    *why = std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode))
    *why = "not a regular file";
  else if (st.st_uid != 0)
    *why = "not owned by root";
  else if (st.st_mode & 022)
    *why = "writable by group or others";
  else
    return true;
  return false;
}

}  // namespace

std::string parser_path() {
  for (const char* p : {"/usr/sbin/apparmor_parser", "/sbin/apparmor_parser"})
    if (access(p, X_OK) == 0) return p;
  return "";
}

bool kernel_enforces_apparmor() {
  return aa_is_enabled() == 1;
}

ParserRun run_parser(const std::vector<std::string>& args) {
  Captured c = spawn(require_parser(), args);
  return ParserRun{c.status, strip_noise(c.err)};
}

std::vector<std::string> namespace_args(const Config& config) {
  if (config.apparmor_namespace.empty()) return {};
  return {"-n", config.apparmor_namespace};
}

std::vector<std::string> declared_profiles(const std::string& profile_file, const Config& config) {
  std::vector<std::string> args = {"-N"};
  for (auto& a : namespace_args(config)) args.push_back(a);
  args.push_back(profile_file);
  Captured c = spawn(require_parser(), args);
  if (c.status != 0) throw ConfineError(strip_noise(c.err));
  std::vector<std::string> names;
  std::istringstream in(c.out);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) names.push_back(line);
  return names;
}

void validate_profile(const std::string& profile_file, const AppId& id, const Config& config,
                      const std::string& what) {
  // -Q: compile only; -K: no cache involved. Works without AppArmor in the
  // running kernel (features come from /etc/apparmor/parser.conf).
  std::vector<std::string> args = {"-Q", "-K"};
  // Without AppArmor in this kernel the parser assumes a kernel without any
  // feature (and refuses e.g. stacking rules); compile against the feature
  // set the apparmor package ships for Debian's kernels instead.
  if (!kernel_enforces_apparmor() && access(kShippedFeatures, R_OK) == 0) {
    args.push_back("--kernel-features");
    args.push_back(kShippedFeatures);
  }
  for (auto& a : namespace_args(config)) args.push_back(a);
  args.push_back(profile_file);
  ParserRun r = run_parser(args);
  if (r.status != 0) throw ConfineError(what + ": rejected by apparmor_parser: " + message_of(r));

  // What the kernel would call the profiles: with -n, every one is moved
  // into the namespace, so names are ":NS://APP_ID".
  const std::string own = config.apparmor_namespace.empty()
                              ? id.str()
                              : ":" + config.apparmor_namespace + "://" + id.str();
  std::vector<std::string> names;
  try {
    names = declared_profiles(profile_file, config);
  } catch (const ConfineError& e) {
    throw ConfineError(what + ": rejected by apparmor_parser: " + e.what());
  }
  bool found = false;
  for (const auto& n : names) {
    if (n == own)
      found = true;
    else if (!n.starts_with(own + "//"))
      throw ConfineError(what + ": declares profile \"" + n + "\"; only the profile \"" + id.str() +
                         "\" (and its child profiles) may be declared");
  }
  if (!found) throw ConfineError(what + ": does not declare a profile named \"" + id.str() + "\"");
}

void load_profile(const std::string& profile_file, const Config& config) {
  fault_point_or_throw("install: load profile");
  const Layout layout(config);
  throw_if_error(make_dirs(layout.apparmor_cache_dir(), 0700));
  // -r replaces atomically: the kernel swaps the old profile for the new one
  // only once the new one is fully unpacked. -T -W: compile afresh and
  // refresh the cache that apparmor-reload uses at boot.
  std::vector<std::string> args = {"-r", "-T", "-W", "-L", layout.apparmor_cache_dir()};
  for (auto& a : namespace_args(config)) args.push_back(a);
  args.push_back(profile_file);
  ParserRun r = run_parser(args);
  if (r.status != 0)
    throw ConfineError("cannot load AppArmor profile " + profile_file + ": " + message_of(r));
}

void unload_profile(const std::string& profile_file, const Config& config) {
  fault_point_or_throw("remove: unload profile");
  std::vector<std::string> args = {"-R"};
  for (auto& a : namespace_args(config)) args.push_back(a);
  args.push_back(profile_file);
  ParserRun r = run_parser(args);
  if (r.status == 0 || r.err.find("doesn't exist") != std::string::npos) return;
  throw ConfineError("cannot unload AppArmor profile " + profile_file + ": " + message_of(r));
}

bool profile_in_use(const AppId& id) {
  DIR* proc = opendir("/proc");
  if (!proc) throw ConfineError("cannot list /proc", errno);
  bool used = false;
  while (dirent* p = readdir(proc)) {
    if (!is_number(p->d_name)) continue;
    std::string task_dir = std::string("/proc/") + p->d_name + "/task";
    DIR* tasks = opendir(task_dir.c_str());
    if (!tasks) continue;  // the process exited meanwhile
    while (dirent* t = readdir(tasks)) {
      if (!is_number(t->d_name)) continue;
      std::ifstream in(task_dir + "/" + t->d_name + "/attr/current");
      std::string label;
      std::getline(in, label);
      if (label_has_profile(label, id.str())) used = true;
    }
    closedir(tasks);
    if (used) break;
  }
  closedir(proc);
  return used;
}

ReloadReport reload_all(const Config& config) {
  const Layout layout(config);
  ReloadReport report;
  const std::string dir = layout.apparmor_dir();
  DIR* d = opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return report;  // nothing installed yet
    throw ConfineError("cannot list " + dir, errno);
  }
  // The directory too: whoever can add a file to it chooses what root loads.
  struct stat st;
  if (fstat(dirfd(d), &st) != 0 || st.st_uid != 0 || (st.st_mode & 022)) {
    closedir(d);
    throw ConfineError(dir + ": not owned by root or writable by group or others");
  }
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    // Staging directories and temp files start with '.'; every profile is
    // named by a valid APP_ID.
    if (n.starts_with(".") || !AppId::parse(n)) continue;
    names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  throw_if_error(make_dirs(layout.apparmor_cache_dir(), 0700));
  for (const auto& n : names) {
    const std::string path = dir + "/" + n;
    std::string why;
    if (!trusted_file(path, &why)) {
      report.failed.push_back(n + ": " + path + ": " + why);
      continue;
    }
    // At boot the cache is used when it matches the kernel's features and
    // is newer than the profile; the parser recompiles otherwise.
    std::vector<std::string> args = {"-r", "-W", "-L", layout.apparmor_cache_dir()};
    for (auto& a : namespace_args(config)) args.push_back(a);
    args.push_back(path);
    ParserRun r = run_parser(args);
    if (r.status == 0)
      report.loaded.push_back(n);
    else
      report.failed.push_back(n + ": " + message_of(r));
  }
  return report;
}

}  // namespace confine::apparmor
