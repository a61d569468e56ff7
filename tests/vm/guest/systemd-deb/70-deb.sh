# confine and the test service as Debian packages (run-systemd --deb): the
# image was built with dpkg -i of confine_*.deb and svctest-example 1.0 (an
# app .deb with dh_confine's maintainer scripts). With systemd running:
# upgrade, bad metadata, an ordinary user's launch through the packaged
# confine-run, remove and purge.
. /usr/share/confine-vm/systemd-lib.sh
debs=/usr/share/confine-vm/debs
units=/etc/systemd/system
profiles=/sys/kernel/security/apparmor/profiles

check_eq "confine is the package" "$(dpkg-query -W -f='${Status}' confine)" "install ok installed"
check_eq "confine-run is /usr/bin's" "$(command -v confine-run)" /usr/bin/confine-run
check "confine-run is not setuid or setgid" sh -c '[ ! -u /usr/bin/confine-run ] && [ ! -g /usr/bin/confine-run ]'
check_eq "postinst gave confine-run its file capabilities" \
  "$(getcap /usr/bin/confine-run | awk '{ print $2 }')" "$(confine-setcap --print)"

# The earlier tests removed svctest by hand (confine remove); the package
# installs it again.
require "dpkg -i svctest-example 1.0" dpkg -i "$debs/svctest-example_1.0_all.deb"
check_eq "the package's install enabled $SVC_UNIT" "$(systemctl is-enabled "$SVC_UNIT")" enabled
check_eq "and started it" "$(systemctl is-active "$SVC_UNIT")" active
svc_wait_report
check_eq "the service runs under the app's profile" "$(cat "/proc/$pid/attr/current")" \
  "$SVC_APP (enforce)"
check_eq "with its seccomp filter" "$(awk '/^Seccomp:/ { print $2 }' "/proc/$pid/status")" 2
check_line "the device cgroup denies /dev/mem" "$out" "open=/var/lib/confine-vm/mem EPERM"
check_line "AppArmor denies a file its user could read" "$out" "read=/var/lib/confine-vm/secret EACCES"
svc_check_user

# The upgrade while the service runs: restarted under 2.0, nothing of 1.0.
old=$pid
require "dpkg -i svctest-example 2.0 (upgrade)" dpkg -i "$debs/svctest-example_2.0_all.deb"
NEW_APP=svctest.example_serve_2.0
svc_wait_report
check "the service was restarted" test "${pid:-0}" != "$old"
check_eq "it runs 2.0 under 2.0's profile" "$(cat "/proc/$pid/attr/current")" "$NEW_APP (enforce)"
check "1.0's profiles are unloaded" sh -c "! grep -q '^svctest.example_[a-z]*_1.0 ' $profiles"
check_eq "no process of 1.0 is left" "$(svc_processes "$SVC_APP")" ""
check_eq "nothing of 1.0 is left in confine's state" \
  "$(find /var/lib/confine/apps /var/lib/confine/policy "$units" -name '*1.0*' 2>/dev/null)" ""
check_eq "1.0's data came over" "$(stat -c '%U' /var/lib/confine/data/svctest.example/2.0/served)" \
  "$SVC_USER"

# Bad metadata: dpkg -i fails with confine's message; 2.0 stays, confined.
out3=$(dpkg -i "$debs/svctest-example_3.0_all.deb" 2>&1) && fail "dpkg -i of bad metadata succeeded"
check_contains "dpkg -i of bad metadata fails with confine's error" "$out3" "confine install: error:"
check_contains "naming the field" "$out3" "servces"
check_line "2.0 is still the installed version" "$(confine list)" "svctest.example 2.0 (current)"
check_eq "its service still runs" "$(systemctl is-active "$SVC_UNIT")" active
check_eq "under 2.0's profile" "$(cat "/proc/$(systemctl show -p MainPID --value "$SVC_UNIT")/attr/current")" \
  "$NEW_APP (enforce)"
require "dpkg -i svctest-example 2.0 again" dpkg -i "$debs/svctest-example_2.0_all.deb"
check_eq "dpkg has 2.0 installed" "$(dpkg-query -W -f='${Status} ${Version}' svctest-example)" \
  "install ok installed 2.0"

# An ordinary user's launch of the app's command through the packaged
# confine-run (file capabilities from postinst): every layer, no capability.
id pkguser >/dev/null 2>&1 || useradd -m pkguser
uout=$(setpriv --reuid=pkguser --regid=pkguser --init-groups env -i PATH=/usr/bin:/bin \
  HOME=/home/pkguser /usr/bin/confine-run svctest.example_probe \
  status=CapPrm status=CapEff status=CapBnd status=CapAmb status=NoNewPrivs status=Seccomp \
  read=/proc/self/attr/current read=/var/lib/confine-vm/secret open=/var/lib/confine-vm/mem 2>&1)
echo "  ordinary user's launch:"
printf '%s\n' "$uout" | sed 's/^/  | /'
for c in CapPrm CapEff CapBnd CapAmb; do
  check_line "the user's app holds no capability ($c)" "$uout" "status=$c ok 0000000000000000"
done
check_line "it runs with no_new_privs" "$uout" "status=NoNewPrivs ok 1"
check_line "with its seccomp filter" "$uout" "status=Seccomp ok 2"
check_line "under its profile" "$uout" "read=/proc/self/attr/current ok svctest.example_probe_2.0 (enforce)"
check_line "AppArmor denies the user's readable secret" "$uout" "read=/var/lib/confine-vm/secret EACCES"
check_line "the device cgroup denies /dev/mem" "$uout" "open=/var/lib/confine-vm/mem EPERM"

# dpkg -r: the service stops, units, profiles and policy go; data stays.
require "dpkg -r svctest-example" dpkg -r svctest-example
check_eq "the service was stopped" "$(systemctl is-active "$SVC_UNIT")" inactive
check_eq "no process is left under its profile" "$(svc_processes "$NEW_APP")" ""
check_eq "systemd no longer knows the unit" "$(systemctl show -p LoadState --value "$SVC_UNIT")" \
  not-found
check "its profiles are unloaded" sh -c "! grep -q '^svctest.example_' $profiles"
check_eq "nothing of it is left in confine's state or units" \
  "$(find /var/lib/confine/apps /var/lib/confine/policy "$units" -name '*svctest*' 2>/dev/null)" ""
check_eq "no device cgroup of it is left" \
  "$(find /sys/fs/cgroup -name 'svctest.example_*' 2>/dev/null)" ""
check "its data stays until purge" test -f /var/lib/confine/data/svctest.example/2.0/served
require "dpkg -P svctest-example" dpkg -P svctest-example
check "purge deleted its data" test ! -e /var/lib/confine/data/svctest.example
check "and its package user" sh -c "! getent passwd $SVC_USER"
