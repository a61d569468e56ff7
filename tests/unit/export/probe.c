/* The syscall probe of the export equivalence test: a static program that
 * makes one call per line and prints "NAME ok" or "NAME ERRNO-NAME". Each
 * call is chosen so that seccomp decides it: when the filter lets it through
 * the kernel fails it harmlessly with an errno no filter here returns (EBADF,
 * EINVAL, ESRCH, ENOENT, EFAULT) or succeeds without side effects, and a
 * filter's answer is EPERM, EACCES or ENOSYS. Path arguments never reach an
 * existing file, so Landlock, AppArmor and capabilities are never asked.
 * The test runs it under confine-run and under an OCI runtime and compares. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *name, long rc) {
  if (rc >= 0) {
    printf("%s ok\n", name);
  } else {
    const char *e = strerrorname_np(errno);
    printf("%s %s\n", name, e ? e : "?");
  }
}

/* A syscall through the i386 ABI (int $0x80): 32-bit arguments. */
static long sys32(long nr, long a, long b, long c) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
  if (ret < 0 && ret > -4096) {
    errno = (int)-ret;
    return -1;
  }
  return ret;
}

#define CALL(name, expr) report(name, (long)(expr))
/* A socket that opens is closed again. */
static long sock(long fam, long type, long proto) {
  long fd = syscall(SYS_socket, fam, type, proto);
  if (fd >= 0) close((int)fd);
  return fd;
}
static long sockpair(long fam) {
  int sv[2];
  long rc = syscall(SYS_socketpair, fam, SOCK_STREAM, 0, sv);
  if (rc == 0) {
    close(sv[0]);
    close(sv[1]);
  }
  return rc;
}

