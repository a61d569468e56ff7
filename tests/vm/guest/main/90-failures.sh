# Acceptance: fail closed. With AppArmor enabled but the app's profile not
# loaded, confine-run exits 125 and the app never starts (it would have
# written a marker), whatever the `apparmor` config says. Runs last: it
# unloads the test app's profile.
. /usr/share/confine-vm/lib.sh

write_config '"apparmor": "required"'
require "vmtest installed" install_vmtest
profile=/var/lib/confine/policy/apparmor/$VMTEST_APP
require "generated profile file exists" test -f "$profile"
require "apparmor_parser -R unloads the app profile" apparmor_parser -R "$profile"
case $(cat /sys/kernel/security/apparmor/profiles) in
  *"$VMTEST_APP "*) fail "profile still listed after -R" ;;
  *) pass "profile no longer listed by the kernel" ;;
esac

for mode in required if-available; do
  write_config "\"apparmor\": \"$mode\""
  rm -f "$VMTEST_DATA/marker-$mode"
  run_app vmtest.example_probe "write=\$CONFINE_APP_DATA_PATH/marker-$mode"
  check_eq "apparmor=$mode, profile missing: exit 125" "$rc" 125
  check "apparmor=$mode, profile missing: app did not start" test ! -e "$VMTEST_DATA/marker-$mode"
  check_contains "apparmor=$mode, profile missing: error names the profile" "$out" "$VMTEST_APP"
done
