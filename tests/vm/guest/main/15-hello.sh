# Acceptance: the project's sample package, installed as the README says
# (confine install --origin example examples/hello), runs under its profile
# and its own probes see the denials.
. /usr/share/confine-vm/lib.sh

write_config '"apparmor": "required"'
make_shadow
require "confine install --origin example examples/hello" \
  confine install --origin example "$VM/examples/hello"
check_contains "profile hello.example_hello_1.0 loaded" \
  "$(cat /sys/kernel/security/apparmor/profiles)" "hello.example_hello_1.0 (enforce)"
run_app hello.example_hello one 'two words'
check_eq "hello exit status" "$rc" 0
check_line "hello runs as its APP_ID" "$out" "hello: running as hello.example_hello_1.0"
check_line "hello sees its arguments" "$out" "  argv[2]=two words"
check_line "hello's label" "$out" "apparmor: hello.example_hello_1.0 (enforce)"
check_line "hello cannot read /etc/shadow" "$out" "  read /etc/shadow: denied"
check_line "hello cannot write its install dir" "$out" "  write the install dir: denied"
check_line "hello can write TMPDIR" "$out" "  write TMPDIR: allowed"
check_denied "kernel logged hello's /etc/shadow denial" \
  'profile="hello.example_hello_1.0"' 'name="/etc/shadow"'
