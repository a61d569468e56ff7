// The compiled seccomp filter file, <policy_dir>/seccomp/<APP_ID>.bpf, shared
// by the install-time compiler (writer) and the launcher (reader).
//
// Layout, in host byte order (the file is generated on and for this machine):
//
//   FileHeader      64 bytes, fixed size
//   allow program   allow_len classic BPF instructions (struct sock_filter)
//   deny program    deny_len instructions (0 = none)
//   root program    root_len instructions (0 = none): loaded only when the
//                   app runs as uid 0 (see compile.h)
//
// Two programs, because libseccomp cannot express "this conditional deny wins
// over that allow" inside one filter (it drops a conditional rule when the
// same syscall has an unconditional one, and orders conditional rules by
// argument, not by action). The kernel runs every stacked filter and keeps
// the most restrictive result, so stacking the deny program with the allow
// program makes every deny win, guaranteed by the kernel (seccomp(2)). The
// deny program is loaded first: the allow program does not allow seccomp(2).
//
// The checksum detects truncation and corruption, not forgery: the file is
// trusted because it and every directory above it are root-owned and not
// writable by anyone else (checked by the loader on the opened fds).
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace confine::seccomp {

inline constexpr char kFileMagic[8] = {'C', 'N', 'F', 'S', 'E', 'C', 'C', '\n'};
// 2: the root program (version 1 files have none and are refused).
inline constexpr uint32_t kFileFormatVersion = 2;
inline constexpr size_t kMaxArchTokens = 4;
// BPF_MAXINSNS: the kernel refuses longer classic BPF programs.
inline constexpr uint32_t kMaxProgramLength = 4096;

struct FileHeader {
  char magic[8];
  uint32_t format_version;
  uint32_t header_size;           // sizeof(FileHeader)
  uint32_t arch[kMaxArchTokens];  // AUDIT_ARCH_* the filter covers, in order, 0-padded
  uint32_t allow_len;             // instructions, 1..kMaxProgramLength
  uint32_t deny_len;              // instructions, 0..kMaxProgramLength
  uint32_t rule_count;            // policy rules compiled (for the "applied:" report)
  uint32_t root_len;              // instructions, 0..kMaxProgramLength
  uint64_t checksum;              // FNV-1a 64 of the whole file with this field zero
  uint64_t reserved1;             // 0
};
static_assert(sizeof(FileHeader) == 64, "the header is part of the on-disk format");

inline constexpr size_t kMaxFileSize =
    sizeof(FileHeader) + 3 * size_t{kMaxProgramLength} * sizeof(sock_filter);

// The architectures a filter must cover on this host, native first: a process
// can make syscalls through each of these ABIs (AUDIT_ARCH_* values, which are
// also libseccomp's SCMP_ARCH_* tokens). x32 shares AUDIT_ARCH_X86_64 and is
// never listed: the compiler denies it.
std::span<const uint32_t> host_arch_tokens();

// A decoded filter file.
struct FilterImage {
  std::vector<sock_filter> allow;
  std::vector<sock_filter> deny;  // empty: no conditional denies
  uint32_t rule_count = 0;
  std::vector<sock_filter> root;  // stacked only for a uid-0 app; empty: none
};

// Encodes `image` for the host architectures. Fails (EINVAL) on an empty or
// over-long program.
Result<std::string> encode_filter(const FilterImage& image);

// Decodes and validates every header field of `bytes`: magic, version, header
// size, architecture tokens (must equal host_arch_tokens()), reserved fields,
// program lengths against the file size, checksum. `origin` names the file in
// errors. Errors carry EINVAL (malformed), ENOEXEC (wrong architecture) or
// EBADMSG (checksum).
Result<FilterImage> decode_filter(std::string_view bytes, std::string_view origin);

}  // namespace confine::seccomp
