# Sourced by the systemd suite's tests: the service of tests/vm/pkg/svctest,
# which run-systemd installed in the image before its first boot.
. /usr/share/confine-vm/lib.sh
SVC_APP=svctest.example_serve_1.0
SVC_UNIT=confine-svctest.example_serve.service
SVC_PKG=/usr/share/confine-vm/pkg/svctest

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
