/* The app of the device tests: prints its capability sets and uid from
 * /proc/self/status, then "open:<path>=OK|<errno name>" for each argument. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
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
