# Purge takes the package user away (plain remove keeps it);
# a service declared root-run still runs, as root, and install warned.
. /usr/share/confine-vm/systemd-lib.sh

require "confine remove svctest.example" confine remove svctest.example
check "plain remove keeps the package user" getent passwd "$SVC_USER"
require "confine purge svctest.example" confine purge svctest.example
check_eq "the service was stopped" "$(systemctl is-active "$SVC_UNIT")" inactive
check "the package user is gone" sh -c "! getent passwd $SVC_USER"
check "and its group" sh -c "! getent group $SVC_USER"

rm -rf /tmp/svctest-root
cp -a "$SVC_PKG" /tmp/svctest-root
sed -i 's/"start": "bin\/serve",/"start": "bin\/serve", "user": "root",/' \
  /tmp/svctest-root/meta/package.json
warn=$(confine install --origin example /tmp/svctest-root 2>&1 >/dev/null)
check_contains "install warns about the root service" "$warn" \
  "confine install: warning: $SVC_APP (services[0]) runs as root"
check "no package user for it" sh -c "! getent passwd $SVC_USER"
svc_wait_report
check_eq "the root service runs under its profile" "$(cat "/proc/$pid/attr/current")" \
  "$SVC_APP (enforce)"
check_eq "as root" "$(grep '^Uid:' "/proc/$pid/status" | cut -f2-)" "0	0	0	0"
check_line "without capabilities" "$out" "status=CapEff ok 0000000000000000"
check_line "seccomp still denies keyctl" "$out" "syscall=keyctl EPERM"
check_contains "confine policy says so" "$(confine policy "$SVC_APP")" "runs as: root"
require "confine remove svctest.example" confine remove svctest.example
