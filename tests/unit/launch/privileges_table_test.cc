// The launcher's privilege table (launch/privileges.h) is the one statement
// of what confine-run may hold: confine-setcap gives exactly its rows, the
// design document lists exactly them, and a binary given more drops the
// rest before it does anything.
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "launch/privileges.h"
#include "test_support.h"

namespace confine::testing {
namespace {

using launch::launcher_caps_for;

std::set<std::string> names_of(CapSet caps) {
  std::set<std::string> out;
  for (int cap = 0; cap < 64; ++cap)
    if (caps & cap_bit(cap)) out.insert("cap_" + std::string(capability_name(cap)));
  return out;
}

// "cap_chown,cap_setgid,...=p" -> {"cap_chown", "cap_setgid", ...}
std::set<std::string> setcap_print(const std::string& cgroup) {
  auto r = run({"/bin/sh", source_path("packaging/confine-setcap"), "--print", "--cgroup", cgroup});
  EXPECT_EQ(r.status, 0) << r.err;
  std::set<std::string> out;
  std::string text = r.out.substr(0, r.out.find('='));
  std::stringstream ss(text);
  for (std::string c; std::getline(ss, c, ',');) out.insert(c);
  return out;
}

TEST(LauncherPrivilegeTable, ConfineSetcapGivesExactlyTheRowsOfEachCgroupVersion) {
  const unsigned common =
      launch::kNeedFsRootIds | launch::kNeedTmpDirOwner | launch::kNeedBoundingSet;
  EXPECT_EQ(setcap_print("v2"), names_of(launcher_caps_for(common | launch::kNeedCgroupV2)));
  EXPECT_EQ(setcap_print("v1"), names_of(launcher_caps_for(common | launch::kNeedCgroupV1)));
}

TEST(LauncherPrivilegeTable, TheDesignDocumentListsExactlyTheRows) {
  std::ifstream in(source_path("docs/architecture.md"));
  std::string line;
  bool in_table = false;
  std::set<std::string> listed;
  const std::regex cap("`(cap_[a-z_]+)`");
  while (std::getline(in, line)) {
    if (line.starts_with("### The privilege table"))
      in_table = true;
    else if (in_table && line.starts_with("#"))
      break;
    if (!in_table || !line.starts_with("| `cap_")) continue;
    const std::string first = line.substr(0, line.find('|', 1));
    for (std::sregex_iterator m(first.begin(), first.end(), cap), end; m != end; ++m)
      listed.insert((*m)[1]);
  }
  EXPECT_EQ(listed, names_of(launcher_caps_for(~0U)));
  for (const auto& row : launch::launcher_caps()) {
    EXPECT_FALSE(row.used_by.empty()) << row.cap;
    EXPECT_FALSE(row.why.empty()) << row.cap;
  }
}

// A binary given more than the table (here: cap_dac_override next to two of
// its rows) holds only the rows once drop_undeclared_caps() has run.
TEST(LauncherPrivilegeTable, WhatTheTableDoesNotListIsDroppedFirst) {
  CONFINE_REQUIRE(is_root(), "setting a permitted set needs root");
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    const CapSet given = cap_bit(CAP_SETUID) | cap_bit(CAP_BPF) | cap_bit(CAP_DAC_OVERRIDE);
    for (int i = 0; i < 2; ++i) {
      data[i].permitted = static_cast<uint32_t>(given >> (32 * i));
      data[i].effective = static_cast<uint32_t>(cap_bit(CAP_DAC_OVERRIDE) >> (32 * i));
    }
    if (::syscall(SYS_capset, &hdr, data) != 0) ::_exit(10);
    auto dropped = launch::drop_undeclared_caps();
    if (!dropped || *dropped != cap_bit(CAP_DAC_OVERRIDE)) ::_exit(11);
    auto now = launch::read_caps();
    if (!now || now->permitted != (cap_bit(CAP_SETUID) | cap_bit(CAP_BPF))) ::_exit(12);
    if (now->effective != 0) ::_exit(13);
    auto again = launch::drop_undeclared_caps();
    ::_exit(again && *again == 0 ? 0 : 14);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace confine::testing
