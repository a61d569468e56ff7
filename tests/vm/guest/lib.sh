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

# check_line NAME TEXT LINE: TEXT has LINE as one whole line.
check_line() {
  if printf '%s\n' "$2" | grep -Fxq -- "$3"; then
    pass "$1"
  else
    fail "$1: line '$3' not in output:
$2"
  fi
}

# --- confine in the guest ------------------------------------------------------
# shellcheck disable=SC2034 # used by the tests that source this file
VM=/usr/share/confine-vm
PROBE=/usr/libexec/confine-vm/probe
VMTEST_APP=vmtest.example_probe_1.0
VMTEST_CHECK=vmtest.example_check_1.0
VMTEST_INSTALL=/var/lib/confine/apps/vmtest.example/1.0
VMTEST_DATA=/var/lib/confine/data/vmtest.example/1.0

# write_config [JSON MEMBERS]: /etc/confine/config.json (the default path) with
# the guest's template dir and the given extra members, e.g. '"apparmor": "required"'.
write_config() {
  mkdir -p /etc/confine
  {
    echo '{'
    printf '  "templates_dir": "/usr/share/confine/policy-templates"'
    [ -n "${1:-}" ] && printf ',\n  %s' "$1"
    printf '\n}\n'
  } >/etc/confine/config.json
}

# The access classes `confine check` reports as held by no layer for a
# root-run app here (its coverage block), as a config line accepting them
# ("" when there is none).
accept_root_gaps() {
  _gaps=$(confine check 2>/dev/null | sed -n '/^coverage: /,/^coverage with/p' |
    sed -n 's/^  \([a-z-]*\)  *\(root-run: \)\{0,1\}GAP.*/\1/p')
  [ -z "$_gaps" ] && return 0
  printf '"accept_gaps": [%s]' "$(printf '"%s", ' $_gaps | sed 's/, $//')"
}

# A file no app policy grants, as on a real system.
SHADOW_LINE='root:$6$confinevm$notarealhash:19000:0:99999:7:::'
make_shadow() {
  [ -f /etc/shadow ] && return 0
  echo "$SHADOW_LINE" >/etc/shadow
  chmod 0640 /etc/shadow
}

# stage_vmtest: the test package with the freshly built probe in it.
stage_vmtest() {
  rm -rf /tmp/src/vmtest
  mkdir -p /tmp/src
  cp -a "$VM/pkg/vmtest" /tmp/src/vmtest
  cp "$PROBE" /tmp/src/vmtest/bin/probe
}

# install_vmtest: installs the test package once per boot (later tests reuse
# it); fails the calling check if the install fails.
install_vmtest() {
  [ -f /run/vmtest-installed ] && return 0
  make_shadow
  stage_vmtest
  confine install --origin example /tmp/src/vmtest || return 1
  : >/run/vmtest-installed
}

# require NAME CMD...: like check, but a failure ends the test script (the
# checks after it would only repeat the same failure).
require() {
  _name=$1; shift
  if _out=$("$@" 2>&1); then pass "$_name"; else fail "$_name: '$*' failed: $_out"; exit 0; fi
}

# run_app APP ARGS...: confine-run APP ARGS, stdout+stderr in $out, status in
# $rc, both echoed to the console for the log.
run_app() {
  out=$(confine-run "$@" 2>&1)
  rc=$?
  echo "\$ confine-run $* -> $rc"
  printf '%s\n' "$out" | sed 's/^/  | /'
}

# as_user CMD ARGS...: run as the ordinary user (uid 1000) through su, each word single-quoted
# so that $CONFINE_... reaches the confined program unexpanded.
as_user() {
  _cmd=""
  for _a in "$@"; do
    _cmd="$_cmd '$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'"
  done
  su -s /bin/sh user -c "$_cmd"
}
