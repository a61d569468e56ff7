#include "device_child.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace confine::testing {

ChildReport in_child(const std::function<void(int fd)>& body) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(p[0]);
    body(p[1]);
    _exit(0);
  }
  close(p[1]);
  ChildReport r;
  char buf[4096];
  for (;;) {
    ssize_t n = read(p[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    r.text.append(buf, static_cast<size_t>(n));
  }
  close(p[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  size_t start = 0;
  while (start < r.text.size()) {
    size_t end = r.text.find('\n', start);
    if (end == std::string::npos) end = r.text.size();
    std::string line = r.text.substr(start, end - start);
    auto eq = line.find('=');
    if (eq != std::string::npos) r.facts[line.substr(0, eq)] = line.substr(eq + 1);
    start = end + 1;
  }
  return r;
}

void report(int fd, const std::string& key, const std::string& value) {
  std::string line = key + "=" + value + "\n";
  if (write(fd, line.data(), line.size()) < 0) _exit(99);
}

std::string try_open(const std::string& path, int flags) {
  int fd = open(path.c_str(), flags | O_CLOEXEC);
  if (fd >= 0) {
    close(fd);
    return "OK";
  }
  const char* name = strerrorname_np(errno);
  return name ? name : std::to_string(errno);
}

}  // namespace confine::testing
