# confine check with apparmor=0: AppArmor is reported as not enabled; with
# `apparmor: required` the verdict says confine-run would refuse (exit 1),
# matching what confine-run does (10-apparmor-required.sh).
. /usr/share/confine-vm/lib.sh

write_config '"apparmor": "required"'
out=$(confine check 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/  | /'
check_eq "check: exit 1 when a required layer is missing" "$rc" 1
check_contains "check: apparmor not enabled" "$out" "apparmor  not enabled in the kernel"
check_contains "check: verdict names apparmor" "$out" "confine-run would refuse to start apps: apparmor"
write_config
out=$(confine check 2>&1); rc=$?
check_eq "check: exit 0 with apparmor if-available" "$rc" 0
check_contains "check: says apps run without AppArmor" "$out" "if-available: apps run without filesystem confinement by AppArmor"
# The coverage matrix: without AppArmor, Landlock holds files here; what it
# cannot (signals before ABI 6) is a GAP, and confine-run refuses it (10-).
check_contains "check: prints the coverage" "$out" "coverage: the layer holding each access class"
check_contains "check: Landlock holds file access" "$out" "  file-access       landlock"
