#include "devices/bpf_program.h"

#include <cstddef>
#include <cstdint>

namespace confine::devices {
namespace {

// Registers after the prologue. r1 (the context pointer) is free once the
// three fields are loaded, so it is the scratch register of the access test.
constexpr uint8_t kRegRet = BPF_REG_0;
constexpr uint8_t kRegScratch = BPF_REG_1;
constexpr uint8_t kRegType = BPF_REG_2;
constexpr uint8_t kRegAccess = BPF_REG_3;
constexpr uint8_t kRegMajor = BPF_REG_4;
constexpr uint8_t kRegMinor = BPF_REG_5;

bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn i{};
  i.code = code;
  i.dst_reg = dst & 0xf;
  i.src_reg = src & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}
bpf_insn load_ctx_word(uint8_t dst, int16_t off) {
  return insn(BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, off, 0);
}
bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm) {
  return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}
bpf_insn mov32_reg(uint8_t dst, uint8_t src) {
  return insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0);
}
bpf_insn jne_imm(uint8_t dst, int32_t imm, int16_t off) {
  return insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm);
}
bpf_insn exit_insn() {
  return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

int dev_type(char t) {
  return t == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
}

}  // namespace

std::vector<bpf_insn> device_program(const std::vector<DeviceRule>& rules) {
  std::vector<bpf_insn> p;
  p.reserve(6 + rules.size() * 6 + 2);
  // Prologue: r2 = type, r3 = access bits, r4 = major, r5 = minor.
  p.push_back(load_ctx_word(kRegType, offsetof(bpf_cgroup_dev_ctx, access_type)));
  p.push_back(alu32_imm(BPF_AND, kRegType, 0xffff));
  p.push_back(load_ctx_word(kRegAccess, offsetof(bpf_cgroup_dev_ctx, access_type)));
  p.push_back(alu32_imm(BPF_RSH, kRegAccess, 16));
  p.push_back(load_ctx_word(kRegMajor, offsetof(bpf_cgroup_dev_ctx, major)));
  p.push_back(load_ctx_word(kRegMinor, offsetof(bpf_cgroup_dev_ctx, minor)));

  for (const auto& r : rules) {
    // Each test jumps to the next block on mismatch; the offset of a jump
    // is the number of instructions left in this block after it.
    std::vector<bpf_insn> tests;
    tests.push_back(jne_imm(kRegType, dev_type(r.type), 0));
    if ((r.access & kAccessAll) != kAccessAll) {
      // Denied when the access asks for any bit the rule does not grant.
      tests.push_back(mov32_reg(kRegScratch, kRegAccess));
      tests.push_back(alu32_imm(BPF_AND, kRegScratch, ~r.access & kAccessAll));
      tests.push_back(jne_imm(kRegScratch, 0, 0));
    }
    if (r.major != kAny) tests.push_back(jne_imm(kRegMajor, r.major, 0));
    if (r.minor != kAny) tests.push_back(jne_imm(kRegMinor, r.minor, 0));
    const size_t block = tests.size() + 2;  // + "r0 = 1; exit"
    for (size_t i = 0; i < tests.size(); ++i)
      if (tests[i].code == (BPF_JMP | BPF_JNE | BPF_K))
        tests[i].off = static_cast<int16_t>(block - i - 1);
    p.insert(p.end(), tests.begin(), tests.end());
    p.push_back(alu32_imm(BPF_MOV, kRegRet, 1));
    p.push_back(exit_insn());
  }
  p.push_back(alu32_imm(BPF_MOV, kRegRet, 0));
  p.push_back(exit_insn());
  return p;
}

int run_device_program(const std::vector<bpf_insn>& prog, char type, unsigned major, unsigned minor,
                       uint8_t access) {
  const bpf_cgroup_dev_ctx ctx{
      static_cast<uint32_t>(access) << 16 | static_cast<uint32_t>(dev_type(type)), major, minor};
  uint64_t reg[11] = {};
  bool r1_is_ctx = true;  // until r1 is written
  size_t pc = 0;
  for (size_t steps = 0; pc < prog.size() && steps < 1000000; ++steps) {
    const bpf_insn& i = prog[pc];
    const uint8_t d = i.dst_reg, s = i.src_reg;
    if (d > 10 || s > 10) return -1;
    // The kernel refuses reserved fields: ALU and exit take no offset, and
    // immediate forms no source register.
    if (BPF_CLASS(i.code) == BPF_ALU && i.off != 0) return -1;
    if (BPF_SRC(i.code) == BPF_K && BPF_CLASS(i.code) != BPF_LDX && s != 0) return -1;
    switch (i.code) {
      case BPF_LDX | BPF_MEM | BPF_W: {
        if (s != BPF_REG_1 || !r1_is_ctx || i.off < 0 ||
            static_cast<size_t>(i.off) + 4 > sizeof ctx || i.off % 4)
          return -1;
        const uint32_t* w = reinterpret_cast<const uint32_t*>(&ctx);
        reg[d] = w[i.off / 4];
        break;
      }
      case BPF_ALU | BPF_AND | BPF_K:
        reg[d] = static_cast<uint32_t>(reg[d]) & static_cast<uint32_t>(i.imm);
        break;
      case BPF_ALU | BPF_RSH | BPF_K:
        reg[d] = static_cast<uint32_t>(reg[d]) >> (i.imm & 31);
        break;
      case BPF_ALU | BPF_MOV | BPF_K:
        reg[d] = static_cast<uint32_t>(i.imm);
        break;
      case BPF_ALU | BPF_MOV | BPF_X:
        reg[d] = static_cast<uint32_t>(reg[s]);
        break;
      case BPF_JMP | BPF_JNE | BPF_K:
        // 64-bit compare against the sign-extended immediate, as the kernel does.
        if (reg[d] != static_cast<uint64_t>(static_cast<int64_t>(i.imm))) {
          if (i.off < 0) return -1;  // the generator only jumps forward
          pc += static_cast<size_t>(i.off);
        }
        break;
      case BPF_JMP | BPF_EXIT:
        return static_cast<int>(reg[0]);
      default:
        return -1;
    }
    if (d == BPF_REG_1 && i.code != (BPF_JMP | BPF_JNE | BPF_K)) r1_is_ctx = false;
    ++pc;
  }
  return -1;  // fell off the end
}

}  // namespace confine::devices
