# Sourced by the guests' PID 1 (init) and by the systemd guest's test unit
# (systemd-runner): runs every test of a suite and prints the result line
# tests/vm/common.sh's check_result reads.

# run_suite NAME: runs /usr/share/confine-vm/NAME/*.sh in order, each in its
# own shell, bounded in time, then prints "CONFINE-VM-RESULT: N passed, M
# failed". A test that exits non-zero or reports nothing counts as a failure.
run_suite() {
  _dir=/usr/share/confine-vm/$1
  export CONFINE_VM_RESULTS=/run/vm-results
  : >"$CONFINE_VM_RESULTS"
  echo "CONFINE-VM: suite $1, kernel $(uname -r), LSMs $(cat /sys/kernel/security/lsm 2>/dev/null)"
  for _test in "$_dir"/*.sh; do
    [ -f "$_test" ] || continue
    _name=${_test##*/}
    echo "CONFINE-VM: --- $_name"
    _before=$(wc -l <"$CONFINE_VM_RESULTS")
    # Each test runs in its own shell so one that dies cannot stop the rest;
    # it is bounded so a hang is reported as a failure, not a lost result.
    # The bound is generous: under TCG on a loaded 2-core CI machine a script
    # that takes 60 s here took 100 s there (70-deb.sh, three dpkg runs).
    _t0=$(cut -d' ' -f1 /proc/uptime)
    timeout 300 sh "$_test" </dev/null 2>&1
    _rc=$?
    echo "CONFINE-VM: $_name took $(awk -v a="$_t0" '{ printf "%.1f", $1 - a }' /proc/uptime)s"
    _after=$(wc -l <"$CONFINE_VM_RESULTS")
    if [ "$_rc" -ne 0 ]; then
      echo "FAIL: $_name: script exited with status $_rc"
      echo FAIL >>"$CONFINE_VM_RESULTS"
    elif [ "$_after" -eq "$_before" ]; then
      echo "FAIL: $_name: script reported nothing"
      echo FAIL >>"$CONFINE_VM_RESULTS"
    fi
  done

  _passed=$(grep -c '^PASS' "$CONFINE_VM_RESULTS")
  _failed=$(grep -c '^FAIL' "$CONFINE_VM_RESULTS")
  if [ "$_failed" -ne 0 ]; then
    echo "CONFINE-VM: kernel log (AppArmor/audit lines) for the failures:"
    dmesg | grep -E 'apparmor|audit' | tail -n 40
  fi
  echo "CONFINE-VM: uptime $(cut -d' ' -f1 /proc/uptime)s"
  echo "CONFINE-VM-RESULT: $_passed passed, $_failed failed"
}
