# confine export on the real AppArmor kernel: the OCI bundle tests/vm/oci-bundle
# made from this build's `confine export --format oci-config` runs with runc
# under the exported profile name (the APP_ID the install loaded), with the
# exported seccomp filter and no capabilities, and the probe's syscalls get
# the answers they get under confine-run.
. /usr/share/confine-vm/lib.sh

require "confine install --origin example vmtest" install_vmtest
require "runc and the exported bundle are in the guest" test -x /usr/sbin/runc -a -f "$VM/oci-bundle/config.json"
check_contains "the bundle names the app's profile" "$(cat "$VM/oci-bundle/config.json")" \
  "\"apparmorProfile\": \"$VMTEST_APP\""

# initramfs: no pivot_root; runc's state in /run.
oci=$(runc --root /run/runc run --no-pivot --bundle "$VM/oci-bundle" confine-oci 2>&1)
rc=$?
echo "$oci"
check_eq "runc ran the exported bundle" "$rc" 0
check_line "runc applied the exported profile" "$oci" \
  "read=/proc/self/attr/current ok $VMTEST_APP (enforce)"
check_line "runc applied the exported seccomp filter" "$oci" "status=Seccomp ok 2"
check_line "no new privileges" "$oci" "status=NoNewPrivs ok 1"
check_line "no capabilities" "$oci" "status=CapEff ok 0000000000000000"

# The same probe calls under confine-run: the syscall answers are the same.
confined=$(confine-run vmtest.example_probe syscall=keyctl syscall=userfaultfd \
  syscall=personality syscall=getpid 2>&1)
echo "$confined"
for s in keyctl userfaultfd personality getpid; do
  want=$(printf '%s\n' "$confined" | grep "^syscall=$s ")
  got=$(printf '%s\n' "$oci" | grep "^syscall=$s ")
  check_eq "syscall $s answers alike under runc and confine-run" "$got" "$want"
done
runc --root /run/runc delete --force confine-oci >/dev/null 2>&1 || true
