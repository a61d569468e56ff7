# confine remove and install with systemd running: remove stops the service
# and takes its unit away; install writes the unit, enables and starts it.
. /usr/share/confine-vm/systemd-lib.sh

require "confine remove svctest.example" confine remove svctest.example
check_eq "the service was stopped" "$(systemctl is-active "$SVC_UNIT")" inactive
check_eq "no process is left under the app's profile" "$(svc_processes)" ""
check "the unit file is gone" test ! -e "/etc/systemd/system/$SVC_UNIT"
check "it is no longer enabled" test ! -e "/etc/systemd/system/multi-user.target.wants/$SVC_UNIT"
check_eq "systemd no longer knows the unit" "$(systemctl show -p LoadState --value "$SVC_UNIT")" \
  not-found
check "the profile is unloaded" sh -c "! grep -q '^$SVC_APP ' /sys/kernel/security/apparmor/profiles"

require "confine install svctest again" confine install --origin example "$SVC_PKG"
check_eq "systemd knows the new unit" "$(systemctl show -p LoadState --value "$SVC_UNIT")" loaded
check_eq "the install enabled it" "$(systemctl is-enabled "$SVC_UNIT")" enabled
check_eq "the install started it" "$(systemctl is-active "$SVC_UNIT")" active
svc_wait_report
check_eq "the reinstalled service runs under its profile" "$(cat "/proc/$pid/attr/current")" \
  "$SVC_APP (enforce)"
