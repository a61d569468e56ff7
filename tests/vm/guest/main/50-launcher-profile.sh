# packaging/confine-run.apparmor: with the launcher itself confined by its
# shipped profile, launches by root and by an ordinary user still work and
# confine the app (the kernel only allows the stacked transition under
# no_new_privs, so the app runs as confine-run//&APP_ID), and the launcher
# needs nothing its profile does not grant (no DENIED line for the
# confine-run process itself). What the app may do is then the intersection
# of both profiles (confine-run(1)): printed as a note, not judged here.
. /usr/share/confine-vm/lib.sh

write_config '"apparmor": "required"'
require "vmtest installed" install_vmtest
prof=$VM/confine-run.apparmor
require "confine-run's profile was built" test -f "$prof"
# The profile attaches to the installed path of this build (its prefix):
# put the freshly built launcher there.
attach=$(sed -n 's/^profile confine-run \(\/[^ ]*\) {$/\1/p' "$prof")
require "profile names its attachment path" test -n "$attach"
mkdir -p "${attach%/*}"
[ "$attach" = /usr/bin/confine-run ] || cp /usr/bin/confine-run "$attach"
require "confine-setcap on $attach" confine-setcap "$attach"
require "confine-run's profile loads" apparmor_parser -r "$prof"

echo secret >/etc/confine-vm-secret
chmod 0644 /etc/confine-vm-secret
# Denials of the launcher process itself (before its exec; the app's own
# denials carry comm="probe").
launcher_denials() { dmesg | grep 'apparmor="DENIED"' | grep 'profile="confine-run"' | grep -c 'comm="confine-run"'; }
before=$(launcher_denials)

stack_set() { echo "${1% (enforce)}" | sed 's|//&|\n|g' | sort | tr '\n' ' '; }
want=$(printf '%s\n' confine-run "$VMTEST_APP" | sort | tr '\n' ' ')

for who in root user; do
  if [ $who = root ]; then runner=""; else runner=as_user; fi
  out=$($runner "$attach" vmtest.example_probe read=/proc/self/attr/current \
    read=/etc/confine-vm-secret 'write=$CONFINE_APP_USER_DATA_PATH/launcher-profile' 2>&1)
  rc=$?
  echo "$out" | sed 's/^/  | /'
  check_eq "$who: launch under confine-run's profile exits 0" "$rc" 0
  label=$(printf '%s\n' "$out" | sed -n 's|^read=/proc/self/attr/current ok ||p')
  check_eq "$who: app runs as the stack confine-run//&APP_ID" "$(stack_set "$label")" "$want"
  check_line "$who: app profile still denies" "$out" "read=/etc/confine-vm-secret EACCES"
  echo "NOTE: $who: under the stack, $(printf '%s\n' "$out" | grep '^write=')"
done

after=$(launcher_denials)
if [ "$after" -eq "$before" ]; then
  pass "the launcher's profile denied the launcher nothing"
else
  fail "the launcher's profile denied the launcher:"
  dmesg | grep 'apparmor="DENIED"' | grep 'comm="confine-run"' | tail -n $((after - before))
fi
apparmor_parser -R "$prof"
