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
 *     attack=DIR     the escape battery (one "attack:NAME ok|ERRNAME" line
 *                    each): set-id bits in DIR, metadata of root's files and
 *                    device nodes, other processes (pid 1), namespaces,
 *                    mounts, anonymous exec, sockets, keys, BPF
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
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <linux/keyctl.h>
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

static void say(const char* name, long rc) {
  if (rc < 0)
    printf("attack:%s %s\n", name, err_name(errno));
  else
    printf("attack:%s ok\n", name);
}

/* Each attempt is something no shipped policy grants; a result of "ok"
 * is an escape. Calls go through syscall() so that libc adds nothing. */
static void do_attack(const char* dir) {
  char f[4096];
  snprintf(f, sizeof f, "%s/attack-plant", dir);
  long fd = syscall(SYS_openat, AT_FDCWD, f, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  say("create-control", fd);
  say("chmod-04755", syscall(SYS_chmod, f, 04755));
  say("chmod-02755", syscall(SYS_chmod, f, 02755));
  say("fchmod-04755", syscall(SYS_fchmod, fd, 04755));
  say("fchmodat-06755", syscall(SYS_fchmodat, AT_FDCWD, f, 06755));
  char g[4096];
  snprintf(g, sizeof g, "%s/attack-s1", dir);
  say("open-creat-04755", syscall(SYS_open, g, O_CREAT | O_WRONLY | O_CLOEXEC, 04755));
  snprintf(g, sizeof g, "%s/attack-s2", dir);
  say("creat-02755", syscall(SYS_creat, g, 02755));
  snprintf(g, sizeof g, "%s/attack-s3", dir);
  say("mknod-04755", syscall(SYS_mknod, g, S_IFREG | 04755, 0));
  snprintf(g, sizeof g, "%s/attack-s4", dir);
  say("mknod-char", syscall(SYS_mknod, g, S_IFCHR | 0666, makedev(1, 3)));
  say("open-tmpfile-04755", syscall(SYS_open, dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 04755));
  const char* roots[] = {"/etc/passwd", "/dev/null", "/dev/full", "/etc/confine-vm-secret"};
  for (size_t i = 0; i < sizeof roots / sizeof *roots; i++) {
    char n[128];
    snprintf(n, sizeof n, "chmod-0666%s", roots[i]);
    say(n, syscall(SYS_chmod, roots[i], 0666));
    snprintf(n, sizeof n, "chown%s", roots[i]);
    say(n, syscall(SYS_chown, roots[i], 1000, 1000));
    snprintf(n, sizeof n, "unlink%s", roots[i]);
    say(n, syscall(SYS_unlink, roots[i]));
    snprintf(n, sizeof n, "setxattr%s", roots[i]);
    say(n, syscall(SYS_setxattr, roots[i], "user.attack", "x", 1, 0));
  }
  say("rename/dev/full", syscall(SYS_rename, "/dev/full", "/dev/full.attack"));
  say("write/etc/passwd", syscall(SYS_open, "/etc/passwd", O_WRONLY | O_APPEND | O_CLOEXEC));
  say("read/etc/shadow", syscall(SYS_open, "/etc/shadow", O_RDONLY | O_CLOEXEC));
  say("mkdir-in-/dev", syscall(SYS_mkdir, "/dev/attack", 0755));
  /* Other processes: pid 1 stands for every process outside the app. */
  say("kill-1-0", syscall(SYS_kill, 1, 0));
  say("kill-1-SIGCONT", syscall(SYS_kill, 1, SIGCONT));
  say("ptrace-attach-1", syscall(SYS_ptrace, PTRACE_ATTACH, 1, 0, 0));
  say("ptrace-seize-1", syscall(SYS_ptrace, PTRACE_SEIZE, 1, 0, 0));
  char buf[16];
  struct iovec local = {buf, sizeof buf}, remote = {(void*)0x400000, sizeof buf};
  say("process_vm_readv-1", syscall(SYS_process_vm_readv, 1, &local, 1, &remote, 1, 0));
  say("read/proc/1/environ", syscall(SYS_open, "/proc/1/environ", O_RDONLY | O_CLOEXEC));
  say("read/proc/1/mem", syscall(SYS_open, "/proc/1/mem", O_RDONLY | O_CLOEXEC));
  say("setpriority-1", syscall(SYS_setpriority, PRIO_PROCESS, 1, 0));
  say("setpriority-user", syscall(SYS_setpriority, PRIO_USER, 0, 0));
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  say("sched_setaffinity-1", syscall(SYS_sched_setaffinity, 1, sizeof one, &one));
  struct sched_param sp = {0};
  say("sched_setscheduler-1", syscall(SYS_sched_setscheduler, 1, SCHED_OTHER, &sp));
  struct rlimit rl;
  say("prlimit64-1-get", syscall(SYS_prlimit64, 1, RLIMIT_NOFILE, NULL, &rl));
  say("ioprio_set-1", syscall(SYS_ioprio_set, 1, 1, 0));
  /* Namespaces, mounts, the kernel. */
  say("unshare-user", syscall(SYS_unshare, CLONE_NEWUSER));
  say("unshare-ns", syscall(SYS_unshare, CLONE_NEWNS));
  say("unshare-net", syscall(SYS_unshare, CLONE_NEWNET));
  long child = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
  if (child == 0) _exit(0);
  say("clone-newuser", child);
  if (child > 0) waitpid((pid_t)child, NULL, 0);
  say("setns-1-mnt", syscall(SYS_setns, syscall(SYS_open, "/proc/1/ns/mnt", O_RDONLY), 0));
  say("mount-tmpfs", syscall(SYS_mount, "none", "/mnt", "tmpfs", 0, 0));
  say("umount-/proc", syscall(SYS_umount2, "/proc", MNT_DETACH));
  say("chroot", syscall(SYS_chroot, "/tmp"));
  say("pivot_root", syscall(SYS_pivot_root, "/tmp", "/tmp"));
  say("open_tree", syscall(428, AT_FDCWD, "/", 1 /* OPEN_TREE_CLONE */));
  say("fsopen", syscall(430, "tmpfs", 0));
  say("bpf-map", syscall(SYS_bpf, 0, NULL, 0));
  say("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
  say("init_module", syscall(SYS_init_module, NULL, 0, ""));
  say("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
  say("reboot", syscall(SYS_reboot, 0, 0, 0, NULL));
  say("swapoff", syscall(SYS_swapoff, "/dev/null"));
  say("sethostname", syscall(SYS_sethostname, "attack", 6));
  say("settimeofday", syscall(SYS_settimeofday, NULL, NULL));
  say("acct", syscall(SYS_acct, NULL));
  say("add_key", syscall(SYS_add_key, "user", "attack", "x", 1, KEY_SPEC_SESSION_KEYRING));
  say("iopl", syscall(SYS_iopl, 3));
  say("userfaultfd", syscall(SYS_userfaultfd, O_CLOEXEC));
  /* Anonymous exec: a memfd that may execute; a descriptor by execveat. */
  say("memfd-create-exec", syscall(SYS_memfd_create, "x", MFD_CLOEXEC | 0x10 /* MFD_EXEC */));
  say("memfd-create-plain", syscall(SYS_memfd_create, "x", MFD_CLOEXEC));
  char* const argv0[] = {"probe", NULL};
  say("execveat-empty-path", syscall(SYS_execveat, fd, "", argv0, NULL, AT_EMPTY_PATH));
  /* Sockets the default caps do not make. */
  say("socket-unix", syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0));
  say("socket-packet", syscall(SYS_socket, AF_PACKET, SOCK_RAW, 0));
  say("socket-netlink-audit", syscall(SYS_socket, AF_NETLINK, SOCK_RAW, 9 /* AUDIT */));
  say("socket-inet-raw", syscall(SYS_socket, AF_INET, SOCK_RAW, IPPROTO_RAW));
  say("socket-vsock", syscall(SYS_socket, 40 /* AF_VSOCK */, SOCK_STREAM, 0));
  say("socket-alg", syscall(SYS_socket, 38 /* AF_ALG */, SOCK_SEQPACKET, 0));
  /* Terminals: none by name but /dev/tty. */
  say("open-ptmx", syscall(SYS_open, "/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  say("ioctl-TIOCSTI", syscall(SYS_ioctl, 0, TIOCSTI, "x"));
  /* Devices the device cgroup does not list. */
  say("mknod-mem-in-dir", syscall(SYS_mknod, g, S_IFCHR | 0600, makedev(1, 1)));
  if (fd >= 0) close((int)fd);
  unlink(f);
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
    else if (kind == 6 && strncmp(op, "attack", 6) == 0)
      do_attack(arg);
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
