#include "seccomp/file.h"

#include <linux/audit.h>

#include <cerrno>
#include <cstring>

namespace confine::seccomp {
namespace {

#if defined(__x86_64__) && !defined(__ILP32__)
constexpr uint32_t kHostArchs[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386};
#elif defined(__aarch64__)
constexpr uint32_t kHostArchs[] = {AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM};
#else
#error "confine: add this architecture's AUDIT_ARCH tokens (native first, then compat ABIs)"
#endif
static_assert(std::size(kHostArchs) <= kMaxArchTokens);

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

uint64_t fnv1a(uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= kFnvPrime;
  }
  return h;
}

// Checksum of header (with checksum zeroed) followed by the programs.
uint64_t file_checksum(FileHeader h, std::string_view programs) {
  h.checksum = 0;
  return fnv1a(fnv1a(kFnvOffset, &h, sizeof h), programs.data(), programs.size());
}

Error bad(int err, std::string_view origin, const std::string& what) {
  return Error::from_errno(err, std::string(origin) + ": " + what);
}

}  // namespace

std::span<const uint32_t> host_arch_tokens() {
  return kHostArchs;
}

Result<std::string> encode_filter(const FilterImage& image) {
  if (image.allow.empty() || image.allow.size() > kMaxProgramLength ||
      image.deny.size() > kMaxProgramLength || image.root.size() > kMaxProgramLength)
    return Error::from_errno(EINVAL, "seccomp program length out of range (allow " +
                                         std::to_string(image.allow.size()) + ", deny " +
                                         std::to_string(image.deny.size()) + ", root " +
                                         std::to_string(image.root.size()) + " instructions)");
  FileHeader h{};
  std::memcpy(h.magic, kFileMagic, sizeof h.magic);
  h.format_version = kFileFormatVersion;
  h.header_size = sizeof(FileHeader);
  std::copy(kHostArchs, kHostArchs + std::size(kHostArchs), h.arch);
  h.allow_len = static_cast<uint32_t>(image.allow.size());
  h.deny_len = static_cast<uint32_t>(image.deny.size());
  h.root_len = static_cast<uint32_t>(image.root.size());
  h.rule_count = image.rule_count;

  std::string programs;
  programs.append(reinterpret_cast<const char*>(image.allow.data()),
                  image.allow.size() * sizeof(sock_filter));
  programs.append(reinterpret_cast<const char*>(image.deny.data()),
                  image.deny.size() * sizeof(sock_filter));
  programs.append(reinterpret_cast<const char*>(image.root.data()),
                  image.root.size() * sizeof(sock_filter));
  h.checksum = file_checksum(h, programs);

  std::string out(reinterpret_cast<const char*>(&h), sizeof h);
  out += programs;
  return out;
}

Result<FilterImage> decode_filter(std::string_view bytes, std::string_view origin) {
  if (bytes.size() < sizeof(FileHeader))
    return bad(EINVAL, origin,
               "truncated: " + std::to_string(bytes.size()) + " bytes, header is " +
                   std::to_string(sizeof(FileHeader)));
  FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  if (std::memcmp(h.magic, kFileMagic, sizeof h.magic) != 0)
    return bad(EINVAL, origin, "not a confine seccomp filter (bad magic)");
  if (h.format_version != kFileFormatVersion)
    return bad(EINVAL, origin,
               "format version " + std::to_string(h.format_version) +
                   ", this launcher reads version " + std::to_string(kFileFormatVersion) +
                   " (reinstall the package)");
  if (h.header_size != sizeof(FileHeader))
    return bad(EINVAL, origin,
               "header size " + std::to_string(h.header_size) + ", expected " +
                   std::to_string(sizeof(FileHeader)));
  for (size_t i = 0; i < kMaxArchTokens; ++i) {
    uint32_t want = i < std::size(kHostArchs) ? kHostArchs[i] : 0;
    if (h.arch[i] != want)
      return bad(ENOEXEC, origin,
                 "compiled for another architecture (token " + std::to_string(i) + " is " +
                     std::to_string(h.arch[i]) + ", this host needs " + std::to_string(want) + ")");
  }
  if (h.reserved1 != 0) return bad(EINVAL, origin, "reserved header fields are not zero");
  if (h.allow_len == 0 || h.allow_len > kMaxProgramLength || h.deny_len > kMaxProgramLength ||
      h.root_len > kMaxProgramLength)
    return bad(EINVAL, origin,
               "program length out of range (allow " + std::to_string(h.allow_len) + ", deny " +
                   std::to_string(h.deny_len) + ", root " + std::to_string(h.root_len) + ")");
  size_t want_size =
      sizeof(FileHeader) +
      (size_t{h.allow_len} + size_t{h.deny_len} + size_t{h.root_len}) * sizeof(sock_filter);
  if (bytes.size() != want_size)
    return bad(EINVAL, origin,
               "length mismatch: header says " + std::to_string(want_size) + " bytes, file has " +
                   std::to_string(bytes.size()));
  std::string_view programs = bytes.substr(sizeof(FileHeader));
  if (file_checksum(h, programs) != h.checksum)
    return bad(EBADMSG, origin, "checksum mismatch (file corrupted)");

  FilterImage image;
  image.rule_count = h.rule_count;
  image.allow.resize(h.allow_len);
  image.deny.resize(h.deny_len);
  std::memcpy(image.allow.data(), programs.data(), h.allow_len * sizeof(sock_filter));
  // An empty vector's data() may be null, and memcpy from or to null is
  // undefined even for 0 bytes.
  if (h.deny_len > 0)
    std::memcpy(image.deny.data(), programs.data() + h.allow_len * sizeof(sock_filter),
                h.deny_len * sizeof(sock_filter));
  image.root.resize(h.root_len);
  if (h.root_len > 0)
    std::memcpy(image.root.data(),
                programs.data() + (size_t{h.allow_len} + h.deny_len) * sizeof(sock_filter),
                h.root_len * sizeof(sock_filter));
  return image;
}

}  // namespace confine::seccomp
