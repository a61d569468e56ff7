# Real programs confined under the default template, on this AppArmor
# kernel, run by an ordinary user: git (its helpers in /usr/lib/git-core and
# /etc/gitconfig, which run-systemd writes, come with the git flag). The
# earlier tests removed svctest; it is installed for this and removed again.
. /usr/share/confine-vm/systemd-lib.sh

require "confine install svctest" confine install --origin example "$SVC_PKG"
id progs >/dev/null 2>&1 || useradd -m progs
launcher=$(command -v confine-run)
gout=$(setpriv --reuid=progs --regid=progs --init-groups env -i PATH=/usr/bin:/bin \
  HOME=/home/progs "$launcher" svctest.example_gitjob_1.0 2>&1)
grc=$?
echo "  git job (exit $grc):"
printf '%s\n' "$gout" | sed 's/^/  | /'
check_eq "git: init, commit, clone over file://, gc and fsck work confined" "$grc:$gout" \
  "0:from /etc/gitconfig
hello
one"
require "confine remove svctest.example" confine remove svctest.example
