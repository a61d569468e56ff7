# Sourced by the systemd suite's tests: the service of tests/vm/pkg/svctest,
# which run-systemd installed in the image before its first boot.
. /usr/share/confine-vm/lib.sh
SVC_APP=svctest.example_serve_1.0
SVC_UNIT=confine-svctest.example_serve.service
SVC_PKG=/usr/share/confine-vm/pkg/svctest
SVC_USER=c_svctest_example  # its package user (confine-package(5), USERS)

# svc_check_user: the main process $pid runs as $SVC_USER, its own group and
# no other, and its report ($out) shows what that user may and may not do.
svc_check_user() {
  _uid=$(getent passwd "$SVC_USER" | cut -d: -f3)
  _gid=$(getent passwd "$SVC_USER" | cut -d: -f4)
  check "the package user $SVC_USER exists" test -n "$_uid"
  check_eq "uids in /proc/$pid/status" "$(grep '^Uid:' "/proc/$pid/status" | cut -f2-)" \
    "$_uid	$_uid	$_uid	$_uid"
  check_eq "gids in /proc/$pid/status" "$(grep '^Gid:' "/proc/$pid/status" | cut -f2-)" \
    "$_gid	$_gid	$_gid	$_gid"
  check_eq "no supplementary groups" "$(grep '^Groups:' "/proc/$pid/status" | cut -f2- | tr -d ' ')" ""
  check_line "the app saw its uid" "$out" "status=Uid ok $_uid	$_uid	$_uid	$_uid"
  check_line "no capabilities left" "$out" "status=CapEff ok 0000000000000000"
  check_line "it writes its data dir" "$out" 'write=$CONFINE_APP_DATA_PATH/served ok'
  check_line "it owns its data dir" "$out" 'chmod=$CONFINE_APP_DATA_PATH ok'
  check_line "it writes its tmp dir" "$out" 'write=$CONFINE_APP_TMPDIR/t ok'
  check_line "it writes its runtime dir (/run/confine/<key>)" "$out" 'write=$RUNTIME_DIRECTORY/serve.pid ok'
  for _op in 'write=$CONFINE_APP_PATH/planted' 'chmod=$CONFINE_APP_PATH' chmod=/dev/null; do
    case $(printf '%s\n' "$out" | grep -F -- "$_op ") in
      "$_op EACCES" | "$_op EPERM") pass "root's file stays root's: $_op" ;;
      *) fail "root's file stays root's: $_op: $(printf '%s\n' "$out" | grep -F -- "$_op ")" ;;
    esac
  done
  check_eq "/dev/null is still 0666 root's" "$(stat -c '%a %u' /dev/null)" "666 0"
}

# svc_wait_report: the service's main PID in $pid and the report of that
# process (its journal lines) in $out, once the report is complete (the
# probe prints its last operation before it sleeps). Empty on timeout.
svc_wait_report() {
  out=""
  for _i in $(seq 1 60); do
    pid=$(systemctl show -p MainPID --value "$SVC_UNIT")
    if [ "${pid:-0}" -ne 0 ]; then
      out=$(journalctl -b -o cat "_PID=$pid" 2>/dev/null)
      case $out in *"syscall=keyctl "*) break ;; esac
    fi
    sleep 0.5
  done
  echo "  $SVC_UNIT main PID ${pid:-none}:"
  printf '%s\n' "$out" | sed 's/^/  | /'
}

# svc_processes [APP_ID]: PIDs of processes under the profile of APP_ID
# (default $SVC_APP).
svc_processes() {
  for _f in /proc/[0-9]*/attr/current; do
    case $(cat "$_f" 2>/dev/null) in
      "${1:-$SVC_APP} "*) _p=${_f#/proc/}; echo "${_p%%/*}" ;;
    esac
  done
}
