// The BPF device program generator, checked twice: in-process by running the
// generated instructions against a reference matcher over many accesses, and
// by the kernel's verifier (BPF_PROG_LOAD, root).
#include "devices/bpf_program.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "devices/cgroup_v2.h"
#include "test_support.h"

namespace confine::devices {
namespace {

bool reference_allows(const std::vector<DeviceRule>& rules, char type, int major, int minor,
                      uint8_t access) {
  for (const auto& r : rules)
    if (r.type == type && (r.major == kAny || r.major == major) &&
        (r.minor == kAny || r.minor == minor) && (access & ~r.access) == 0)
      return true;
  return false;
}

// Every access (1..7) of both types to each (major, minor) pair.
void expect_matches_reference(const std::vector<DeviceRule>& rules, const std::vector<int>& majors,
                              const std::vector<int>& minors) {
  auto prog = device_program(rules);
  int checked = 0;
  for (char type : {'c', 'b'})
    for (int maj : majors)
      for (int min : minors)
        for (uint8_t acc = 1; acc <= 7; ++acc) {
          int got = run_device_program(prog, type, maj, min, acc);
          ASSERT_NE(got, -1) << "program misbehaved";
          ASSERT_EQ(got == 1, reference_allows(rules, type, maj, min, acc))
              << type << " " << maj << ":" << min << " access " << int(acc);
          ++checked;
        }
  EXPECT_GT(checked, 0);
}

DeviceRule rule(const char* s) {
  return *parse_rule(s);
}

TEST(BpfProgram, DefaultsAllowReadWriteOfNullButNotMknodNorMem) {
  auto prog = device_program(default_rules());
  EXPECT_EQ(run_device_program(prog, 'c', 1, 3, kAccessRead | kAccessWrite), 1);
  EXPECT_EQ(run_device_program(prog, 'c', 1, 9, kAccessRead), 1);     // urandom
  EXPECT_EQ(run_device_program(prog, 'c', 136, 7, kAccessWrite), 1);  // /dev/pts/7
  EXPECT_EQ(run_device_program(prog, 'c', 1, 3, kAccessMknod), 0);
  EXPECT_EQ(run_device_program(prog, 'c', 1, 1, kAccessRead), 0);     // /dev/mem
  EXPECT_EQ(run_device_program(prog, 'c', 1, 11, kAccessRead), 0);    // /dev/kmsg
  EXPECT_EQ(run_device_program(prog, 'c', 10, 237, kAccessRead), 0);  // /dev/loop-control
  EXPECT_EQ(run_device_program(prog, 'b', 1, 3, kAccessRead), 0);     // block, same numbers
  EXPECT_EQ(run_device_program(prog, 'c', 144, 0, kAccessRead), 0);   // past the pty majors
  expect_matches_reference(default_rules(), {0, 1, 4, 5, 135, 136, 140, 143, 144},
                           {0, 1, 2, 3, 5, 7, 8, 9, 11, 200});
}

TEST(BpfProgram, NoRulesDeniesEverything) {
  auto prog = device_program({});
  EXPECT_EQ(prog.size(), 8u);  // prologue + "return 0"
  EXPECT_EQ(run_device_program(prog, 'c', 1, 3, kAccessRead), 0);
}

TEST(BpfProgram, AccessBitsAreRespected) {
  std::vector<DeviceRule> rules = {rule("c 10:1 r"), rule("c 10:2 w"), rule("c 10:3 m"),
                                   rule("c 10:4 rw"), rule("c 10:5 rwm")};
  auto prog = device_program(rules);
  EXPECT_EQ(run_device_program(prog, 'c', 10, 1, kAccessRead), 1);
  EXPECT_EQ(run_device_program(prog, 'c', 10, 1, kAccessRead | kAccessWrite), 0);  // O_RDWR
  EXPECT_EQ(run_device_program(prog, 'c', 10, 2, kAccessRead), 0);
  EXPECT_EQ(run_device_program(prog, 'c', 10, 3, kAccessMknod), 1);
  EXPECT_EQ(run_device_program(prog, 'c', 10, 3, kAccessRead), 0);
  EXPECT_EQ(run_device_program(prog, 'c', 10, 4, kAccessMknod), 0);
  EXPECT_EQ(run_device_program(prog, 'c', 10, 5, kAccessAll), 1);
  expect_matches_reference(rules, {9, 10}, {0, 1, 2, 3, 4, 5, 6});
}

TEST(BpfProgram, WildcardMajorsAndMinors) {
  std::vector<DeviceRule> rules = {rule("c 116:* rw"), rule("c *:42 r"), rule("b 8:* rwm"),
                                   rule("b *:* m")};
  auto prog = device_program(rules);
  EXPECT_EQ(run_device_program(prog, 'c', 116, 123456, kAccessWrite), 1);
  EXPECT_EQ(run_device_program(prog, 'c', 4095, 42, kAccessRead), 1);
  EXPECT_EQ(run_device_program(prog, 'c', 4095, 42, kAccessWrite), 0);
  EXPECT_EQ(run_device_program(prog, 'b', 9, 1, kAccessMknod), 1);
  EXPECT_EQ(run_device_program(prog, 'b', 9, 1, kAccessRead), 0);
  expect_matches_reference(rules, {0, 7, 8, 9, 115, 116, 117, 4095}, {0, 1, 41, 42, 43, 1048575});
}

std::vector<DeviceRule> two_hundred_rules() {
  std::vector<DeviceRule> rules;
  const uint8_t accesses[] = {kAccessRead, kAccessWrite, kAccessMknod, kAccessRead | kAccessWrite,
                              kAccessAll};
  for (int i = 0; i < 200; ++i) {
    DeviceRule r;
    r.type = i % 3 == 0 ? 'b' : 'c';
    r.major = i % 10 == 9 ? kAny : 10 + i / 20;
    r.minor = i % 7 == 6 ? kAny : i;
    r.access = accesses[i % 5];
    rules.push_back(r);
  }
  return rules;
}

TEST(BpfProgram, TwoHundredDevicesMatchTheReference) {
  auto rules = two_hundred_rules();
  auto prog = device_program(rules);
  EXPECT_LE(prog.size(), 8u + 8u * rules.size());
  std::vector<int> majors, minors;
  for (int m = 8; m <= 21; ++m) majors.push_back(m);
  for (int m = 0; m <= 202; ++m) minors.push_back(m);
  minors.push_back(1048575);
  expect_matches_reference(rules, majors, minors);
}

TEST(BpfProgram, TheKernelVerifierAcceptsTwoHundredRules) {
  CONFINE_REQUIRE(testing::is_root(), "BPF_PROG_LOAD of a cgroup device program needs root");
  for (const auto& rules : {default_rules(), two_hundred_rules(), std::vector<DeviceRule>{}}) {
    auto fd = load_device_program(device_program(rules), real_syscalls());
    ASSERT_TRUE(fd) << fd.error().describe();
    EXPECT_TRUE(fd->valid());
  }
}

TEST(BpfProgram, InterpreterRejectsWhatTheGeneratorNeverEmits) {
  auto prog = device_program(default_rules());
  prog.pop_back();  // no exit at the end
  EXPECT_EQ(run_device_program(prog, 'c', 9, 9, kAccessRead), -1);
  auto bad = device_program({});
  bad[0].off = 12;  // read past the context
  EXPECT_EQ(run_device_program(bad, 'c', 1, 3, kAccessRead), -1);
}

}  // namespace
}  // namespace confine::devices
