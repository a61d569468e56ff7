#include "kernel_child.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "seccomp/launch_step.h"

extern char** environ;

namespace confine::testing {
namespace {

struct Report {
  int loaded;
  int load_err;
  long ret;
  int err;
};

bool read_all(int fd, void* buf, size_t n) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

std::string drain(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

// _exit for a child under a seccomp filter the test loaded. _exit is
// noreturn, and before a noreturn call ASan's instrumentation calls
// sigaltstack (__asan_handle_no_return), which such a filter may refuse:
// ASan then dies with a CHECK failure instead of the child's status.
// syscall() is not noreturn, so nothing runs before the exit.
void exit_under_filter(int status) {
  ::syscall(SYS_exit_group, status);
}

}  // namespace

ChildOutcome run_under_filter(const seccomp::FilterImage& image, const std::function<long()>& fn,
                              bool force_no_new_privs) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  pid_t pid = fork();
  if (pid == 0) {
    ::close(p[0]);
    Report r{};
    auto s = seccomp::load_filter(image, force_no_new_privs);
    r.loaded = s.ok();
    if (!s.ok()) {
      r.load_err = s.error().err;
    } else {
      errno = 0;
      r.ret = fn();
      r.err = errno;
    }
    (void)!::write(p[1], &r, sizeof r);
    exit_under_filter(0);
  }
  ::close(p[1]);
  Report r{};
  bool got = read_all(p[0], &r, sizeof r);
  ::close(p[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ChildOutcome out;
  if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
  if (got) out = {r.loaded != 0, r.load_err, r.ret, r.err, out.signal};
  return out;
}

RunResult exec_under_filter(const seccomp::FilterImage& image,
                            const std::vector<std::string>& argv) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  std::vector<char*> a;
  for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
  a.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    auto s = seccomp::load_filter(image, false);
    if (!s.ok()) {
      (void)!::write(2, "load_filter failed\n", 19);
      _exit(125);
    }
    execve(a[0], a.data(), environ);
    exit_under_filter(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  RunResult r;
  r.out = drain(out[0]);
  r.err = drain(err[0]);
  ::close(out[0]);
  ::close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

long syscall_i386(long nr, long a0, long a1, long a2) {
#if defined(__x86_64__)
  long ret;
  // int $0x80 from a 64-bit task enters through the ia32 compat table.
  asm volatile("int $0x80"
               : "=a"(ret)
               : "a"(nr), "b"(a0), "c"(a1), "d"(a2)
               : "memory", "r8", "r9", "r10", "r11");
  if (ret < 0 && ret > -4096) {
    errno = static_cast<int>(-ret);
    return -1;
  }
  return ret;
#else
  (void)nr, (void)a0, (void)a1, (void)a2;
  errno = ENOSYS;
  return -1;
#endif
}

}  // namespace confine::testing
