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
check_line "no capabilities left" "$out" "status=CapEff ok 0000000000000000"
check_line "AppArmor denies /etc/shadow" "$out" "read=/etc/shadow EACCES"
check_line "the app reads its install dir" "$out" 'read=$CONFINE_APP_PATH/meta/package.json ok {'
check_line "the app writes its data dir" "$out" 'write=$CONFINE_APP_DATA_PATH/served ok'
check_line "default device /dev/null opens" "$out" "open=/dev/null ok"
check_line "default device /dev/zero opens" "$out" "open=/dev/zero ok"
check_line "the device cgroup denies /dev/mem" "$out" "open=/dev/mem EPERM"
check_line "seccomp denies keyctl" "$out" "syscall=keyctl EPERM"
check_denied "the kernel log names the app" "profile=\"$SVC_APP\"" 'name="/etc/shadow"'
