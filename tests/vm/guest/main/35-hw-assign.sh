# confine hw-assign on a real kernel. Two nodes tell the two layers apart:
#  - NODEV (c 240:0, no driver): the device cgroup denies it (EPERM) until
#    it is assigned; then the open reaches the driver (ENXIO), which needs
#    the AppArmor profile to grant the node too;
#  - ALIAS (c 1:3, the number of /dev/null, which every app's device cgroup
#    allows): only AppArmor, which is path-based, stands between the app and
#    it: EACCES until assigned, then it opens.
# hw-unassign takes both away again; the profile on disk names the nodes
# exactly while they are assigned.
. /usr/share/confine-vm/lib.sh

write_config '"apparmor": "required"'
require "vmtest installed" install_vmtest
NODEV=/dev/confine-vm-nodev
ALIAS=/dev/confine-vm-null
[ -e $NODEV ] || mknod $NODEV c 240 0
[ -e $ALIAS ] || mknod -m 0666 $ALIAS c 1 3
PROFILE=/var/lib/confine/policy/apparmor/$VMTEST_APP

run_app vmtest.example_probe open=$NODEV open=$ALIAS
check_line "unassigned: device cgroup denies (EPERM)" "$out" "open=$NODEV EPERM"
check_line "unassigned: AppArmor denies the other path to /dev/null (EACCES)" "$out" \
  "open=$ALIAS EACCES"
check_denied "unassigned: the denial is AppArmor's" "profile=\"$VMTEST_APP\"" "name=\"$ALIAS\""

require "confine hw-assign vmtest.example $NODEV" confine hw-assign vmtest.example $NODEV
require "confine hw-assign vmtest.example $ALIAS" confine hw-assign vmtest.example $ALIAS
echo "  $(confine hw-info vmtest.example 2>&1)"
check_line "the profile grants $NODEV" "$(cat $PROFILE)" "  $NODEV rwk,"
check_line "the profile grants $ALIAS" "$(cat $PROFILE)" "  $ALIAS rwk,"
run_app vmtest.example_probe open=$NODEV open=$ALIAS read=/etc/shadow
check_line "assigned: the open reaches the driver (ENXIO)" "$out" "open=$NODEV ENXIO"
check_line "assigned: the AppArmor-only node opens" "$out" "open=$ALIAS ok"
check_line "assigned: AppArmor still denies the rest" "$out" "read=/etc/shadow EACCES"

require "confine hw-unassign vmtest.example $NODEV" confine hw-unassign vmtest.example $NODEV
require "confine hw-unassign vmtest.example $ALIAS" confine hw-unassign vmtest.example $ALIAS
check_eq "the profile no longer names the nodes" \
  "$(grep -c -e "$NODEV" -e "$ALIAS" $PROFILE)" "0"
run_app vmtest.example_probe open=$NODEV open=$ALIAS
check_line "unassigned again: EPERM" "$out" "open=$NODEV EPERM"
check_line "unassigned again: AppArmor denies the alias again (EACCES)" "$out" "open=$ALIAS EACCES"
rm -f $NODEV $ALIAS
