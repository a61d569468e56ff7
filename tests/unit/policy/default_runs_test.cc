// The default template is broad enough for ordinary programs: a shell
// running ls, and python3, start and work under its compiled seccomp filter
// on the real kernel; and the syscalls it leaves out really fail there.
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy/library.h"
#include "seccomp/compile.h"
#include "seccomp/launch_step.h"
#include "test_support.h"

namespace confine::policy {
namespace {

seccomp::FilterImage compiled(const std::vector<std::pair<PolicyKind, std::string>>& parts) {
  static const PolicyLibrary lib =
      PolicyLibrary::load(testing::source_path("policy-templates"), "");
  Policy p;
  for (const auto& [kind, name] : parts) p.merge(lib.expand(*lib.find(kind, name)));
  return seccomp::compile_policy(p.effective()).image;
}

// Runs argv in a child under `image`; returns (status, stdout).
std::pair<int, std::string> run_filtered(const seccomp::FilterImage& image,
                                         const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {-1, ""};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (!seccomp::load_filter(image, true).ok()) _exit(120);
    execv(args[0], args.data());
    _exit(121);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, n);
  close(fds[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), out};
}

TEST(DefaultTemplateOnTheKernel, ShellRunsLs) {
  CONFINE_REQUIRE(seccomp::kernel_supports_filters().ok(), "needs seccomp filters");
  auto image = compiled({{PolicyKind::Template, "default"}});
  auto [status, out] = run_filtered(image, {"/bin/sh", "-c", "ls / && echo done"});
  EXPECT_EQ(status, 0);
  EXPECT_NE(out.find("usr\n"), std::string::npos) << out;
  EXPECT_NE(out.find("done\n"), std::string::npos) << out;
}

TEST(DefaultTemplateOnTheKernel, Python3Runs) {
  CONFINE_REQUIRE(access("/usr/bin/python3", X_OK) == 0, "needs python3");
  CONFINE_REQUIRE(seccomp::kernel_supports_filters().ok(), "needs seccomp filters");
  auto image = compiled({{PolicyKind::Template, "default"}});
  auto [status, out] = run_filtered(
      image, {"/usr/bin/python3", "-c",
              "import os, json, subprocess, threading; t = threading.Thread(target=print);"
              "t.start(); t.join(); print(json.dumps(os.listdir('/') != []));"
              "print(subprocess.run(['/bin/true']).returncode)"});
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out, "\ntrue\n0\n");
}

TEST(DefaultTemplateOnTheKernel, SocketsNeedACap) {
  CONFINE_REQUIRE(access("/usr/bin/python3", X_OK) == 0, "needs python3");
  CONFINE_REQUIRE(seccomp::kernel_supports_filters().ok(), "needs seccomp filters");
  const std::string script =
      "import socket, errno\n"
      "for fam in (socket.AF_INET, socket.AF_NETLINK):\n"
      "  try:\n"
      "    socket.socket(fam, socket.SOCK_DGRAM); print('ok')\n"
      "  except OSError as e: print(errno.errorcode[e.errno])\n";
  auto bare = run_filtered(compiled({{PolicyKind::Template, "default"}}),
                           {"/usr/bin/python3", "-c", script});
  EXPECT_EQ(bare.second, "EPERM\nEPERM\n");
  auto client = run_filtered(
      compiled({{PolicyKind::Template, "default"}, {PolicyKind::Group, "network-client"}}),
      {"/usr/bin/python3", "-c", script});
  EXPECT_EQ(client.second, "ok\nEPERM\n");
}

}  // namespace
}  // namespace confine::policy
