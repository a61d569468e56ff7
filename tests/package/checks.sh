#!/bin/sh
# Run by tests/package/run inside the throwaway root (chroot, no systemd):
# installs confine's .deb, builds app .debs with dh_confine and checks what
# dpkg -i / -r / -P of them and of confine leave behind (issue 15).
# Usage: checks.sh SRC CONFINE_DEB
set -eu
src=$1
deb=$2
export PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive
unset CONFINE_CONFIG

fail() { echo "tests/package: FAIL: $*" >&2; exit 1; }
ok() { echo "tests/package: ok   $*"; }
# expect_in TEXT WORDS: TEXT has a line containing WORDS.
expect_in() { printf '%s\n' "$1" | grep -qF -- "$2" || fail "expected \"$2\" in: $1"; }
none_left() {  # none_left WHAT FIND-ARGS...: find prints nothing
  what=$1; shift
  left=$(find "$@" 2>/dev/null || true)
  [ -z "$left" ] || fail "$what left behind: $left"
}
units=/etc/systemd/system
unit=confine-hello.example_daemon.service

# 1. confine itself.
dpkg -i "$deb" >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log >&2; fail "dpkg -i ${deb##*/}"; }
[ ! -u /usr/bin/confine-run ] && [ ! -g /usr/bin/confine-run ] || fail "confine-run is setuid or setgid"
caps=$(getcap /usr/bin/confine-run | awk '{ print $2 }')
[ "$caps" = "$(confine-setcap --print)" ] || fail "confine-run has file caps \"$caps\", want \"$(confine-setcap --print)\""
ok "dpkg -i confine: /usr/bin/confine-run has $caps, not setuid"
grep -qx /etc/confine/config.json /var/lib/dpkg/info/confine.conffiles || fail "config.json is not a conffile"
# The shipped config is the defaults: confine answers the same with and without it.
with=$(confine check 2>&1 | grep -v '^config:' || true)
mv /etc/confine/config.json /tmp/config.json
without=$(confine check 2>&1 | grep -v '^config:' || true)
mv /tmp/config.json /etc/confine/config.json
[ "$with" = "$without" ] || fail "confine check differs with the shipped config.json: $with // $without"
[ -L /etc/systemd/system/sysinit.target.wants/confine-apparmor.service ] || fail "confine-apparmor.service is not enabled"
[ -d /var/lib/confine/apps ] && [ -d /var/lib/confine/data ] && [ -d /var/lib/confine/policy ] || fail "state dirs missing"
[ -d /tmp/confine ] && [ "$(stat -c %a:%U /tmp/confine)" = 711:root ] || fail "/tmp/confine is not root's 0711"
man -w dh_confine >/dev/null && man -w confine-setcap >/dev/null || fail "man pages missing"
ok "conffile (the defaults), confine-apparmor.service enabled, state dirs, man pages"

# 2. App packages built with dh_confine: a service and a command.
# make_app VERSION [BAD]: builds /tmp/app-VERSION/hello-example_VERSION_all.deb.
make_app() {
  v=$1
  d=/tmp/app-$v/hello-example
  mkdir -p "$d/debian" "$d/pkg/bin" "$d/pkg/meta"
  caps_key=caps
  [ "${2:-}" = bad ] && caps_key=cpas  # a typo confine install must refuse
  cat >"$d/pkg/meta/package.json" <<JSON
{
  "name": "hello",
  "version": "$v",
  "services": [{ "name": "daemon", "start": "bin/daemon" }],
  "binaries": [{ "name": "cli", "exec": "bin/cli", "$caps_key": [] }]
}
JSON
  printf '#!/bin/sh\nexec sleep 3600\n' >"$d/pkg/bin/daemon"
  cat >"$d/pkg/bin/cli" <<CLI
#!/bin/sh
echo "hello-example $v as \$CONFINE_APP_ID"
while read -r l; do case "\$l" in Cap*|Seccomp:*|NoNewPrivs:*) echo "\$l" ;; esac; done </proc/\$\$/status
CLI
  chmod 755 "$d/pkg/bin/daemon" "$d/pkg/bin/cli"
  cat >"$d/debian/control" <<CONTROL
