# Profile lifecycle on a real kernel, after 90-failures unloaded the test
# app's profile: `confine apparmor-reload` (what runs at boot) loads it back
# and the app starts again; an update to 1.1 loads the new version's profile
# and confine-run KEY_APP runs it; `confine remove` unloads the profiles and
# the app is gone (127).
. /usr/share/confine-vm/lib.sh

write_config '"apparmor": "required"'
require "vmtest installed" install_vmtest
listed() { grep -q "^$1 (" /sys/kernel/security/apparmor/profiles; }

if listed "$VMTEST_APP"; then
  fail "precondition: $VMTEST_APP is loaded (90-failures should have unloaded it)"
else
  pass "precondition: $VMTEST_APP not loaded"
fi
check "confine apparmor-reload" confine apparmor-reload
check "reload loaded $VMTEST_APP again" listed "$VMTEST_APP"
run_app vmtest.example_probe read=/proc/self/attr/current
check_eq "app starts again after reload" "$rc" 0
check_line "app under its reloaded profile" "$out" "read=/proc/self/attr/current ok $VMTEST_APP (enforce)"

# Update: the same package at version 1.1.
sed -i 's/"version": "1.0"/"version": "1.1"/' /tmp/src/vmtest/meta/package.json
check "confine install of version 1.1" confine install --origin example /tmp/src/vmtest
check "profile of 1.1 loaded" listed vmtest.example_probe_1.1
run_app vmtest.example_probe read=/proc/self/attr/current
check_eq "current version starts" "$rc" 0
check_line "current version is 1.1 under its profile" "$out" \
  "read=/proc/self/attr/current ok vmtest.example_probe_1.1 (enforce)"

check "confine remove vmtest.example" confine remove vmtest.example
for v in 1.0 1.1; do
  if listed "vmtest.example_probe_$v"; then
    fail "profile vmtest.example_probe_$v still loaded after remove"
  else
    pass "profile vmtest.example_probe_$v unloaded by remove"
  fi
done
run_app vmtest.example_probe read=/proc/self/attr/current
check_eq "removed app: exit 127" "$rc" 127
rm -f /run/vmtest-installed
