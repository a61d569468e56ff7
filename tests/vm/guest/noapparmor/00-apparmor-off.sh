# Booted with apparmor=0: the kernel reports AppArmor disabled.
. /usr/share/confine-vm/lib.sh

check_eq "apparmor disabled by apparmor=0" "$(cat /sys/module/apparmor/parameters/enabled 2>&1)" N
case $(cat /sys/kernel/security/lsm) in
  *apparmor*) fail "apparmor not in active LSM list: $(cat /sys/kernel/security/lsm)" ;;
  *) pass "apparmor not in active LSM list" ;;
esac