Source: hello-example
Section: misc
Priority: optional
Maintainer: confine tests <tests@example.org>
Build-Depends: debhelper-compat (= 13), dh-sequence-confine
Standards-Version: 4.6.2
Rules-Requires-Root: no

Package: hello-example
Architecture: all
Depends: \${misc:Depends}
Description: confine's package test app
 A service and a command, confined by being installed.
CONTROL
  printf 'hello-example (%s) unstable; urgency=medium\n\n  * Test.\n\n -- confine tests <tests@example.org>  Tue, 01 Dec 2026 12:00:00 +0000\n' "$v" >"$d/debian/changelog"
  printf '#!/usr/bin/make -f\n%%:\n\tdh $@\n' >"$d/debian/rules"
  chmod 755 "$d/debian/rules"
  echo "pkg/* usr/share/confine/packages/hello.example/" >"$d/debian/hello-example.install"
  (cd "$d" && dpkg-buildpackage -us -uc -b >/tmp/app-build.log 2>&1) || { cat /tmp/app-build.log >&2; fail "building hello-example $v"; }
}
make_app 1.0
make_app 2.0
make_app 3.0 bad
grep -q confine-dpkg-hook /tmp/app-1.0/hello-example/debian/hello-example.postinst.debhelper || fail "dh_confine wrote no postinst snippet"
expect_in "$(dpkg-deb -f /tmp/app-1.0/hello-example_1.0_all.deb Depends)" "confine (>= 0.1.0)"
# dh_confine refuses a tree whose directory does not match its metadata.
t=/tmp/app-1.0/hello-example/debian/hello-example/usr/share/confine/packages
mv "$t/hello.example" "$t/howdy.example"
if out=$(cd /tmp/app-1.0/hello-example && dh_confine -phello-example 2>&1); then fail "dh_confine accepted howdy.example"; fi
expect_in "$out" 'the directory says package "howdy"'
ok "dh_confine: snippets, Depends on confine, directory checked against the metadata"

useradd -m -u 4242 pkgtest
# launch_as_user VERSION: an ordinary user's launch through the packaged
# confine-run: the app runs, seccomp on, no capability left.
# Where confine check says this kernel (no AppArmor) leaves file-metadata of
# user-run apps to no layer, confine-run must refuse them (125); they are
# then launched once more with that gap accepted.
user_run() {
  setpriv --reuid=pkgtest --regid=pkgtest --init-groups env -i PATH=/usr/bin:/bin \
    /usr/bin/confine-run hello.example_cli 2>&1
}
launch_as_user() {
  rc=0
  out=$(user_run) || rc=$?
  if [ "$rc" != 0 ]; then
    confine check 2>&1 | grep -q "confine-run refuses user-run apps" && [ "$rc" = 125 ] ||
      fail "ordinary user's launch (exit $rc): $out"
    cp /etc/confine/config.json /tmp/config.json
    sed -i 's/^{$/{ "accept_gaps": ["file-metadata"],/' /etc/confine/config.json
    out=$(user_run) || { cp /tmp/config.json /etc/confine/config.json; fail "user launch with accept_gaps: $out"; }
    cp /tmp/config.json /etc/confine/config.json
  fi
  expect_in "$out" "hello-example $1 as hello.example_cli_$1"
  expect_in "$out" "Seccomp:	2"
  expect_in "$out" "NoNewPrivs:	1"
  for c in CapInh CapPrm CapEff CapBnd CapAmb; do expect_in "$out" "$c:	0000000000000000"; done
  # As root: the same app, seccomp on.
  out=$(env -i PATH=/usr/bin:/bin /usr/bin/confine-run hello.example_cli 2>&1) || fail "root's launch: $out"
  expect_in "$out" "hello-example $1 as hello.example_cli_$1"
  expect_in "$out" "Seccomp:	2"
}

dpkg -i /tmp/app-1.0/hello-example_1.0_all.deb >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log >&2; fail "dpkg -i hello-example 1.0"; }
expect_in "$(confine list)" "hello.example 1.0 (current)"
[ -f "$units/$unit" ] && [ -L "$units/multi-user.target.wants/$unit" ] || fail "$unit not written and enabled"
launch_as_user 1.0
ok "dpkg -i hello-example 1.0: installed, service unit enabled, user launch confined with no capability"

