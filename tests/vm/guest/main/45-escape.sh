# The escape suite under AppArmor: the probe's attack battery from inside
# the app (default caps), run by root and by an ordinary user through the
# file-capability confine-run. Every attempt must be refused; the decoys
# (root's files and device nodes, pid 1) must be as they were.
. /usr/share/confine-vm/lib.sh

write_config '"apparmor": "required"'
require "vmtest installed" install_vmtest
require "confine-run has its file capabilities" confine-setcap /usr/bin/confine-run
SECRET=/etc/confine-vm-secret
[ -f $SECRET ] || { echo secret >$SECRET; chmod 0644 $SECRET; }

facts() {
  for f in /etc/passwd /dev/null /dev/full $SECRET; do
    stat -c '%n %f %u %g %Y' "$f"
  done
  getfattr -d /etc/passwd 2>/dev/null
  ls /dev | grep -c attack
}
before=$(facts)

total=0
for who in root user; do
  if [ $who = root ]; then
    out=$(confine-run vmtest.example_probe 'attack=$CONFINE_APP_DATA_PATH' 2>&1)
  else
    out=$(as_user confine-run vmtest.example_probe 'attack=$CONFINE_APP_USER_DATA_PATH' 2>&1)
  fi
  rc=$?
  printf '%s\n' "$out" | sed 's/^/  | /'
  check_eq "$who: the battery ran" "$rc" 0
  check_line "$who: control: the app creates a plain file in its data dir" "$out" "attack:create-control ok"
  n=$(printf '%s\n' "$out" | grep -c '^attack:' )
  allowed=$(printf '%s\n' "$out" | grep '^attack:' | grep -v '^attack:create-control ' | grep ' ok$')
  # The one thing AppArmor lets through without Landlock's scopes (ABI 6):
  # root's existence probe of an unconfined process; confine check says so.
  want=""
  if [ $who = root ] && ! confine check | grep -q '^  signals  *landlock'; then
    want="attack:kill-1-0 ok"
    check_contains "check reports the existence probe" "$(confine check)" "apparmor (not the existence probe, signal 0)"
  fi
  check_eq "$who: no attempt succeeded" "$allowed" "$want"
  total=$((total + n - 1))
  # Denials from the layer that holds each class here.
  check_line "$who: the set-id bit (seccomp's no-set-id deny)" "$out" "attack:chmod-04755 EACCES"
  check_line "$who: another session's terminal input (TIOCSTI, seccomp)" "$out" "attack:ioctl-TIOCSTI EACCES"
  check_line "$who: a device node (seccomp's type deny)" "$out" "attack:mknod-char EACCES"
  check_line "$who: /dev/null stays (Landlock under AppArmor)" "$out" "attack:unlink/dev/null EACCES"
  # root: seccomp's root program (EPERM); the user: AppArmor (EACCES).
  mode=EPERM
  [ $who = user ] && mode=EACCES
  check_line "$who: root's file's mode" "$out" "attack:chmod-0666/etc/passwd $mode"
  check_line "$who: pid 1's environment (AppArmor)" "$out" "attack:read/proc/1/environ EACCES"
  check_line "$who: an executable memfd (seccomp)" "$out" "attack:memfd-create-exec EACCES"
  check_line "$who: execveat of a descriptor (seccomp)" "$out" "attack:execveat-empty-path EACCES"
done
echo "escape suite (AppArmor): $total attempts"
check "at least 100 attempts" test "$total" -ge 100
check_eq "the decoys are unchanged" "$(facts)" "$before"
check "pid 1 still runs" kill -0 1
