// /proc/self/mountinfo and /proc/self/cgroup as confine-run parses them to
// pick the device-cgroup backend. Mount points come from whoever mounted
// them (a user namespace can mount anything anywhere in its own view).
// Never throws; the chosen cgroup dir lies inside the chosen hierarchy.
#include "devices/detect.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace d = confine::devices;
  const std::string in = confine::fuzz::as_string(data, size);
  const size_t nul = in.find('\0');
  const std::string_view all(in);
  d::CgroupMounts m = d::parse_mountinfo(all.substr(0, nul));
  d::ProcCgroups c = d::parse_proc_cgroup(nul == std::string::npos ? all : all.substr(nul + 1));
  d::Detection det = d::choose_backend(m, c);
  if (det.backend != d::Backend::None)
    confine::fuzz::check(!det.mount.empty(), "a chosen backend has a mount point");
  return 0;
}
