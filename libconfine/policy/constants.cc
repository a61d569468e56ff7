#include "policy/constants.h"

#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/personality.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>

#include <algorithm>
#include <charconv>
#include <iterator>

namespace confine::policy {
namespace {

struct Constant {
  const char* name;
  uint64_t value;
};

// Names are unique (checked by a unit test); the table is small, so lookups
// are a linear scan. The values come from the C headers, never typed in.
// clang-format off
#define C(x) Constant{#x, static_cast<uint64_t>(x)}
constexpr Constant kConstants[] = {
    C(AF_ALG), C(AF_APPLETALK),
    C(AF_AX25), C(AF_BLUETOOTH), C(AF_CAN),
    C(AF_INET), C(AF_INET6), C(AF_KEY),
    C(AF_LOCAL), C(AF_NETLINK), C(AF_PACKET),
    C(AF_UNIX), C(AF_UNSPEC), C(AF_VSOCK),
    C(AF_XDP), C(AT_EMPTY_PATH), C(CLONE_FILES), C(CLONE_FS),
    C(CLONE_NEWCGROUP), C(CLONE_NEWIPC), C(CLONE_NEWNET),
    C(CLONE_NEWNS), C(CLONE_NEWPID), C(CLONE_NEWTIME),
    C(CLONE_NEWUSER), C(CLONE_NEWUTS), C(CLONE_PARENT),
    C(CLONE_SETTLS), C(CLONE_SIGHAND), C(CLONE_THREAD),
    C(CLONE_VFORK), C(CLONE_VM), C(FIONBIO),
    C(FIONREAD), C(IPPROTO_ICMP), C(IPPROTO_ICMPV6),
    C(IPPROTO_IP), C(IPPROTO_RAW), C(IPPROTO_TCP),
    C(IPPROTO_UDP), C(MAP_ANONYMOUS), C(MAP_PRIVATE),
    C(MAP_SHARED), C(NETLINK_ROUTE), C(O_CREAT), C(O_RDONLY),
    C(O_RDWR), C(O_TMPFILE), C(O_WRONLY), C(PER_LINUX),
    C(PER_LINUX32), C(PRIO_PGRP), C(PRIO_PROCESS), C(PRIO_USER), C(PROT_EXEC), C(PROT_READ),
    C(PROT_WRITE), C(PR_CAPBSET_READ), C(PR_GET_NAME),
    C(PR_SET_NAME), C(PR_SET_NO_NEW_PRIVS), C(PR_SET_PDEATHSIG),
    C(PR_SET_SECCOMP), C(SOCK_CLOEXEC), C(SOCK_DGRAM),
    C(SOCK_NONBLOCK), C(SOCK_RAW), C(SOCK_SEQPACKET),
    C(SOCK_STREAM), C(S_IFBLK), C(S_IFCHR), C(S_IFMT),
    C(S_ISGID), C(S_ISUID), C(TIOCLINUX), C(TIOCSETD),
    C(TIOCSTI),
    // memfd_create flags of Linux 6.3, newer than Debian 12's headers.
    {"MFD_EXEC", 0x10}, {"MFD_NOEXEC_SEAL", 0x8},
    {"PER_QUERY", 0xffffffffU},  // personality(0xffffffff) only reads the persona
    {"SOCK_TYPE_MASK", 0xf},  // the type bits of socket()'s second argument
};
// clang-format on
#undef C

std::optional<uint64_t> parse_one(std::string_view t, std::string& problem) {
  if (t.empty()) {
    problem = "empty value";
    return std::nullopt;
  }
  if (auto v = constant_value(t)) return v;
  bool negative = t.front() == '-';
  if (negative) t.remove_prefix(1);
  int base = 10;
  if (t.starts_with("0x") || t.starts_with("0X")) {
    base = 16;
    t.remove_prefix(2);
  }
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
    problem = "not a number or a known constant";
    return std::nullopt;
  }
  return negative ? ~v + 1 : v;
}

}  // namespace

std::optional<uint64_t> constant_value(std::string_view name) {
  for (const auto& c : kConstants)
    if (name == c.name) return c.value;
  return std::nullopt;
}

std::optional<uint64_t> parse_arg_value(std::string_view text, std::string& problem) {
  uint64_t v = 0;
  size_t start = 0;
  while (true) {
    size_t bar = text.find('|', start);
    std::string_view part = text.substr(start, bar == std::string_view::npos ? bar : bar - start);
    auto one = parse_one(part, problem);
    if (!one) {
      problem = "\"" + std::string(part) + "\": " + problem;
      return std::nullopt;
    }
    v |= *one;
    if (bar == std::string_view::npos) return v;
    start = bar + 1;
  }
}

std::vector<std::string> constant_names() {
  std::vector<std::string> out;
  for (const auto& c : kConstants) out.emplace_back(c.name);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace confine::policy
