// The compiled seccomp filter file confine-run decodes and loads
// (<policy_dir>/seccomp/<APP_ID>.bpf; the launch step reads at most
// kMaxFileSize bytes and calls decode_filter). Launch path: never throws;
// what it accepts re-encodes to the same bytes.
#include "fuzz_support.h"
#include "seccomp/file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace sc = confine::seccomp;
  if (size > sc::kMaxFileSize) return 0;
  const std::string bytes = confine::fuzz::as_string(data, size);
  auto image = sc::decode_filter(bytes, "filter");
  if (!image) return 0;
  confine::fuzz::check(!image->allow.empty() && image->allow.size() <= sc::kMaxProgramLength &&
                           image->deny.size() <= sc::kMaxProgramLength,
                       "decoded program lengths are within the kernel's limit");
  auto encoded = sc::encode_filter(*image);
  confine::fuzz::check(encoded.ok() && *encoded == bytes, "a decoded file re-encodes to itself");
  return 0;
}
