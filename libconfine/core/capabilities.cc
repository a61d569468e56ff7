#include "core/capabilities.h"

namespace confine {
namespace {

// capabilities(7) order; the index is the capability number.
constexpr std::string_view kNames[] = {
    "chown",
    "dac_override",
    "dac_read_search",
    "fowner",
    "fsetid",
    "kill",
    "setgid",
    "setuid",
    "setpcap",
    "linux_immutable",
    "net_bind_service",
    "net_broadcast",
    "net_admin",
    "net_raw",
    "ipc_lock",
    "ipc_owner",
    "sys_module",
    "sys_rawio",
    "sys_chroot",
    "sys_ptrace",
    "sys_pacct",
    "sys_admin",
    "sys_boot",
    "sys_nice",
    "sys_resource",
    "sys_time",
    "sys_tty_config",
    "mknod",
    "lease",
    "audit_write",
    "audit_control",
    "setfcap",
    "mac_override",
    "mac_admin",
    "syslog",
    "wake_alarm",
    "block_suspend",
    "audit_read",
    "perfmon",
    "bpf",
    "checkpoint_restore",
};
constexpr int kKnown = static_cast<int>(sizeof kNames / sizeof kNames[0]);

}  // namespace

std::optional<int> capability_from_name(std::string_view name) {
  for (int i = 0; i < kKnown; ++i)
    if (kNames[i] == name) return i;
  return std::nullopt;
}

std::string_view capability_name(int cap) {
  return cap >= 0 && cap < kKnown ? kNames[cap] : std::string_view();
}

}  // namespace confine
