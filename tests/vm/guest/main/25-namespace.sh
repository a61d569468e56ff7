# apparmor_namespace: profiles are loaded into that policy namespace and the
# app runs under :NS:APP_ID, still confined by it.
. /usr/share/confine-vm/lib.sh

NS=confinevm
write_config "\"apparmor\": \"required\", \"apparmor_namespace\": \"$NS\""
make_shadow
rm -rf /tmp/src/nstest
mkdir -p /tmp/src
cp -a "$VM/pkg/vmtest" /tmp/src/nstest
cp "$PROBE" /tmp/src/nstest/bin/probe
sed -i 's/"name": "vmtest"/"name": "nstest"/' /tmp/src/nstest/meta/package.json
APP=nstest.example_probe_1.0

require "confine install into namespace $NS" confine install --origin example /tmp/src/nstest
check "namespace $NS exists" test -d /sys/kernel/security/apparmor/policy/namespaces/$NS
echo "profiles:"; sed 's/^/  /' /sys/kernel/security/apparmor/profiles
check_contains "profile listed in the namespace" \
  "$(cat /sys/kernel/security/apparmor/profiles)" ":$NS:$APP (enforce)"
run_app nstest.example_probe read=/proc/self/attr/current read=/etc/shadow \
  'write=$CONFINE_APP_DATA_PATH/ns' 'read=$CONFINE_APP_PATH/meta/package.json'
check_eq "namespaced app exit status" "$rc" 0
# A task inside a namespace sees its label relative to it; from the root
# namespace the same task is :NS:APP_ID.
check_line "namespaced app's own view of its label" "$out" "read=/proc/self/attr/current ok $APP (enforce)"
confine-run nstest.example_probe sleep=3 >/dev/null 2>&1 &
pid=$!
sleep 1
check_eq "namespaced app's label seen from the root namespace" \
  "$(cat /proc/$pid/attr/current 2>&1)" ":$NS:$APP (enforce)"
wait $pid
check_line "namespaced profile denies /etc/shadow" "$out" "read=/etc/shadow EACCES"
check_line "namespaced app writes its data dir" "$out" 'write=$CONFINE_APP_DATA_PATH/ns ok'
check_line "namespaced app reads its install dir" "$out" 'read=$CONFINE_APP_PATH/meta/package.json ok {'
check "confine remove nstest.example" confine remove nstest.example
case $(cat /sys/kernel/security/apparmor/profiles) in
  *":$NS:$APP "*) fail "namespaced profile still loaded after remove" ;;
  *) pass "namespaced profile unloaded by remove" ;;
esac
