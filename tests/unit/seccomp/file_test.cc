// The filter file format: every header field is validated on read.
#include "seccomp/file.h"

#include <gtest/gtest.h>
#include <linux/audit.h>

#include <cerrno>
#include <cstring>

namespace confine::testing {
namespace {

using seccomp::decode_filter;
using seccomp::encode_filter;
using seccomp::FileHeader;
using seccomp::FilterImage;

FilterImage sample_image() {
  FilterImage img;
  img.allow = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0), BPF_STMT(BPF_RET | BPF_K, 0x7fff0000)};
  img.deny = {BPF_STMT(BPF_RET | BPF_K, 0x7fff0000)};
  img.rule_count = 7;
  img.root = {BPF_STMT(BPF_RET | BPF_K, 0x00050001), BPF_STMT(BPF_RET | BPF_K, 0x7fff0000)};
  return img;
}

std::string encoded() {
  return *encode_filter(sample_image());
}

FileHeader header_of(const std::string& bytes) {
  FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  return h;
}

// Rewrites the header and recomputes nothing: the checksum then no longer
// matches unless the test fixes it, which shows each field is checked on its
// own before the checksum.
std::string with_header(std::string bytes, const FileHeader& h) {
  std::memcpy(bytes.data(), &h, sizeof h);
  return bytes;
}

void expect_refused(const std::string& bytes, int err, const std::string& fragment) {
  auto r = decode_filter(bytes, "/p/seccomp/x.bpf");
  ASSERT_FALSE(r.ok()) << "accepted: " << fragment;
  EXPECT_EQ(r.error().err, err) << r.error().describe();
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
  EXPECT_TRUE(r.error().message.starts_with("/p/seccomp/x.bpf: ")) << r.error().message;
}

TEST(SeccompFile, RoundTrip) {
  std::string bytes = encoded();
  EXPECT_EQ(bytes.size(), sizeof(FileHeader) + 5 * sizeof(sock_filter));
  auto r = decode_filter(bytes, "f");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->allow.size(), 2u);
  EXPECT_EQ(r->deny.size(), 1u);
  ASSERT_EQ(r->root.size(), 2u);
  EXPECT_EQ(r->root[0].k, 0x00050001u);
  EXPECT_EQ(r->root[1].k, 0x7fff0000u);
  EXPECT_EQ(r->rule_count, 7u);
  EXPECT_EQ(r->allow[1].k, 0x7fff0000u);
  FileHeader h = header_of(bytes);
  EXPECT_EQ(h.format_version, seccomp::kFileFormatVersion);
#if defined(__x86_64__)
  EXPECT_EQ(h.arch[0], AUDIT_ARCH_X86_64);
  EXPECT_EQ(h.arch[1], AUDIT_ARCH_I386);
  EXPECT_EQ(h.arch[2], 0u);
#endif
}

TEST(SeccompFile, NoDenyProgram) {
  FilterImage img = sample_image();
  img.deny.clear();
  auto r = decode_filter(*encode_filter(img), "f");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_TRUE(r->deny.empty());
  EXPECT_EQ(r->root.size(), 2u);
}

TEST(SeccompFile, NoRootProgram) {
  FilterImage img = sample_image();
  img.root.clear();
  auto r = decode_filter(*encode_filter(img), "f");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_TRUE(r->root.empty());
  EXPECT_EQ(r->deny.size(), 1u);
}

TEST(SeccompFile, OversizedRootProgramIsRefused) {
  FilterImage img = sample_image();
  img.root.assign(seccomp::kMaxProgramLength + 1, BPF_STMT(BPF_RET | BPF_K, 0));
  EXPECT_FALSE(encode_filter(img).ok());
  FileHeader h = header_of(encoded());
  h.root_len = seccomp::kMaxProgramLength + 1;
  expect_refused(with_header(encoded(), h), EINVAL, "root 4097");
  h.root_len = 3;  // one more than the file holds
  expect_refused(with_header(encoded(), h), EINVAL, "length mismatch");
}

TEST(SeccompFile, EncodeRefusesEmptyAndOversizedPrograms) {
  FilterImage img = sample_image();
  img.allow.clear();
  EXPECT_FALSE(encode_filter(img).ok());
  img.allow.assign(seccomp::kMaxProgramLength + 1, BPF_STMT(BPF_RET | BPF_K, 0));
  EXPECT_FALSE(encode_filter(img).ok());
}

