#include "test_support.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace confine::testing {

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && *ci && std::strcmp(ci, "0") != 0 && std::strcmp(ci, "false") != 0;
}

bool is_root() { return geteuid() == 0; }

TempDir::TempDir() {
  std::string base = std::string(CONFINE_BUILD_DIR) + "/test-tmp";
  std::filesystem::create_directories(base);
  ::chmod(base.c_str(), 0755);
  std::string tmpl = base + "/t.XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  ::chmod(tmpl.c_str(), 0755);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  // Undo immutable-ish modes tests may set, then remove.
  for (auto it = std::filesystem::recursive_directory_iterator(
           path_, std::filesystem::directory_options::skip_permission_denied, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) ::chmod(it->path().c_str(), 0755);
  }
  std::filesystem::remove_all(path_, ec);
}

void write_file(const std::string& path, const std::string& content, unsigned mode) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  ::chmod(path.c_str(), mode);
}

std::string make_accounts_root(const std::string& dir) {
  write_file(dir + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
  write_file(dir + "/etc/group", "root:x:0:\nnogroup:x:65534:\naudio:x:29:\n");
  write_file(dir + "/etc/shadow", "root:*:20000:0:99999:7:::\n", 0600);
  write_file(dir + "/etc/gshadow", "root:*::\nnogroup:*::\naudio:*::\n", 0600);
  return dir;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

RunResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
              const std::string& stdin_text) {
  int out[2], err[2], in[2];
  if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(in, O_CLOEXEC))
    throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    std::vector<char*> a, e;
    for (auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    for (auto& s : env) e.push_back(const_cast<char*>(s.c_str()));
    e.push_back(nullptr);
    execve(a[0], a.data(), env.empty() ? environ : e.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  close(in[0]);
  if (!stdin_text.empty()) {
    ssize_t ignored = write(in[1], stdin_text.data(), stdin_text.size());
    (void)ignored;
  }
  close(in[1]);
  RunResult r;
  struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP))) continue;
      char buf[4096];
      ssize_t n = read(fds[k].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[k].fd);
        fds[k].fd = -1;
        --open_fds;
      } else {
        (k == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int st = 0;
  waitpid(pid, &st, 0);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
#if CONFINE_SANITIZER_BUILD
  // A sanitizer report in any child fails the test, also where the test
  // expected the child to fail (sanitizer_options.c: it stops at the first).
  for (const char* mark : {"Sanitizer:", ": runtime error: ", "Sanitizer CHECK failed",
                           "Sanitizer has encountered a fatal error", "Sanitizer failed to"})
    if (r.err.find(mark) != std::string::npos || r.out.find(mark) != std::string::npos) {
      ADD_FAILURE() << "sanitizer report from " << argv[0] << ":\n" << r.err;
      break;
    }
#endif
  return r;
}

std::string build_path(const std::string& rel) { return std::string(CONFINE_BUILD_DIR) + "/" + rel; }
std::string source_path(const std::string& rel) {
  return std::string(CONFINE_SOURCE_DIR) + "/" + rel;
}

}  // namespace confine::testing
