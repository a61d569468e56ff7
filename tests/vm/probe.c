/* probe: a tiny static test program run inside the VM, under confinement.
 * It tries one operation and reports the outcome as an errno name, so the
 * guest tests can tell an AppArmor denial (EACCES) from a device-cgroup
 * denial (EPERM on open) from a seccomp denial (the errno the filter
 * returns) without depending on busybox's messages.
 *
 *   probe open PATH r|w     open(2) PATH for reading or writing
 *   probe syscall NAME      call NAME with harmless arguments
 *
 * Prints "ok" or the errno name (e.g. "EACCES") on stdout; exits 0 on
 * success, 1 on a failed call, 2 on bad usage. Static, so it runs under any
 * profile that lets it execute without granting library reads. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

static int report(long rc) {
  if (rc < 0) {
    const char* name = strerrorname_np(errno);
    printf("%s\n", name ? name : "E?");
    return 1;
  }
  printf("ok\n");
  return 0;
}

/* Each call is chosen so that, when allowed, it fails or does nothing
 * harmful (bad arguments, or a query), and so that a seccomp denial is
 * distinguishable: the filter's errno differs from what the kernel returns
 * for the bad arguments. */
static int do_syscall(const char* name) {
  if (strcmp(name, "keyctl") == 0)
    return report(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
  if (strcmp(name, "add_key") == 0)
    return report(syscall(SYS_add_key, "user", "confine-vm-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING));
  if (strcmp(name, "mount") == 0) /* ENOENT when allowed */
    return report(mount("none", "/nonexistent-probe", "tmpfs", 0, NULL));
  if (strcmp(name, "unshare") == 0) /* a new user namespace: harmless */
    return report(unshare(CLONE_NEWUSER));
  if (strcmp(name, "personality") == 0) /* query only */
    return report(personality(0xffffffff));
  if (strcmp(name, "getpid") == 0)
    return report(getpid());
  fprintf(stderr, "probe: unknown syscall %s\n", name);
  return 2;
}

int main(int argc, char** argv) {
  if (argc == 4 && strcmp(argv[1], "open") == 0) {
    int flags = strcmp(argv[3], "w") == 0 ? O_WRONLY | O_CREAT : O_RDONLY;
    return report(open(argv[2], flags | O_CLOEXEC, 0644));
  }
  if (argc == 3 && strcmp(argv[1], "syscall") == 0) return do_syscall(argv[2]);
  fprintf(stderr, "usage: probe open PATH r|w | probe syscall NAME\n");
  return 2;
}
