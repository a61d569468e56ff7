# Sourced by every guest test. Each check prints one PASS or FAIL line that
# names what it checked, and records it for the result line of /init.
: "${CONFINE_VM_RESULTS:=/run/vm-results}"

pass() { echo "PASS: $*"; echo PASS >>"$CONFINE_VM_RESULTS"; }
fail() { echo "FAIL: $*"; echo FAIL >>"$CONFINE_VM_RESULTS"; }

# check NAME CMD...: CMD must succeed.
check() {
  _name=$1; shift
  if _out=$("$@" 2>&1); then pass "$_name"; else fail "$_name: '$*' failed: $_out"; fi
}

# check_eq NAME GOT WANT
check_eq() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi
}

# check_contains NAME TEXT NEEDLE
check_contains() {
  case $2 in
    *"$3"*) pass "$1" ;;
    *) fail "$1: '$3' not found in: $2" ;;
  esac
}

# check_denied NAME NEEDLE...: a kernel log line contains apparmor="DENIED"
# and every NEEDLE (e.g. profile="X" name="/path").
check_denied() {
  _name=$1; shift
  _lines=$(dmesg | grep 'apparmor="DENIED"')
  for _n in "$@"; do _lines=$(printf '%s\n' "$_lines" | grep -F -- "$_n"); done
  if [ -n "$_lines" ]; then
    pass "$_name"
  else
    fail "$_name: no apparmor=\"DENIED\" kernel line with: $*"
  fi
}

# Status of a command, without set -e getting in the way.
status_of() { "$@" >/dev/null 2>&1; echo $?; }