int main(void) {
  const long hi = 1L << 32; /* upper bits the kernel drops for int arguments */
  setvbuf(stdout, NULL, _IOLBF, 0);
  CALL("getpid", syscall(SYS_getpid));
  CALL("read", syscall(SYS_read, -1, 0, 0));
  CALL("write", syscall(SYS_write, -1, 0, 0));
  CALL("ioctl_fionread", syscall(SYS_ioctl, -1, FIONREAD, 0));
  CALL("ioctl_tiocsti", syscall(SYS_ioctl, -1, TIOCSTI, 0));
  CALL("ioctl_tiocsti_hi", syscall(SYS_ioctl, -1, hi | TIOCSTI, 0));
  CALL("ioctl_tioclinux", syscall(SYS_ioctl, -1, TIOCLINUX, 0));
  CALL("personality_query", syscall(SYS_personality, 0xffffffffL));
  CALL("personality_linux", syscall(SYS_personality, 0L));
  CALL("personality_linux32", syscall(SYS_personality, 0x0008L));
  syscall(SYS_personality, 0L); /* back to PER_LINUX if that was allowed */
  /* Invalid flag combinations: an allowed clone fails with EINVAL. */
  CALL("clone_sighand", syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0));
  CALL("clone_newuser", syscall(SYS_clone, CLONE_NEWUSER | CLONE_FS, 0, 0, 0, 0));
  CALL("clone_newns", syscall(SYS_clone, CLONE_NEWNS | CLONE_FS, 0, 0, 0, 0));
  CALL("clone_newnet", syscall(SYS_clone, CLONE_NEWNET | CLONE_SIGHAND, 0, 0, 0, 0));
  CALL("clone_newpid", syscall(SYS_clone, CLONE_NEWPID | CLONE_THREAD, 0, 0, 0, 0));
  CALL("clone3", syscall(SYS_clone3, 0, 0));
  CALL("unshare_bad", syscall(SYS_unshare, 0x1L));
  CALL("socket_inet", sock(AF_INET, SOCK_STREAM, 0));
  CALL("socket_inet6", sock(AF_INET6, SOCK_DGRAM, 0));
  CALL("socket_unix", sock(AF_UNIX, SOCK_STREAM, 0));
  CALL("socket_netlink", sock(AF_NETLINK, SOCK_DGRAM, 0));
  CALL("socket_inet_hi", sock(hi | AF_INET, SOCK_STREAM, 0));
  CALL("socketpair_unix", sockpair(AF_UNIX));
  CALL("connect", syscall(SYS_connect, -1, 0, 0));
  CALL("bind", syscall(SYS_bind, -1, 0, 0));
  CALL("listen", syscall(SYS_listen, -1, 0));
  /* Calls allowed for the caller itself (pid 0) only: another pid fails
   * with ESRCH when the filter lets it through. */
  CALL("prlimit64_self", syscall(SYS_prlimit64, 0, 7 /* RLIMIT_NOFILE */, 0, 0));
  CALL("prlimit64_other", syscall(SYS_prlimit64, 0x7ffffff0L, 7, 0, 0));
  CALL("setpriority_other", syscall(SYS_setpriority, 0 /* PRIO_PROCESS */, 0x7ffffff0L, 0));
  CALL("sched_setaffinity_other", syscall(SYS_sched_setaffinity, 0x7ffffff0L, 0, 0));
  CALL("prctl_get_dumpable", syscall(SYS_prctl, 3 /* PR_GET_DUMPABLE */, 0, 0, 0, 0));
  CALL("ptrace", syscall(SYS_ptrace, 3 /* PTRACE_PEEKUSER */, 0x7ffffff0L, 0, 0));
  CALL("kill", syscall(SYS_kill, 0x7ffffff0L, 0));
  CALL("chmod", syscall(SYS_chmod, "/nonexistent-confine-probe/x", 0755));
  CALL("chmod_setuid", syscall(SYS_chmod, "/nonexistent-confine-probe/x", 04755));
  CALL("fchmod_setgid", syscall(SYS_fchmod, -1, 02755));
  CALL("fchmodat_setuid", syscall(SYS_fchmodat, -1, "x", 04755));
  CALL("open_creat", syscall(SYS_open, "/nonexistent-confine-probe/x", 0101, 0644));
  CALL("open_creat_setuid", syscall(SYS_open, "/nonexistent-confine-probe/x", 0101, 04644));
  CALL("openat_creat_setgid", syscall(SYS_openat, -1, "x", 0101, 02644));
  CALL("mknodat_fifo", syscall(SYS_mknodat, -1, "x", 010644, 0));
  CALL("openat2", syscall(SYS_openat2, -1, 0, 0, 0));
  CALL("faccessat2", syscall(SYS_faccessat2, -1, "x", 0, 0));
  CALL("pidfd_open", syscall(SYS_pidfd_open, -1, 0));
  CALL("io_uring_setup", syscall(SYS_io_uring_setup, 0, 0));
  CALL("landlock_create_ruleset", syscall(SYS_landlock_create_ruleset, 0, 0, 1));
  CALL("setns", syscall(SYS_setns, -1, 0));
  CALL("keyctl", syscall(SYS_keyctl, -1, 0, 0, 0, 0));
  CALL("uname_efault", syscall(SYS_uname, 0));
  CALL("getrandom", syscall(SYS_getrandom, 0, 0, 0));
  CALL("mount", syscall(SYS_mount, "/nonexistent-confine-probe", "/nonexistent-confine-probe", 0, 0, 0));
  /* The i386 ABI of the same process: the filter covers it too. */
  CALL("i386_getpid", sys32(20, 0, 0, 0));
  CALL("i386_ioctl_tiocsti", sys32(54, -1, TIOCSTI, 0));
  CALL("i386_ioctl_fionread", sys32(54, -1, FIONREAD, 0));
  CALL("i386_ptrace", sys32(26, 3, 0x7ffffff0L, 0));
  /* x32 (syscall numbers with __X32_SYSCALL_BIT): confine denies the ABI. */
  CALL("x32_getpid", syscall(0x40000000L | 39));
  return 0;
}