echo kept >/var/lib/confine/data/hello.example/1.0/marker
dpkg -i /tmp/app-2.0/hello-example_2.0_all.deb >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log >&2; fail "dpkg -i hello-example 2.0"; }
list=$(confine list)
expect_in "$list" "hello.example 2.0 (current)"
printf '%s\n' "$list" | grep -q '1\.0' && fail "1.0 still listed: $list"
none_left "1.0" /var/lib/confine /etc/systemd/system -name '*1.0*'
[ "$(cat /var/lib/confine/data/hello.example/2.0/marker)" = kept ] || fail "data not carried to 2.0"
launch_as_user 2.0
ok "upgrade 1.0 -> 2.0: nothing of 1.0 remains, data carried over"

if dpkg -i /tmp/app-3.0/hello-example_3.0_all.deb >/tmp/dpkg.log 2>&1; then fail "dpkg -i of bad metadata succeeded"; fi
expect_in "$(cat /tmp/dpkg.log)" "confine install: error:"
expect_in "$(cat /tmp/dpkg.log)" "cpas"
expect_in "$(confine list)" "hello.example 2.0 (current)"
launch_as_user 2.0
dpkg -i /tmp/app-2.0/hello-example_2.0_all.deb >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log >&2; fail "dpkg -i of 2.0 after the failed 3.0"; }
expect_in "$(dpkg-query -W -f='${Status} ${Version}' hello-example)" "install ok installed 2.0"
ok "bad metadata: dpkg -i fails with confine's error, 2.0 stays installed and confined"

out=$(/var/lib/dpkg/info/hello-example.postinst configure 2.0 2>&1) || fail "postinst again: $out"
expect_in "$out" "already installed; policy regenerated"
launch_as_user 2.0
ok "the postinst hook run twice is harmless"

dpkg -r hello-example >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log >&2; fail "dpkg -r hello-example"; }
expect_in "$(confine list)" "no packages installed"
none_left "units" /etc/systemd/system -name 'confine-hello*'
none_left "policy" /var/lib/confine/policy /var/lib/confine/apps -name '*hello*'
[ "$(cat /var/lib/confine/data/hello.example/2.0/marker)" = kept ] || fail "dpkg -r deleted the app's data"
getent passwd c_hello_example >/dev/null || fail "dpkg -r deleted the package user (its data stays)"
/usr/lib/confine/confine-dpkg-hook remove hello.example || fail "remove hook again"
ok "dpkg -r: units, policy and files gone, data kept; the remove hook again is harmless"
dpkg -P hello-example >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log >&2; fail "dpkg -P hello-example"; }
[ ! -e /var/lib/confine/data/hello.example ] || fail "dpkg -P left the app's data"
# Services run as the package's own user (confine-package(5), USERS): remove keeps it, purge deletes it.
! getent passwd c_hello_example >/dev/null || fail "dpkg -P left the package user c_hello_example"
/usr/lib/confine/confine-dpkg-hook purge hello.example >/dev/null || fail "purge hook again"
ok "dpkg -P: data gone; the purge hook again is harmless"

# 3. Removing confine with a package installed by hand: its units and policy
# go, its data stays until confine is purged.
confine install --origin example "$src/examples/hello" >/dev/null
dpkg -r confine >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log >&2; fail "dpkg -r confine"; }
[ ! -e /usr/bin/confine-run ] && [ ! -e /usr/bin/confine ] || fail "binaries left after dpkg -r confine"
none_left "app units" /etc/systemd/system -name 'confine-hello*'
none_left "policy" /var/lib/confine/policy -type f
[ -d /var/lib/confine/data/hello.example/1.0 ] || fail "dpkg -r confine deleted an app's data"
ok "dpkg -r confine: units, policy and binaries gone, app data kept"
dpkg -P confine >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log >&2; fail "dpkg -P confine"; }
none_left "state" /var/lib/confine /etc/confine
none_left "systemd links" /etc/systemd -name '*confine*'
ok "dpkg -P confine: nothing left"
