#include "launch/environment.h"

#include <cstring>

namespace confine::launch {

const char* debian_arch() {
  // Debian's names, not GNU triplets: CONFINE_APP_ARCH matches
  // `dpkg --print-architecture` on the machine the app was built for.
#if defined(__x86_64__) && defined(__ILP32__)
  return "x32";
#elif defined(__x86_64__)
  return "amd64";
#elif defined(__i386__)
  return "i386";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__) && defined(__ARM_PCS_VFP)
  return "armhf";
#elif defined(__arm__)
  return "armel";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "ppc64el";
#elif defined(__powerpc64__)
  return "ppc64";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#elif defined(__mips__) && defined(__LP64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "mips64el";
#elif defined(__mips__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "mipsel";
#elif defined(__loongarch64)
  return "loong64";
#else
#error "unknown architecture: add its Debian name to debian_arch()"
#endif
}

bool is_stripped_variable(std::string_view name) {
  // Families first: any variable with these prefixes (environment.h).
  for (std::string_view prefix : {"LD_", "MALLOC_", "CONFINE_", "BASH_FUNC_", "LUA_"})
    if (name.starts_with(prefix)) return true;
  // glibc's unsecure-envvars not covered by the families above, the startup
  // code and module paths of interpreters and plugin loaders, plus the two
  // variables confine-run sets itself.
  static constexpr std::string_view kExact[] = {
      "GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH",
      "NIS_PATH", "NLSPATH", "RES_OPTIONS", "RESOLV_HOST_CONF", "TZDIR",
      // shells
      "BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "PS4",
      // Python, Perl, Ruby, Node.js, Java, Tcl
      "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "PYTHONBREAKPOINT",
      "PYTHONINSPECT", "PYTHONPLATLIBDIR", "PYTHONEXECUTABLE", "PYTHONPYCACHEPREFIX",
      "PERL5LIB", "PERLLIB", "PERL5OPT", "PERL5DB", "RUBYLIB", "RUBYOPT", "NODE_OPTIONS",
      "NODE_PATH", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH",
      "TCLLIBPATH",
      // shared objects loaded as modules
      "GIO_EXTRA_MODULES", "GTK_MODULES", "GTK3_MODULES", "GTK_PATH", "GST_PLUGIN_PATH",
      "GST_PLUGIN_SYSTEM_PATH", "QT_PLUGIN_PATH", "QT_QPA_PLATFORM_PLUGIN_PATH", "OPENSSL_CONF",
      "OPENSSL_ENGINES", "OPENSSL_MODULES",
      // replaced by the app's own
      "TMPDIR", "HOME",
  };
  for (std::string_view v : kExact)
    if (name == v) return true;
  return false;
}

std::vector<std::string> app_environment(const AppEnvironmentInput& in,
                                         const char* const* caller_env) {
  std::vector<std::string> env;
  for (const char* const* p = caller_env; p && *p; ++p) {
    const char* eq = std::strchr(*p, '=');
    if (!eq || eq == *p) continue;  // malformed: not name=value
    if (is_stripped_variable(std::string_view(*p, static_cast<size_t>(eq - *p)))) continue;
    env.emplace_back(*p);
  }
  auto set = [&](const char* name, const std::string& value) {
    env.push_back(std::string(name) + "=" + value);
  };
  set("CONFINE_APP_ID", in.id.str());
  set("CONFINE_APP_NAME", in.id.app);
  set("CONFINE_PKG_NAME", in.id.key.name);
  set("CONFINE_PKG_ORIGIN", in.id.key.origin);
  set("CONFINE_PKG_VERSION", in.id.version);
  set("CONFINE_APP_ARCH", debian_arch());
  set("CONFINE_APP_PATH", in.install_dir);
  set("CONFINE_APP_DATA_PATH", in.data_dir);
  set("CONFINE_APP_USER_DATA_PATH", in.user_data_dir);
  set("CONFINE_APP_TMPDIR", in.tmp_dir);
  set("CONFINE_OLD_PWD", in.old_pwd);
  set("HOME", in.user_data_dir);
  set("TMPDIR", in.tmp_dir);
  return env;
}

}  // namespace confine::launch
