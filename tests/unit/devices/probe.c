/* The app of the device tests: prints its capability sets and uid from
 * /proc/self/status, then "open:<path>=OK|<errno name>" for each argument.
 * When fd 3 is open it first writes "fd<N>=<target>:<r|w|rw>" there for
 * fds 0-2 (what a caller that closed them finds in the app). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (fcntl(3, F_GETFD) >= 0) {
    for (int fd = 0; fd <= 2; ++fd) {
      char link[32], target[256] = "closed";
      snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
      ssize_t n = readlink(link, target, sizeof target - 1);
      if (n >= 0) target[n] = 0;
      int fl = fcntl(fd, F_GETFL);
      int acc = fl & O_ACCMODE;
      dprintf(3, "fd%d=%s:%s\n", fd, target,
              fl < 0 ? "-" : acc == O_RDONLY ? "r" : acc == O_WRONLY ? "w" : "rw");
    }
  }
  FILE* f = fopen("/proc/self/status", "r");
  char line[512];
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "Cap", 3) || !strncmp(line, "Uid:", 4) || !strncmp(line, "NoNewPrivs:", 11))
      fputs(line, stdout);
  if (f) fclose(f);
  for (int i = 1; i < argc; ++i) {
    int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
    const char* e = fd >= 0 ? "OK" : strerrorname_np(errno);
    printf("open:%s=%s\n", argv[i], e ? e : "?");
    if (fd >= 0) close(fd);
  }
  return 0;
}
