# Acceptance: booted with apparmor=0. With `apparmor: if-available` (the
# default) the app runs, with a one-line notice that filesystem confinement
# was not applied; with `apparmor: required` confine-run exits 125 and the
# app never starts.
. /usr/share/confine-vm/lib.sh

write_config
require "confine install works without AppArmor" install_vmtest

# What Landlock cannot hold here without AppArmor (signals before ABI 6's
# scopes): the launch refuses it by default, naming the class...
accept=$(accept_root_gaps)
if [ -n "$accept" ]; then
  rm -f "$VMTEST_DATA/marker-gap"
  run_app vmtest.example_probe 'write=$CONFINE_APP_DATA_PATH/marker-gap'
  check_eq "a coverage gap: exit 125" "$rc" 125
  check "a coverage gap: app did not start" test ! -e "$VMTEST_DATA/marker-gap"
  check_contains "a coverage gap: the error names it" "$out" "would run less confined than its policy: "
  check_contains "a coverage gap: and the way to accept it" "$out" "in accept_gaps in /etc/confine/config.json"
  write_config "$accept"
fi
gaps=$(printf '%s' "$accept" | grep -o '"[a-z-]*"' | grep -vc accept_gaps)

# ...and runs it once the configuration accepts that, saying so.
rm -f "$VMTEST_DATA/marker-ifavail"
run_app vmtest.example_probe 'write=$CONFINE_APP_DATA_PATH/marker-ifavail'
check_eq "if-available: exit 0" "$rc" 0
check "if-available: app ran" test -e "$VMTEST_DATA/marker-ifavail"
notice=$(printf '%s\n' "$out" | grep -v '^write=' | grep -v '^confine-run: partially confined: ')
check_eq "if-available: exactly one notice line" "$(printf '%s\n' "$notice" | grep -c .)" 1
check_contains "if-available: notice names AppArmor" "$(echo "$notice" | tr '[:upper:]' '[:lower:]')" apparmor
check_eq "one line per accepted gap" "$(printf '%s\n' "$out" | grep -c '^confine-run: partially confined: ')" "$gaps"

write_config '"apparmor": "required"'
rm -f "$VMTEST_DATA/marker-required"
run_app vmtest.example_probe 'write=$CONFINE_APP_DATA_PATH/marker-required'
check_eq "required: exit 125" "$rc" 125
check "required: app did not start" test ! -e "$VMTEST_DATA/marker-required"
check_contains "required: error says AppArmor is required" "$out" "AppArmor is required"
