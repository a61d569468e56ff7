# A service unit with systemd's own device policy: systemd attaches its
# device program to the service's cgroup, confine-run attaches the app's
# below it, and both apply (an access must pass every program); neither
# replaces the other.
. /usr/share/confine-vm/systemd-lib.sh

d=/run/systemd/system/$SVC_UNIT.d
mkdir -p "$d"
# systemd allows /dev/null and /dev/mem, not /dev/zero; confine allows
# /dev/null and /dev/zero, not /dev/mem.
printf '[Service]\nDevicePolicy=strict\nDeviceAllow=/dev/null rw\nDeviceAllow=/dev/mem r\n' \
  >"$d/devices.conf"
systemctl daemon-reload
require "systemctl restart $SVC_UNIT with DevicePolicy=strict" systemctl restart "$SVC_UNIT"
svc_wait_report
check_eq "the service runs under the app's profile" "$(cat "/proc/$pid/attr/current")" \
  "$SVC_APP (enforce)"
check_line "allowed by both: /dev/null opens" "$out" "open=/dev/null ok"
check_line "systemd's program still applies: /dev/zero denied" "$out" "open=/dev/zero EPERM"
check_line "confine's program applies: /dev/mem denied" "$out" "open=/var/lib/confine-vm/mem EPERM"

rm -rf "$d"
systemctl daemon-reload
require "systemctl restart $SVC_UNIT without it" systemctl restart "$SVC_UNIT"
svc_wait_report
check_line "without systemd's policy /dev/zero opens again" "$out" "open=/dev/zero ok"
