#include "bpf_eval.h"

#include <gtest/gtest.h>

#include <cstring>

namespace confine::testing {

uint32_t bpf_run(std::span<const sock_filter> prog, const seccomp_data& data) {
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
  const auto* bytes = reinterpret_cast<const unsigned char*>(&data);
  auto fail = [&](size_t pc, const char* why) {
    ADD_FAILURE() << "invalid BPF at " << pc << ": " << why;
    return SECCOMP_RET_KILL_PROCESS;
  };
  for (size_t pc = 0; pc < prog.size(); ++pc) {
    const sock_filter& in = prog[pc];
    const uint32_t k = in.k;
    switch (BPF_CLASS(in.code)) {
      case BPF_LD:
      case BPF_LDX: {
        uint32_t v = 0;
        switch (BPF_MODE(in.code)) {
          case BPF_ABS:
            // seccomp allows only aligned 32-bit loads inside seccomp_data.
            if (BPF_SIZE(in.code) != BPF_W || k % 4 != 0 || k + 4 > sizeof data)
              return fail(pc, "load outside seccomp_data");
            std::memcpy(&v, bytes + k, 4);
            break;
          case BPF_IMM:
            v = k;
            break;
          case BPF_MEM:
            if (k >= BPF_MEMWORDS) return fail(pc, "scratch index");
            v = mem[k];
            break;
          case BPF_LEN:
            v = sizeof data;
            break;
          default:
            return fail(pc, "load mode");
        }
        (BPF_CLASS(in.code) == BPF_LD ? a : x) = v;
        break;
      }
      case BPF_ST:
      case BPF_STX:
        if (k >= BPF_MEMWORDS) return fail(pc, "scratch index");
        mem[k] = BPF_CLASS(in.code) == BPF_ST ? a : x;
        break;
      case BPF_ALU: {
        uint32_t src = BPF_SRC(in.code) == BPF_X ? x : k;
        switch (BPF_OP(in.code)) {
          case BPF_ADD:
            a += src;
            break;
          case BPF_SUB:
            a -= src;
            break;
          case BPF_MUL:
            a *= src;
            break;
          case BPF_DIV:
            if (src == 0) return 0;  // the kernel returns 0 (KILL) on division by zero
            a /= src;
            break;
          case BPF_MOD:
            if (src == 0) return 0;
            a %= src;
            break;
          case BPF_AND:
            a &= src;
            break;
          case BPF_OR:
            a |= src;
            break;
          case BPF_XOR:
            a ^= src;
            break;
          case BPF_LSH:
            a = src < 32 ? a << src : 0;
            break;
          case BPF_RSH:
            a = src < 32 ? a >> src : 0;
            break;
          case BPF_NEG:
            a = -a;
            break;
          default:
            return fail(pc, "alu op");
        }
        break;
      }
      case BPF_JMP: {
        size_t target;
        if (BPF_OP(in.code) == BPF_JA) {
          target = pc + 1 + k;
        } else {
          uint32_t src = BPF_SRC(in.code) == BPF_X ? x : k;
          bool t;
          switch (BPF_OP(in.code)) {
            case BPF_JEQ:
              t = a == src;
              break;
            case BPF_JGT:
              t = a > src;
              break;
            case BPF_JGE:
              t = a >= src;
              break;
            case BPF_JSET:
              t = (a & src) != 0;
              break;
            default:
              return fail(pc, "jump op");
          }
          target = pc + 1 + (t ? in.jt : in.jf);
        }
        if (target >= prog.size()) return fail(pc, "jump past the end");
        pc = target - 1;
        break;
      }
      case BPF_RET:
        return BPF_RVAL(in.code) == BPF_A ? a : k;
      case BPF_MISC:
        if (BPF_MISCOP(in.code) == BPF_TAX)
          x = a;
        else
          a = x;
        break;
      default:
        return fail(pc, "instruction class");
    }
  }
  return fail(prog.size(), "fell off the end");
}

uint32_t bpf_run_image(const seccomp::FilterImage& image, const seccomp_data& data) {
  uint32_t ret = SECCOMP_RET_ALLOW;
  // Same rule as the kernel's seccomp_run_filters(): newest filter first, a
  // strictly more restrictive action (smaller as signed) replaces the result.
  auto consider = [&](std::span<const sock_filter> prog) {
    uint32_t cur = bpf_run(prog, data);
    if (static_cast<int32_t>(cur & SECCOMP_RET_ACTION_FULL) <
        static_cast<int32_t>(ret & SECCOMP_RET_ACTION_FULL))
      ret = cur;
  };
  consider(image.allow);
  if (!image.deny.empty()) consider(image.deny);
  return ret;
}

seccomp_data syscall_data(uint32_t arch, int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                          uint64_t a4, uint64_t a5) {
  seccomp_data d{};
  d.nr = nr;
  d.arch = arch;
  d.instruction_pointer = 0x1000;
  uint64_t args[6] = {a0, a1, a2, a3, a4, a5};
  for (int i = 0; i < 6; ++i) d.args[i] = args[i];
  return d;
}

std::string action_name(uint32_t ret) {
  switch (ret & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_ALLOW:
      return "ALLOW";
    case SECCOMP_RET_ERRNO:
      return "ERRNO(" + std::to_string(ret & SECCOMP_RET_DATA) + ")";
    case SECCOMP_RET_KILL_PROCESS:
      return "KILL_PROCESS";
    case SECCOMP_RET_KILL_THREAD:
      return "KILL_THREAD";
    case SECCOMP_RET_TRAP:
      return "TRAP";
    case SECCOMP_RET_LOG:
      return "LOG";
    case SECCOMP_RET_TRACE:
      return "TRACE";
    default:
      return "ACTION(" + std::to_string(ret) + ")";
  }
}

}  // namespace confine::testing
