# Acceptance: an app installed with `confine install` runs under its own
# profile: label "APP_ID (enforce)", reads its install dir, writes its data
# dir, gets EACCES for /etc/shadow and for writing its install dir, and the
# kernel logs apparmor="DENIED" with profile="APP_ID".
. /usr/share/confine-vm/lib.sh

write_config '"apparmor": "required"'
require "confine install --origin example vmtest" install_vmtest
check_contains "profile $VMTEST_APP loaded in enforce mode" \
  "$(cat /sys/kernel/security/apparmor/profiles)" "$VMTEST_APP (enforce)"

out=$(confine-run vmtest.example_probe \
  read=/proc/self/attr/current \
  'read=$CONFINE_APP_PATH/meta/package.json' \
  'write=$CONFINE_APP_DATA_PATH/written' \
  read=/etc/shadow \
  'write=$CONFINE_APP_PATH/evil' 2>&1)
rc=$?
echo "$out"
check_eq "confine-run exit status" "$rc" 0
check_line "label is APP_ID (enforce)" "$out" "read=/proc/self/attr/current ok $VMTEST_APP (enforce)"
check_line "reads its install dir" "$out" 'read=$CONFINE_APP_PATH/meta/package.json ok {'
check_line "writes its data dir" "$out" 'write=$CONFINE_APP_DATA_PATH/written ok'
check_eq "data file really written" "$(cat "$VMTEST_DATA/written" 2>&1)" probe
check_line "/etc/shadow read denied (EACCES)" "$out" 'read=/etc/shadow EACCES'
check_line "install dir write denied (EACCES)" "$out" 'write=$CONFINE_APP_PATH/evil EACCES'
check "install dir file not created" test ! -e "$VMTEST_INSTALL/evil"
check_denied "kernel logged the /etc/shadow denial for the app" \
  "profile=\"$VMTEST_APP\"" 'name="/etc/shadow"' 'requested_mask="r"'
# (The install dir write is refused by an explicit `deny` rule, which
# AppArmor does not log by design; /etc/shadow is simply not granted.)

# A shell-script app works through the default template (busybox tools).
out=$(confine-run vmtest.example_check one two 2>&1)
rc=$?
echo "$out"
check_eq "shell app exit status" "$rc" 0
check_line "shell app label" "$out" "label: $VMTEST_CHECK (enforce)"
check_line "shell app ran to the end" "$out" "check: ok"
