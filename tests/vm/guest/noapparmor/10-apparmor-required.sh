# Acceptance: booted with apparmor=0. With `apparmor: if-available` (the
# default) the app runs, with a one-line notice that filesystem confinement
# was not applied; with `apparmor: required` confine-run exits 125 and the
# app never starts.
. /usr/share/confine-vm/lib.sh

write_config
require "confine install works without AppArmor" install_vmtest

rm -f "$VMTEST_DATA/marker-ifavail"
run_app vmtest.example_probe 'write=$CONFINE_APP_DATA_PATH/marker-ifavail'
check_eq "if-available: exit 0" "$rc" 0
check "if-available: app ran" test -e "$VMTEST_DATA/marker-ifavail"
notice=$(printf '%s\n' "$out" | grep -v '^write=' )
check_eq "if-available: exactly one notice line" "$(printf '%s\n' "$notice" | grep -c .)" 1
check_contains "if-available: notice names AppArmor" "$(echo "$notice" | tr '[:upper:]' '[:lower:]')" apparmor

write_config '"apparmor": "required"'
rm -f "$VMTEST_DATA/marker-required"
run_app vmtest.example_probe 'write=$CONFINE_APP_DATA_PATH/marker-required'
check_eq "required: exit 125" "$rc" 125
check "required: app did not start" test ! -e "$VMTEST_DATA/marker-required"
check_contains "required: error says AppArmor is required" "$out" "AppArmor is required"
