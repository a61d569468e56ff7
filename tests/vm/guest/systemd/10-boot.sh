# After the first boot, with nothing done by hand: confine-apparmor.service
# loaded the profile of the package installed in the image, and the
# package's service started under it with every layer applied, in its own
# service's cgroup.
. /usr/share/confine-vm/systemd-lib.sh

check_eq "confine-apparmor.service ran at boot" \
  "$(systemctl show -p Result --value confine-apparmor.service) $(systemctl is-active confine-apparmor.service)" \
  "success active"
check_line "the app's profile is loaded" "$(cat /sys/kernel/security/apparmor/profiles)" \
  "$SVC_APP (enforce)"
check_eq "confine install in the image enabled $SVC_UNIT" "$(systemctl is-enabled "$SVC_UNIT")" \
  enabled
check_eq "$SVC_UNIT started at boot" "$(systemctl is-active "$SVC_UNIT")" active
# Started after its profile was loaded: a start before would have failed
# (exit 125) and been restarted.
check_eq "it started once, without failing first" \
  "$(systemctl show -p NRestarts --value "$SVC_UNIT")" 0

svc_wait_report
check_eq "the main process runs under the app's profile" "$(cat "/proc/$pid/attr/current")" \
  "$SVC_APP (enforce)"
cg=$(systemctl show -p ControlGroup --value "$SVC_UNIT")
check_contains "the app runs in its device cgroup below the service's own" \
  "$(cut -d: -f3 "/proc/$pid/cgroup")" "$cg/confine/$SVC_APP/r-"
svc_check_user
check_eq "its data dir is its own, 0700" "$(stat -c '%U %a' /var/lib/confine/data/svctest.example/1.0)" \
  "$SVC_USER 700"
check_eq "the unit names the user" "$(systemctl show -p User --value "$SVC_UNIT")" "$SVC_USER"
check_eq "its runtime dir is its own" "$(stat -c '%U %a' /run/confine/svctest.example)" "$SVC_USER 700"
check_eq "below confine's own, root's /run/confine" "$(stat -c '%U %a' /run/confine)" "root 755"
check_line "AppArmor denies a file its user could read" "$out" "read=/var/lib/confine-vm/secret EACCES"
check_line "the app reads its install dir" "$out" 'read=$CONFINE_APP_PATH/meta/package.json ok {'
check_line "the app writes its data dir" "$out" 'write=$CONFINE_APP_DATA_PATH/served ok'
check_line "default device /dev/null opens" "$out" "open=/dev/null ok"
check_line "default device /dev/zero opens" "$out" "open=/dev/zero ok"
check_line "the device cgroup denies /dev/mem" "$out" "open=/var/lib/confine-vm/mem EPERM"
check_line "seccomp denies keyctl" "$out" "syscall=keyctl EPERM"
check_denied "the kernel log names the app" "profile=\"$SVC_APP\"" 'name="/var/lib/confine-vm/secret"'
