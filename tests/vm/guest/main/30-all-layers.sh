# Acceptance: every layer denies in one confined run - seccomp (a syscall
# outside the filter), the cgroup v2 BPF device program (a device node not
# on the allow list), AppArmor (/etc/shadow) - and the app still works.
. /usr/share/confine-vm/lib.sh

write_config '"apparmor": "required"'
require "vmtest installed" install_vmtest

# A character device with an unassigned major: opening it unconfined gives
# ENXIO (no driver), so EPERM under confinement can only come from the device
# cgroup, whose check runs before the driver's open and before AppArmor's.
NODEV=/dev/confine-vm-nodev
[ -e $NODEV ] || mknod $NODEV c 240 0
# keyctl: harmless, allowed by the kernel to everyone, not in the default
# filter. (userfaultfd would be ambiguous: vm.unprivileged_userfaultfd=0
# refuses it with EPERM to a process without CAP_SYS_PTRACE.)
SYSCALL=keyctl

ctl=$($PROBE syscall=$SYSCALL open=$NODEV read=/etc/shadow 2>&1)
check_line "control: $SYSCALL works unconfined" "$ctl" "syscall=$SYSCALL ok"
check_line "control: $NODEV has no driver (ENXIO) unconfined" "$ctl" "open=$NODEV ENXIO"
check_line "control: /etc/shadow readable unconfined" "$ctl" "read=/etc/shadow ok $SHADOW_LINE"

run_app vmtest.example_probe syscall=$SYSCALL open=$NODEV read=/etc/shadow \
  'write=$CONFINE_APP_DATA_PATH/all-layers' read=/proc/self/attr/current open=/dev/null \
  status=Seccomp
check_eq "exit status" "$rc" 0
check_line "seccomp denies $SYSCALL (EPERM)" "$out" "syscall=$SYSCALL EPERM"
check_line "a seccomp filter is attached" "$out" "status=Seccomp ok 2"
check_line "device cgroup denies $NODEV (EPERM)" "$out" "open=$NODEV EPERM"
check_line "AppArmor denies /etc/shadow (EACCES)" "$out" "read=/etc/shadow EACCES"
check_line "app still writes its data dir" "$out" 'write=$CONFINE_APP_DATA_PATH/all-layers ok'
check_line "app still under its profile" "$out" "read=/proc/self/attr/current ok $VMTEST_APP (enforce)"
check_line "allowed device /dev/null opens" "$out" "open=/dev/null ok"
check_eq "data file written" "$(cat "$VMTEST_DATA/all-layers" 2>&1)" probe

# With AppArmor on, `landlock: if-available` leaves the files to AppArmor
# (Landlock would deny first and hide AppArmor's log lines), but for ptys
# opened by name: AppArmor's profile must name /dev/pts/* (it checks the
# inherited terminal again at exec) and cannot tell another session's pty
# from it.
run_app --verbose vmtest.example_probe status=Seccomp
case $out in
  *"applied: landlock (ABI "*", under AppArmor: "*"no pty opened by name"*) pass "Landlock keeps only ptys by name from the app" ;;
  *"applied: landlock"*) fail "Landlock applied to files although AppArmor confines them" ;;
  *) fail "confine-run --verbose names no Landlock pty veil" ;;
esac
check_contains "AppArmor confines the files" "$out" "applied: apparmor"

# Another session's pty, held open outside the app: AppArmor's rule allows
# /dev/pts/[0-9]*; Landlock refuses the open. The terminal the app was
# given (an inherited descriptor) still works.
"$VMTEST_INSTALL/bin/probe" pty=20 >/tmp/pty.out &
pty_pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do grep -q '^pty=20 ok ' /tmp/pty.out && break; sleep 0.2; done
pts=$(sed -n 's/^pty=20 ok //p' /tmp/pty.out)
if [ -n "$pts" ]; then
  run_app vmtest.example_probe "open=$pts" "write=$pts" fd=3 3>"$pts"
  check_line "another session's pty does not open for reading" "$out" "open=$pts EACCES"
  check_line "nor for writing" "$out" "write=$pts EACCES"
  check_line "the inherited terminal is still written" "$out" "fd=3 ok"
else
  fail "no pty to hold: $(cat /tmp/pty.out)"
fi
kill "$pty_pid" 2>/dev/null
wait "$pty_pid" 2>/dev/null

# abstractions/base grants every profile an encrypted home (~/.Private):
# the app's profile denies it.
mkdir -p /root/.Private && echo secret >/root/.Private/f
run_app vmtest.example_probe read=/root/.Private/f write=/root/.Private/planted
check_line "~/.Private is not read" "$out" "read=/root/.Private/f EACCES"
check_line "nor written" "$out" "write=/root/.Private/planted EACCES"
check "nothing was planted" test ! -e /root/.Private/planted
rm -rf /root/.Private

