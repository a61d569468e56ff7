# The guest kernel enforces AppArmor: a profile loaded with apparmor_parser
# confines a program started through aa_change_onexec (aa-exec), and a read
# its profile does not grant fails and is logged as DENIED.
. /usr/share/confine-vm/lib.sh

check_eq "apparmor enabled in kernel" "$(cat /sys/module/apparmor/parameters/enabled 2>&1)" Y
check "securityfs apparmor interface present" test -e /sys/kernel/security/apparmor/profiles

mkdir -p /tmp/smoke
echo allowed >/tmp/smoke/allowed
echo secret >/tmp/smoke/secret
cat >/tmp/smoke/profile <<'P'
abi <abi/3.0>,
#include <tunables/global>
profile vm-smoke {
  #include <abstractions/base>
  /bin/busybox rix,
  /bin/* r,
  @{PROC}/@{pid}/attr/current r,
  /tmp/smoke/allowed r,
}
P
check "apparmor_parser loads a profile" apparmor_parser -r /tmp/smoke/profile
check_contains "profile listed by the kernel" "$(cat /sys/kernel/security/apparmor/profiles)" "vm-smoke (enforce)"
check_eq "aa-exec label" "$(aa-exec -p vm-smoke -- cat /proc/self/attr/current 2>&1)" "vm-smoke (enforce)"
check_eq "granted read works" "$(aa-exec -p vm-smoke -- cat /tmp/smoke/allowed 2>&1)" allowed
out=$(aa-exec -p vm-smoke -- cat /tmp/smoke/secret 2>&1)
check_contains "ungranted read fails with EACCES" "$out" "Permission denied"
check_denied "denial logged" 'profile="vm-smoke"' 'name="/tmp/smoke/secret"' 'requested_mask="r"'

# Stacking through /proc/self/attr/exec ("exec A//&B", what aa_stack_onexec
# builds on): the label of a stack reads "A//&B (enforce)" and both layers
# apply: a read one of them does not grant fails.
cat >/tmp/smoke/global <<'P'
abi <abi/3.0>,
#include <tunables/global>
profile vm-smoke-global {
  #include <abstractions/base>
  /** rix,
  deny /tmp/smoke/allowed r,
}
P
check "apparmor_parser loads a second profile" apparmor_parser -r /tmp/smoke/global
label=$(sh -c 'printf "exec vm-smoke//&vm-smoke-global" >/proc/self/attr/exec && exec cat /proc/self/attr/current' 2>&1)
check_eq "stacked label" "$label" "vm-smoke//&vm-smoke-global (enforce)"
# The kernel prints a stack's profiles in canonical (sorted) order,
# whatever order they were requested in.
label=$(sh -c 'printf "exec vm-smoke-global//&vm-smoke" >/proc/self/attr/exec && exec cat /proc/self/attr/current' 2>&1)
check_eq "stacked label in canonical order" "$label" "vm-smoke//&vm-smoke-global (enforce)"
out=$(sh -c 'printf "exec vm-smoke//&vm-smoke-global" >/proc/self/attr/exec && exec cat /tmp/smoke/allowed' 2>&1)
check_contains "stack denies what one layer denies" "$out" "Permission denied"
check "apparmor_parser -R unloads them" apparmor_parser -R /tmp/smoke/profile /tmp/smoke/global
