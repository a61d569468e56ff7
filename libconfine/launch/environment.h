// The environment an app is started with (confine-run(1), ENVIRONMENT).
//
// The app gets exactly these variables from confine-run:
//   CONFINE_APP_ID, CONFINE_APP_NAME, CONFINE_PKG_NAME, CONFINE_PKG_ORIGIN
//   (empty for non-app types), CONFINE_PKG_VERSION, CONFINE_APP_ARCH (Debian
//   architecture name of this build), CONFINE_APP_PATH, CONFINE_APP_DATA_PATH,
//   CONFINE_APP_USER_DATA_PATH, CONFINE_APP_TMPDIR, CONFINE_OLD_PWD (the
//   caller's cwd), HOME (= user data path), TMPDIR (= CONFINE_APP_TMPDIR).
//
// Everything else in the caller's environment passes through, in order,
// except the variables below. Why they are removed: confine-run may run with
// privileges the caller lacks (file capabilities, or root), and the app it
// starts may hold rights the caller lacks (its AppArmor profile, devices
// assigned to its package). glibc itself ignores these variables in a
// privileged (AT_SECURE) process, but after confine-run drops its privileges
// the app is no longer AT_SECURE, so the dynamic loader and libc of the app
// would honour them: LD_PRELOAD would run caller-chosen code with the app's
// rights. We remove the same list glibc does (its "unsecure envvars",
// sysdeps/generic/unsecvars.h), widened to whole families:
//   LD_*            every dynamic-loader variable (LD_PRELOAD, LD_LIBRARY_PATH,
//                   LD_AUDIT, LD_DEBUG_OUTPUT, LD_PROFILE, ...)
//   MALLOC_*        malloc debugging/tracing (MALLOC_TRACE writes a file,
//                   MALLOC_CHECK_, MALLOC_PERTURB_, arena tunables)
//   GLIBC_TUNABLES  loader/malloc tunables (CVE-2023-4911 was in its parser)
//   GCONV_PATH      loads charset-conversion modules (shared objects)
//   GETCONF_DIR, HOSTALIASES, LOCALDOMAIN, LOCPATH, NIS_PATH, NLSPATH,
//   RESOLV_HOST_CONF, RES_OPTIONS, TZDIR
//                   make libc read caller-chosen files or change name lookup
// The same reason covers the variables through which an interpreter or a
// plugin loader runs or loads caller-chosen code at the start of any program
// it runs, before the program's own code has a say:
//   BASH_ENV, ENV, BASH_FUNC_*, SHELLOPTS, BASHOPTS, PS4   shells (a script
//                   app runs BASH_ENV first; exported functions override
//                   commands; xtrace runs PS4's substitutions)
//   PYTHONPATH, PYTHONHOME, PYTHONSTARTUP, PYTHONUSERBASE, PYTHONBREAKPOINT,
//   PYTHONINSPECT, PYTHONPLATLIBDIR, PYTHONEXECUTABLE, PYTHONPYCACHEPREFIX,
//   PERL5LIB, PERLLIB, PERL5OPT, PERL5DB, RUBYLIB, RUBYOPT, NODE_OPTIONS,
//   NODE_PATH, JAVA_TOOL_OPTIONS, _JAVA_OPTIONS, JDK_JAVA_OPTIONS, CLASSPATH,
//   LUA_*, TCLLIBPATH
//                   module search paths and startup options of interpreters
//   GIO_EXTRA_MODULES, GTK_MODULES, GTK3_MODULES, GTK_PATH, GST_PLUGIN_PATH,
//   GST_PLUGIN_SYSTEM_PATH, QT_PLUGIN_PATH, QT_QPA_PLATFORM_PLUGIN_PATH,
//   OPENSSL_CONF, OPENSSL_ENGINES, OPENSSL_MODULES
//                   shared objects loaded as modules by libraries
// Variables a program consults on purpose when it decides to (EDITOR, PAGER,
// GIT_*) pass through: they are input to the app like its arguments.
//   TMPDIR, HOME    replaced by the app's own directories
//   CONFINE_*       our own namespace: a caller must not fake CONFINE_APP_ID or
//                   leave stale values (CONFINE_CONFIG, ...) for the app
// Entries without '=' or with an empty name are malformed and dropped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/names.h"

namespace confine::launch {

// Debian architecture name of this build ("amd64", "arm64", ...), fixed at
// compile time: the app's binaries were installed for this architecture.
const char* debian_arch();

// True when `name` (the part before '=') must not reach the app.
bool is_stripped_variable(std::string_view name);

// The directories and caller state the CONFINE_* variables describe.
struct AppEnvironmentInput {
  AppId id;
  std::string install_dir;    // CONFINE_APP_PATH
  std::string data_dir;       // CONFINE_APP_DATA_PATH
  std::string user_data_dir;  // CONFINE_APP_USER_DATA_PATH, HOME
  std::string tmp_dir;        // CONFINE_APP_TMPDIR, TMPDIR
  std::string old_pwd;        // CONFINE_OLD_PWD
};

// The app's environment as "NAME=value" strings: the caller's variables that
// pass the filter, in their order, then the variables confine-run sets.
// `caller_env` is a NULL-terminated array like `environ` (may be null).
std::vector<std::string> app_environment(const AppEnvironmentInput& in,
                                         const char* const* caller_env);

}  // namespace confine::launch
