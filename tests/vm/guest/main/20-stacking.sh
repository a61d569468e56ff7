# Acceptance: with global_profile naming a loaded profile that denies a path
# the app's own profile allows, the app runs as "APP_ID//&GLOBAL" and that
# path is denied; without it the same read works.
. /usr/share/confine-vm/lib.sh

write_config '"apparmor": "required"'
require "vmtest installed" install_vmtest
GLOBAL=confine-vm-global

# A system-wide restriction: everything, except the app's own metadata.
cat >/tmp/global.profile <<P
abi <abi/3.0>,
profile $GLOBAL flags=(attach_disconnected) {
  /** rwlkmix,
  capability,
  network,
  signal,
  ptrace,
  unix,
  mount,
  umount,
  pivot_root,
  change_profile,
  audit deny $VMTEST_INSTALL/meta/** r,
}
P
require "global profile loads" apparmor_parser -r /tmp/global.profile

run_app vmtest.example_probe 'read=$CONFINE_APP_PATH/meta/package.json'
check_line "without global_profile the app reads its metadata" "$out" \
  'read=$CONFINE_APP_PATH/meta/package.json ok {'

write_config "\"apparmor\": \"required\", \"global_profile\": \"$GLOBAL\""
run_app vmtest.example_probe read=/proc/self/attr/current \
  'read=$CONFINE_APP_PATH/meta/package.json' read=/etc/shadow \
  'write=$CONFINE_APP_DATA_PATH/stacked'
check_eq "stacked run exit status" "$rc" 0
# The kernel prints a stack's profiles in its canonical (sorted) order, so
# APP_ID//&GLOBAL may read GLOBAL//&APP_ID: compare the set of profiles.
label=$(printf '%s\n' "$out" | sed -n 's|^read=/proc/self/attr/current ok ||p')
check_contains "stacked label is in enforce mode" "$label" " (enforce)"
check_eq "label is the stack APP_ID//&$GLOBAL (in any order)" \
  "$(echo "${label% (enforce)}" | sed 's|//&|\n|g' | sort | tr '\n' ' ')" \
  "$(printf '%s\n' "$VMTEST_APP" "$GLOBAL" | sort | tr '\n' ' ')"
check_line "the global profile denies what the app profile allows" "$out" \
  'read=$CONFINE_APP_PATH/meta/package.json EACCES'
check_line "the app profile still denies /etc/shadow" "$out" 'read=/etc/shadow EACCES'
check_line "the app still writes its data dir" "$out" 'write=$CONFINE_APP_DATA_PATH/stacked ok'
check_denied "kernel logged the global profile's denial" "profile=\"$GLOBAL\"" \
  "name=\"$VMTEST_INSTALL/meta/package.json\""

write_config '"apparmor": "required"'
apparmor_parser -R /tmp/global.profile
