#include "devices/cgroup_v2.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace confine::devices {

Result<UniqueFd> load_device_program(const std::vector<bpf_insn>& prog, const Syscalls& sys) {
  static const char kLicense[] = "GPL";  // no helpers are called; any string would load
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insn_cnt = static_cast<uint32_t>(prog.size());
  attr.insns = reinterpret_cast<uint64_t>(prog.data());
  attr.license = reinterpret_cast<uint64_t>(kLicense);
  static const char kName[] = "confine_devices";  // shown by bpftool; fits BPF_OBJ_NAME_LEN
  static_assert(sizeof kName <= sizeof attr.prog_name);
  std::memcpy(attr.prog_name, kName, sizeof kName);
  long fd = sys.bpf(BPF_PROG_LOAD, &attr, sizeof attr);
  if (fd < 0) return Error::from_errno(errno, "cannot load the BPF device program");
  return UniqueFd(static_cast<int>(fd));
}

Status attach_device_program(int cgroup_fd, int prog_fd, const Syscalls& sys) {
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.target_fd = static_cast<uint32_t>(cgroup_fd);
  attr.attach_bpf_fd = static_cast<uint32_t>(prog_fd);
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys.bpf(BPF_PROG_ATTACH, &attr, sizeof attr) != 0)
    return Error::from_errno(errno, "cannot attach the BPF device program");
  return Status::Ok();
}

Result<uint32_t> attached_device_programs(int cgroup_fd, const Syscalls& sys) {
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.query.target_fd = static_cast<uint32_t>(cgroup_fd);
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  if (sys.bpf(BPF_PROG_QUERY, &attr, sizeof attr) != 0)
    return Error::from_errno(errno, "cannot query the cgroup's BPF device programs");
  return attr.query.prog_cnt;
}

std::string rule_set_name(const std::vector<bpf_insn>& prog) {
  uint64_t h = 0xcbf29ce484222325ULL;
  const auto* bytes = reinterpret_cast<const unsigned char*>(prog.data());
  for (size_t i = 0; i < prog.size() * sizeof(bpf_insn); ++i) {
    h ^= bytes[i];
    h *= 0x100000001b3ULL;
  }
  char name[24];  // 2 + 16 characters: never truncated
  (void)std::snprintf(name, sizeof name, "r-%016llx", static_cast<unsigned long long>(h));
  return name;
}

}  // namespace confine::devices
