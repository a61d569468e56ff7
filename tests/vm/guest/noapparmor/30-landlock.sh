# Booted with apparmor=0 on a kernel with Landlock (Debian's, ABI 2 or
# more): with the default `landlock: if-available` confine-run applies the
# app's Landlock rules instead, so the files AppArmor would have kept from
# the app stay out of reach, and the app still works in its own dirs.
. /usr/share/confine-vm/lib.sh

write_config "$(accept_root_gaps)"
require "vmtest installed" install_vmtest
run_app --verbose vmtest.example_probe read=/etc/shadow 'write=$CONFINE_APP_DATA_PATH/landlock' \
  "write=$VMTEST_INSTALL/landlock" "read=$VMTEST_INSTALL/meta/package.json"
check_eq "the app ran" "$rc" 0
check_contains "confine-run says Landlock was applied" "$out" "applied: landlock (ABI "
check_line "Landlock denies /etc/shadow" "$out" "read=/etc/shadow EACCES"
check_line "Landlock denies writing the install dir" "$out" "write=$VMTEST_INSTALL/landlock EACCES"
check_line "the app writes its data dir" "$out" 'write=$CONFINE_APP_DATA_PATH/landlock ok'
check_line "the app reads its install dir" "$out" "read=$VMTEST_INSTALL/meta/package.json ok {"

out=$(confine check 2>&1)
check_contains "confine check says Landlock applies" "$out" \
  "if-available: applied, AppArmor is not enabled"

# landlock: required on a kernel without AppArmor: the same layer, now one
# the launch cannot do without.
accept=$(accept_root_gaps)
write_config "\"landlock\": \"required\"${accept:+, $accept}"
run_app vmtest.example_probe read=/etc/shadow
check_eq "required: the app ran" "$rc" 0
check_line "required: Landlock denies /etc/shadow" "$out" "read=/etc/shadow EACCES"
write_config
