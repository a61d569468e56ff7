// Coverage: which confinement layer holds each access class the policy
// language restricts, on the kernel at hand.
//
// The table of classes is the contract (confine(8), COVERAGE): every class
// is held by at least one named layer for an app, granted in full by the
// app's policy, or a gap. A gap fails the launch (exit 125) unless the
// configuration's accept_gaps names the class; `confine check`,
// `confine policy` and `confine-run --verbose` print the same rows, all
// computed here from facts (a pure function, testable without the kernel).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confine {

enum class AccessClass {
  FileAccess,       // read, write, exec by path
  FileMetadata,     // mode, owner, times, xattrs
  UnixPathname,     // connect/send to pathname unix sockets
  UnixAbstract,     // abstract unix sockets outside the app
  Signals,          // signals to processes outside the app
  Ptrace,           // ptrace and ptrace-checked /proc of other processes
  Scheduling,       // priority, affinity, scheduler, limits of other processes
  Network,          // socket families and types
  Devices,          // device nodes
  Capabilities,     // capabilities beyond what the policy grants
  MountNamespaces,  // mounts and new namespaces
  AnonymousExec,    // exec of memfds and of file descriptors
};

struct AccessClassInfo {
  AccessClass id;
  const char* name;         // accept_gaps and output: "file-metadata"
  const char* description;  // "file mode, owner, times and xattrs"
};

// Every class, in the order they are printed.
const std::vector<AccessClassInfo>& access_classes();
std::string_view to_string(AccessClass c);
std::string_view description(AccessClass c);
std::optional<AccessClass> access_class_from_name(std::string_view name);

// What the layers of one launch do (or would do) on this kernel.
struct LayerFacts {
  bool seccomp = false;           // the app's filter is loaded
  bool seccomp_root = false;      // the app runs as uid 0
  // The filter's root program is stacked: no chmod, chown, utime or xattr
  // write at all (every root app; an app running as its caller where no
  // AppArmor profile checks them, unless accept_gaps lists file-metadata).
  bool seccomp_metadata = false;
  bool apparmor = false;          // the app execs into its profile
  bool apparmor_signal = false;   // the kernel's AppArmor mediates signals
  bool apparmor_ptrace = false;   // ... and ptrace
  bool landlock_files = false;    // a Landlock ruleset handling file access
  // Under AppArmor, Landlock's veil: no pty opened by name, nothing made or
  // removed in / or /dev (AppArmor's profile must name the ptys, and its
  // "w" includes create and unlink).
  bool apparmor_veil = false;
  int landlock_scopes_abi = 0;    // ABI of a ruleset with scopes (>= 6), 0 = none
  bool devices = false;           // the device cgroup
  bool privileges = false;        // capabilities dropped to the policy's
};

// What the app's policy lets through its seccomp filter: classes whose
// syscalls it allows (socket(AF_UNIX) for both unix classes, ptrace, mount
// or unshare, another process's priority, exec of a memfd). seccomp does
// not hold those; another layer may.
struct AppFacts {
  bool root = false;  // runs as uid 0
  // Runs as its package's own system user (confine install made it; it
  // owns nothing but what the app made where its policy lets it write).
  bool package_user = false;
  std::vector<AccessClass> seccomp_allows;
  bool grants_known = true;  // false: an old launch record that does not say (all allowed)
};

enum class Holding { Held, Granted, Gap };

struct CoverageRow {
  AccessClass cls;
  Holding holding;
  std::vector<std::string> layers;  // the layers holding it (Held)
  std::string note;                 // for a gap: what is missing; else detail ("" = none)
};

std::vector<CoverageRow> coverage(const LayerFacts& layers, const AppFacts& app);

// "landlock, seccomp" / "granted by the policy" / "GAP: <note>".
std::string describe_holding(const CoverageRow& row);

}  // namespace confine
