# systemd stops and starts the confined service like any other: stop leaves
# no confined process and no cgroup behind (ours are inside the service's),
# start confines it again.
. /usr/share/confine-vm/systemd-lib.sh

cg=$(systemctl show -p ControlGroup --value "$SVC_UNIT")
require "systemctl stop $SVC_UNIT" systemctl stop "$SVC_UNIT"
check_eq "the service is inactive" "$(systemctl is-active "$SVC_UNIT")" inactive
check_eq "no process is left under the app's profile" "$(svc_processes)" ""
check "the service's cgroup is gone, with confine's inside it" test ! -e "/sys/fs/cgroup$cg"

require "systemctl start $SVC_UNIT" systemctl start "$SVC_UNIT"
svc_wait_report
check_eq "started again under the app's profile" "$(cat "/proc/$pid/attr/current")" \
  "$SVC_APP (enforce)"
check_line "the device cgroup applies again" "$out" "open=/var/lib/confine-vm/mem EPERM"
