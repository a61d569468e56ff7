# An update while the service runs: the unit keeps its name and its
# enablement, the running 1.0 is restarted as 2.0, and 1.0's profile is
# unloaded only after its process stopped (an unloaded profile would leave
# a running process unconfined).
. /usr/share/confine-vm/systemd-lib.sh

svc_wait_report
old=$pid
check_eq "1.0 runs before the update" "$(cat "/proc/$old/attr/current")" "$SVC_APP (enforce)"
rm -rf /tmp/svctest-2.0
cp -a "$SVC_PKG" /tmp/svctest-2.0
sed -i 's/"version": "1.0"/"version": "2.0"/' /tmp/svctest-2.0/meta/package.json
require "confine install svctest 2.0" confine install --origin example /tmp/svctest-2.0

NEW_APP=svctest.example_serve_2.0
check_eq "the service is still active" "$(systemctl is-active "$SVC_UNIT")" active
check_eq "and still enabled" "$(systemctl is-enabled "$SVC_UNIT")" enabled
svc_wait_report
check "it was restarted" test "$pid" != "$old"
check_eq "it runs 2.0 under 2.0's profile" "$(cat "/proc/$pid/attr/current")" \
  "$NEW_APP (enforce)"
check_line "2.0 is confined too" "$out" "read=/var/lib/confine-vm/secret EACCES"
svc_check_user
check_eq "1.0's data came over, still the user's" \
  "$(stat -c '%U' /var/lib/confine/data/svctest.example/2.0/served)" "$SVC_USER"
check_eq "2.0's data dir is the user's, 0700" \
  "$(stat -c '%U %a' /var/lib/confine/data/svctest.example/2.0)" "$SVC_USER 700"
require "systemctl restart $SVC_UNIT" systemctl restart "$SVC_UNIT"
svc_wait_report
check_eq "restarted, 2.0 still under its profile" "$(cat "/proc/$pid/attr/current")" \
  "$NEW_APP (enforce)"
svc_check_user
check_eq "no process runs as 1.0" "$(svc_processes)" ""
check "1.0's profile is unloaded" \
  sh -c "! grep -q '^$SVC_APP ' /sys/kernel/security/apparmor/profiles"
check_contains "the unit runs 2.0" "$(systemctl show -p ExecStart --value "$SVC_UNIT")" \
  " $NEW_APP "
