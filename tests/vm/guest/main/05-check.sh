# confine check on a kernel that enforces AppArmor: every layer is available
# and confine-run would start apps, also with `apparmor: required` and a
# global profile (stacking).
. /usr/share/confine-vm/lib.sh

write_config '"apparmor": "required"'
out=$(confine check 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/  | /'
check_eq "check: exit 0 with apparmor required" "$rc" 0
check_contains "check: apparmor enabled" "$out" "apparmor  enabled"
check_contains "check: stacking and namespaces" "$out" "stacking: yes; policy namespaces: yes"
check_contains "check: seccomp available" "$out" "seccomp   available"
check_contains "check: verdict" "$out" "confine-run can start apps on this system"
check_contains "check: Landlock is left to AppArmor" "$out" \
  "if-available: not applied, AppArmor confines files"
write_config
# The coverage matrix under AppArmor: it holds files and file metadata for
# every app, signals and ptrace by its mediation; nothing is a gap with the
# default caps.
out=$(confine check 2>&1)
block=$(printf '%s\n' "$out" | sed -n '/^coverage: /,/^coverage with/p')
check_contains "check: AppArmor with the Landlock veil holds file access" "$block" "  file-access       apparmor, landlock"
check_contains "check: and file metadata" "$block" "apparmor"
check_contains "check: and signals" "$block" "  signals           apparmor"
check_eq "check: no gap with the default caps" "$(printf '%s\n' "$block" | grep -c GAP)" 0
