/* probe: a tiny static test program run inside the VM, under confinement.
 * It tries each operation given on its command line and reports the outcome
 * as an errno name, so the guest tests can tell an AppArmor denial (EACCES
 * from open) from a device-cgroup denial (EPERM from open) from a seccomp
 * denial (the filter's errno) without depending on busybox's messages.
 *
 *   probe OP...   with OP one of
 *     read=PATH      open PATH read-only and print its first line
 *     write=PATH     create/truncate PATH and write "probe\n" to it
 *     open=PATH      open PATH read-only (device nodes), print nothing more
 *     chmod=PATH     chmod PATH to its own mode (only its owner may)
 *     syscall=NAME   call NAME with harmless arguments (see do_syscall)
 *     status=FIELD   print FIELD of /proc/self/status (CapEff, NoNewPrivs...)
 *     sleep=SECONDS  sleep, so a test can look at the process from outside
 *     pty=SECONDS    open a new pty, print its name, hold it open SECONDS
 *     fd=N           write "probe\n" to the inherited descriptor N
 *
 * A PATH starting with $NAME has that prefix replaced by the environment
 * variable NAME (e.g. $CONFINE_APP_DATA_PATH/x), since only the confined
 * process knows its own directories. Prints one line per OP, "OP ok [TEXT]"
 * or "OP ERRNAME", with OP as given. Exits 0 once every OP ran (their
 * outcomes are the output, not the status), 2 on bad usage. Static, so it
 * runs under any profile that lets it execute, without library reads. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char* err_name(int e) {
  const char* name = strerrorname_np(e);
  return name ? name : "E?";
}

/* "$NAME/rest" -> getenv("NAME") + "/rest"; other paths unchanged. */
static const char* expand(const char* path, char* buf, size_t size) {
  if (path[0] != '$') return path;
  const char* slash = strchr(path, '/');
  size_t len = slash ? (size_t)(slash - path - 1) : strlen(path + 1);
  char name[128];
  if (len >= sizeof name) return path;
  memcpy(name, path + 1, len);
  name[len] = '\0';
  const char* value = getenv(name);
  if (!value) return path;
  snprintf(buf, size, "%s%s", value, slash ? slash : "");
  return buf;
}

static void do_read(const char* op, const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    printf("%s %s\n", op, err_name(errno));
    return;
  }
  char buf[512];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  int e = errno;
  close(fd);
  if (n < 0) {
    printf("%s %s\n", op, err_name(e));
    return;
  }
  buf[n] = '\0';
  buf[strcspn(buf, "\n")] = '\0';
  printf("%s ok %s\n", op, buf);
}

static void do_write(const char* op, const char* path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || write(fd, "probe\n", 6) != 6) {
    printf("%s %s\n", op, err_name(errno));
    if (fd >= 0) close(fd);
    return;
  }
  close(fd);
  printf("%s ok\n", op);
}

/* chmod to the file's own mode: harmless when allowed, and only its owner
 * (or a process with CAP_FOWNER) may do it. */
static void do_chmod(const char* op, const char* path) {
  struct stat st;
  if (stat(path, &st) != 0 || chmod(path, st.st_mode & 07777) != 0) {
    printf("%s %s\n", op, err_name(errno));
    return;
  }
  printf("%s ok\n", op);
}

static void do_open(const char* op, const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    printf("%s %s\n", op, err_name(errno));
    return;
  }
  close(fd);
  printf("%s ok\n", op);
}

static void do_status(const char* op, const char* field) {
  FILE* f = fopen("/proc/self/status", "re");
  if (!f) {
    printf("%s %s\n", op, err_name(errno));
    return;
  }
  char line[512];
  size_t len = strlen(field);
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, field, len) == 0 && line[len] == ':') {
      char* value = line + len + 1;
      value += strspn(value, " \t");
      value[strcspn(value, "\n")] = '\0';
      printf("%s ok %s\n", op, value);
      fclose(f);
      return;
    }
  }
  fclose(f);
  printf("%s ENOENT\n", op);
}

/* Calls that are harmless when allowed (a query, or a fresh object that is
 * closed again), so the unconfined control run shows what the kernel itself
 * answers and a confined run that differs shows the filter at work. */
static int do_syscall(const char* op, const char* name) {
  long rc;
  if (strcmp(name, "keyctl") == 0)
    rc = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
  else if (strcmp(name, "userfaultfd") == 0)
    rc = syscall(SYS_userfaultfd, O_CLOEXEC);
  else if (strcmp(name, "personality") == 0)
    rc = personality(0xffffffff);
  else if (strcmp(name, "getpid") == 0)
    rc = getpid();
  else {
    fprintf(stderr, "probe: unknown syscall %s\n", name);
    return -1;
  }
  if (rc < 0)
    printf("%s %s\n", op, err_name(errno));
  else
    printf("%s ok\n", op);
  if (rc > 2 && strcmp(name, "userfaultfd") == 0) close((int)rc);
  return 0;
}

static void do_pty(const char* op, const char* seconds) {
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) {
    printf("%s %s\n", op, err_name(errno));
    return;
  }
  printf("%s ok %s\n", op, ptsname(m));
  fflush(stdout);
  sleep((unsigned)atoi(seconds));
  close(m);
}

static void do_fd(const char* op, const char* n) {
  if (write(atoi(n), "probe\n", 6) == 6)
    printf("%s ok\n", op);
  else
    printf("%s %s\n", op, err_name(errno));
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(
        stderr,
        "usage: probe read=PATH|write=PATH|open=PATH|chmod=PATH|syscall=NAME|status=FIELD|"
        "sleep=SECONDS...\n");
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    const char* op = argv[i];
    const char* eq = strchr(op, '=');
    if (!eq) {
      fprintf(stderr, "probe: bad operation %s\n", op);
      return 2;
    }
    char buf[4096];
    const char* arg = expand(eq + 1, buf, sizeof buf);
    size_t kind = (size_t)(eq - op);
    if (kind == 4 && strncmp(op, "read", 4) == 0)
      do_read(op, arg);
    else if (kind == 5 && strncmp(op, "write", 5) == 0)
      do_write(op, arg);
    else if (kind == 4 && strncmp(op, "open", 4) == 0)
      do_open(op, arg);
    else if (kind == 5 && strncmp(op, "chmod", 5) == 0)
      do_chmod(op, arg);
    else if (kind == 3 && strncmp(op, "pty", 3) == 0)
      do_pty(op, arg);
    else if (kind == 2 && strncmp(op, "fd", 2) == 0)
      do_fd(op, arg);
    else if (kind == 5 && strncmp(op, "sleep", 5) == 0) {
      sleep((unsigned)atoi(arg));
      printf("%s ok\n", op);
    } else if (kind == 6 && strncmp(op, "status", 6) == 0)
      do_status(op, arg);
    else if (kind == 7 && strncmp(op, "syscall", 7) == 0) {
      if (do_syscall(op, arg) != 0) return 2;
    } else {
      fprintf(stderr, "probe: bad operation %s\n", op);
      return 2;
    }
    fflush(stdout);
  }
  return 0;
}
