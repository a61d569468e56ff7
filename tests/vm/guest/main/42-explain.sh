# confine explain on the real kernel log, before the escape suite's denials
# push older records out of it: the AppArmor denial of 10-install-run.sh
# (/etc/shadow) and the seccomp denial of 30-all-layers.sh (both by the
# vmtest probe) are named by app, with the app's verdict.
. /usr/share/confine-vm/lib.sh

write_config
log=$(dmesg)
out=$(printf '%s\n' "$log" | confine explain 2>&1); rc=$?
printf '%s\n' "$out" | grep -E "vmtest|error" | head -8 | sed 's/^/  | /'
check_eq "explain: every record explained (exit 0)" "$rc" 0
check_contains "explain: AppArmor denial names the app" "$out" \
  "$VMTEST_APP: AppArmor denied \"r\" access to /etc/shadow (operation open)"
check_contains "explain: the app's policy does not allow /etc/shadow" "$out" \
  "its policy does not allow it; only a security-override"
check_contains "explain: seccomp denial traced to the app by its exe" "$out" \
  "$VMTEST_APP: seccomp denied keyctl"
printf "%s\n" "$log" | grep "type=1326" | sed "s/^/  seccomp: /"
echo "  (kernel log: $(printf '%s\n' "$log" | grep -c 'type=1326') seccomp records, $(printf '%s\n' "$log" | grep -c 'apparmor="DENIED"') AppArmor denials, $(printf '%s\n' "$log" | grep -c 'callbacks suppressed\|printk limit') rate-limit notes)"
