// confine-run [OPTIONS] APP [ARGS...]: start an installed app confined.
//
// This binary may run with privileges its caller lacks (file capabilities,
// or root). It therefore trusts nothing the caller controls: the config file
// is chosen by the caller only when the caller is root, every file it reads
// must be root-owned (read_trusted), and the app's environment is filtered
// (launch/environment.h). Options end at the first non-option (APP); all
// that follows is the app's, including arguments that look like options.
//
// Exit status: the app's own once it runs; 125 confine-run could not confine
// or start it (including usage errors: the app never ran); 126 the app's file
// is not executable; 127 no such app.
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/safe_io.h"
#include "launch/locate.h"
#include "launch/privileges.h"
#include "launch/run.h"

namespace {

using confine::launch::kExitCannotRun;
using confine::launch::raw_write_stderr;

constexpr size_t kMaxConfigSize = size_t{1024} * 1024;

const char kUsage[] =
    "Usage: confine-run [OPTIONS] APP [ARGS...]\n"
    "\n"
    "Run an installed app confined. APP is an APP_ID (<key>_<app>_<version>)\n"
    "or <key>_<app> for the package's current version; ARGS go to the app.\n"
    "\n"
    "Options:\n"
    "  --config FILE  read FILE instead of /etc/confine/config.json\n"
    "                 (root only; so is CONFINE_CONFIG)\n"
    "  --verbose      report the confinement layers applied and skipped\n"
    "  -h, --help     show this help\n"
    "  --version      show the version\n"
    "  --             end of options\n"
    "\n"
    "Exit status: the app's own; 125 if confine-run could not confine or\n"
    "start it; 126 if its file is not executable; 127 if there is no such app.\n"
    "See confine-run(1).\n";

int usage_error(const std::string& what) {
  raw_write_stderr(("confine-run: error: " + what + "\nTry 'confine-run --help'.\n").c_str());
  return kExitCannotRun;
}

int error(const std::string& what) {
  raw_write_stderr(("confine-run: error: " + what + "\n").c_str());
  return kExitCannotRun;
}

// A privileged process started with fd 0, 1 or 2 closed would hand that
// number to the next file it opens, and the app (or our own error messages)
// would then write into it. Fill the gaps with /dev/null, open for reading
// and writing (confine-run(1)). In a file-capability start (AT_SECURE) glibc
// has already filled them before main: fd 0 with /dev/full write-only, 1 and
// 2 with /dev/null read-only; those are replaced the same way, so the app
// finds what the man page promises whoever started it.
bool glibc_secure_substitute(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode)) return false;
  const int acc = fcntl(fd, F_GETFL) & O_ACCMODE;
  return fd == 0 ? st.st_rdev == makedev(1, 7) && acc == O_WRONLY
                 : st.st_rdev == makedev(1, 3) && acc == O_RDONLY;
}

bool ensure_std_fds() {
  const bool secure = getauxval(AT_SECURE) != 0;
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) >= 0) {
      if (!secure || !glibc_secure_substitute(fd)) continue;
      int n = open("/dev/null", O_RDWR | O_CLOEXEC);
      if (n < 0 || dup2(n, fd) != fd) return false;
      close(n);
      continue;
    }
    if (errno != EBADF) continue;
    int n = open("/dev/null", O_RDWR);
    if (n != fd) return false;
  }
  return true;
}

// Reads the config through read_trusted: it names policy_dir and apps_dir,
// so a file the caller could write would let them choose their own policy.
confine::Result<confine::Config> load_trusted_config(const std::string& path, bool missing_ok) {
  auto text = confine::read_trusted(path, kMaxConfigSize);
  if (!text) {
    if (missing_ok && text.error().err == ENOENT) return confine::Config{};
    return text.error().context("config " + path);
  }
  return confine::parse_config(*text, path);
}

}  // namespace

static int run_main(int argc, char** argv) {
  if (!ensure_std_fds()) return kExitCannotRun;
  // Raised by file capabilities: hold nothing beyond the launcher's privilege
  // table from here on (launch/privileges.h), whatever the binary was given.
  confine::CapSet dropped = 0;
  if (confine::launch::raised_by_file_caps()) {
    auto d = confine::launch::drop_undeclared_caps();
    if (!d) return error(d.error().describe());
    dropped = *d;
  }

  std::string config_opt;
  bool config_given = false;
  bool verbose = false;
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    } else if (a == "-h" || a == "--help") {
      if (write(STDOUT_FILENO, kUsage, sizeof kUsage - 1) < 0) return kExitCannotRun;
      return 0;
    } else if (a == "--version") {
      std::string v = std::string("confine-run ") + CONFINE_VERSION + "\n";
      if (write(STDOUT_FILENO, v.data(), v.size()) < 0) return kExitCannotRun;
      return 0;
    } else if (a == "--verbose") {
      verbose = true;
    } else if (a == "--config") {
      if (i + 1 >= argc) return usage_error("--config needs a FILE");
      config_opt = argv[++i];
      config_given = true;
    } else if (a.starts_with("--config=")) {
      config_opt = a.substr(9);
      config_given = true;
    } else if (a.size() > 1 && a[0] == '-') {
      return usage_error("unknown option " + a);
    } else {
      break;
    }
  }
  if (i >= argc) return usage_error("no APP given");

  // Only a caller that already holds the privileges confine-run would
  // use may choose the config. That is the real uid 0; a caller raised by
  // file capabilities is not. --config from anyone else is an error (they
  // asked for something we will not do); CONFINE_CONFIG is ignored, because
  // an environment variable is often inherited without the user knowing, and
  // is reported with --verbose.
  const bool root_caller = getuid() == 0;
  if (config_given && !root_caller)
    return error("--config is honoured only for root (real uid " + std::to_string(getuid()) + ")");
  std::string config_path = confine::kDefaultConfigPath;
  bool missing_ok = true;
  if (config_given) {
    config_path = config_opt;
    missing_ok = false;
  } else if (const char* env = std::getenv("CONFINE_CONFIG"); env && *env) {
    if (root_caller) {
      config_path = env;
      missing_ok = false;
    } else if (verbose) {
      raw_write_stderr("confine-run: ignoring CONFINE_CONFIG: honoured only for root\n");
    }
  }
  if (verbose && dropped) {
    std::string names;
    for (int cap = 0; cap < 64; ++cap)
      if (dropped & confine::cap_bit(cap)) {
        std::string n(confine::capability_name(cap));
        names += (names.empty() ? "" : ",") + (n.empty() ? std::to_string(cap) : n);
      }
    raw_write_stderr(("confine-run: dropped capabilities no step uses: " + names + "\n").c_str());
  }
  auto config = load_trusted_config(config_path, missing_ok);
  if (!config) return error(config.error().describe());

  confine::launch::RunRequest req{*config, argv[i], {argv + i + 1, argv + argc}, verbose};
  return confine::launch::run_app(req);
}

int main(int argc, char** argv) {
  // Anything thrown (std::bad_alloc, a library's exception) fails closed with
  // 125 and a message, like every other error, instead of aborting.
  try {
    return run_main(argc, argv);
  } catch (const std::exception& e) {
    raw_write_stderr("confine-run: error: ");
    raw_write_stderr(e.what());
    raw_write_stderr("\n");
  } catch (...) {
    raw_write_stderr("confine-run: error: unexpected exception\n");
  }
  return kExitCannotRun;
}
