# Sourced by tests/vm/run and tests/vm/run-systemd: what both need to boot a
# guest and judge its console log. Needs $here (tests/vm).

# Missing prerequisites skip a developer's run but fail CI.
skip() {
  echo "${0##*/}: $*" >&2
  if [ -n "${CI:-}" ]; then echo "${0##*/}: CI is set: failing instead of skipping" >&2; exit 1; fi
  exit 77
}

# /dev/kvm may be a paravirtual nested KVM (kvm_pvm) on which stock kernels
# hang: use it only with a real kvm_intel/kvm_amd, else TCG.
vm_accel() {
  if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
    echo kvm
  else
    echo tcg
  fi
}

# check_result LOG: passes only on "CONFINE-VM-RESULT: N passed, 0 failed"
# with N > 0 as the guest's last result line. Exits 1 otherwise.
check_result() {
  result=$(grep -a '^CONFINE-VM-RESULT:' "$1" | tail -n1 || true)
  if [ -z "$result" ]; then
    echo "${0##*/}: FAILED: no CONFINE-VM-RESULT line (guest hung, crashed or timed out)" >&2
    exit 1
  fi
  passed=$(echo "$result" | sed -n 's/^CONFINE-VM-RESULT: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
  failed=$(echo "$result" | sed -n 's/^CONFINE-VM-RESULT: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
  if [ -z "$passed" ] || [ -z "$failed" ]; then
    echo "${0##*/}: FAILED: malformed result line: $result" >&2
    exit 1
  fi
  if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
    echo "${0##*/}: FAILED: $result" >&2
    grep -a '^FAIL' "$1" >&2 || true
    exit 1
  fi
  echo "${0##*/}: $result"
}
