# An ordinary user's launch, as deployed: confine-run is not setuid, it gets
# file capabilities from packaging/confine-setcap. The app runs under its
# profile with seccomp, the device cgroup and no-new-privs, holds no
# capabilities, and AppArmor denies a world-readable file its policy does not
# grant.
. /usr/share/confine-vm/lib.sh

write_config '"apparmor": "required"'
require "vmtest installed" install_vmtest
require "confine-setcap gives confine-run its file capabilities" confine-setcap /usr/bin/confine-run
echo "  $(getcap /usr/bin/confine-run)"

SECRET=/etc/confine-vm-secret
echo secret >$SECRET
chmod 0644 $SECRET
NODEV=/dev/confine-vm-nodev
[ -e $NODEV ] || mknod $NODEV c 240 0
chmod 0666 $NODEV

# keyctl, not userfaultfd: vm.unprivileged_userfaultfd=0 already refuses a
# user's userfaultfd with EPERM, which would hide whether seccomp did.
ctl=$(as_user "$PROBE" read=$SECRET open=$NODEV syscall=keyctl 2>&1)
check_line "control: the user reads $SECRET unconfined" "$ctl" "read=$SECRET ok secret"
check_line "control: $NODEV has no driver (ENXIO) for the user" "$ctl" "open=$NODEV ENXIO"
check_line "control: keyctl works for the user unconfined" "$ctl" "syscall=keyctl ok"

out=$(as_user confine-run vmtest.example_probe read=/proc/self/attr/current \
  read=$SECRET open=$NODEV syscall=keyctl \
  'write=$CONFINE_APP_USER_DATA_PATH/user-ran' \
  status=Uid status=CapPrm status=CapEff status=CapBnd status=NoNewPrivs status=Seccomp 2>&1)
rc=$?
echo "$out" | sed 's/^/  | /'
check_eq "user launch exit status" "$rc" 0
check_line "user app label" "$out" "read=/proc/self/attr/current ok $VMTEST_APP (enforce)"
check_line "AppArmor denies $SECRET to the user's app" "$out" "read=$SECRET EACCES"
check_denied "kernel logged the user's app denial" "profile=\"$VMTEST_APP\"" "name=\"$SECRET\""
check_line "device cgroup denies $NODEV (EPERM)" "$out" "open=$NODEV EPERM"
check_line "seccomp denies keyctl (EPERM)" "$out" "syscall=keyctl EPERM"
check_line "app writes the user's data dir" "$out" 'write=$CONFINE_APP_USER_DATA_PATH/user-ran ok'
check_line "app runs as the user" "$out" "status=Uid ok 1000	1000	1000	1000"
check_line "app holds no permitted capabilities" "$out" "status=CapPrm ok 0000000000000000"
check_line "app holds no effective capabilities" "$out" "status=CapEff ok 0000000000000000"
check_line "app bounding set is empty" "$out" "status=CapBnd ok 0000000000000000"
check_line "no-new-privs set" "$out" "status=NoNewPrivs ok 1"
check_line "seccomp filter mode" "$out" "status=Seccomp ok 2"