TEST(SeccompFile, Truncated) {
  std::string b = encoded();
  expect_refused("", EINVAL, "truncated");
  expect_refused(b.substr(0, sizeof(FileHeader) - 1), EINVAL, "truncated");
  expect_refused(b.substr(0, b.size() - 1), EINVAL, "length mismatch");
  expect_refused(b.substr(0, sizeof(FileHeader)), EINVAL, "length mismatch");
}

TEST(SeccompFile, TrailingBytes) {
  expect_refused(encoded() + "x", EINVAL, "length mismatch");
}

TEST(SeccompFile, WrongMagic) {
  std::string b = encoded();
  b[0] = 'X';
  expect_refused(b, EINVAL, "bad magic");
  expect_refused(std::string(200, '\0'), EINVAL, "bad magic");
}

TEST(SeccompFile, WrongVersion) {
  FileHeader h = header_of(encoded());
  h.format_version = 1;  // before the root program: refused, not read without it
  expect_refused(with_header(encoded(), h), EINVAL, "format version 1");
  h.format_version = 3;
  expect_refused(with_header(encoded(), h), EINVAL, "format version 3");
  h.format_version = 0;
  expect_refused(with_header(encoded(), h), EINVAL, "format version 0");
}

TEST(SeccompFile, WrongHeaderSize) {
  FileHeader h = header_of(encoded());
  h.header_size = 72;
  expect_refused(with_header(encoded(), h), EINVAL, "header size 72");
}

TEST(SeccompFile, WrongArchitecture) {
  FileHeader h = header_of(encoded());
  h.arch[0] = AUDIT_ARCH_AARCH64;
  expect_refused(with_header(encoded(), h), ENOEXEC, "another architecture");
  h = header_of(encoded());
  h.arch[1] = 0;  // compat ABI left unfiltered
  expect_refused(with_header(encoded(), h), ENOEXEC, "another architecture");
  h = header_of(encoded());
  h.arch[3] = AUDIT_ARCH_I386;  // an extra token
  expect_refused(with_header(encoded(), h), ENOEXEC, "another architecture");
}

TEST(SeccompFile, ReservedFieldsMustBeZero) {
  FileHeader h = header_of(encoded());
  h.reserved1 = 1;
  expect_refused(with_header(encoded(), h), EINVAL, "reserved");
}

TEST(SeccompFile, LengthMismatch) {
  FileHeader h = header_of(encoded());
  h.allow_len = 3;
  expect_refused(with_header(encoded(), h), EINVAL, "length mismatch");
  h = header_of(encoded());
  h.deny_len = 0;  // the deny program would be silently dropped
  expect_refused(with_header(encoded(), h), EINVAL, "length mismatch");
  h = header_of(encoded());
  h.allow_len = 0;
  expect_refused(with_header(encoded(), h), EINVAL, "out of range");
  h = header_of(encoded());
  h.deny_len = 0xffffffffu;  // must not overflow the size computation
  expect_refused(with_header(encoded(), h), EINVAL, "out of range");
}

TEST(SeccompFile, ChecksumCatchesFlippedInstruction) {
  std::string b = encoded();
  b[sizeof(FileHeader) + 4] ^= 1;  // the k of the first instruction
  expect_refused(b, EBADMSG, "checksum");
  FileHeader h = header_of(encoded());
  h.rule_count = 8;  // header fields are covered too
  expect_refused(with_header(encoded(), h), EBADMSG, "checksum");
}

}  // namespace
}  // namespace confine::testing

namespace confine::testing {
namespace {

// Damaged files: every truncation and random byte flips are refused, never
// crash, never decode to something else.
TEST(SeccompFile, DamagedFilesAreAlwaysRefused) {
  const std::string good = *seccomp::encode_filter(sample_image());
  for (size_t n = 0; n < good.size(); ++n)
    ASSERT_FALSE(seccomp::decode_filter(good.substr(0, n), "f").ok()) << "length " << n;
  uint64_t rng = 0x9e3779b97f4a7c15ULL;
  auto next = [&] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  for (int i = 0; i < 5000; ++i) {
    std::string b = good;
    int flips = 1 + static_cast<int>(next() % 4);
    for (int f = 0; f < flips; ++f) b[next() % b.size()] ^= static_cast<char>(1 + next() % 255);
    if (b == good) continue;
    ASSERT_FALSE(seccomp::decode_filter(b, "f").ok()) << "mutation " << i << " accepted";
  }
}

}  // namespace
}  // namespace confine::testing
