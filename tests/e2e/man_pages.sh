#!/bin/sh
# Renders every man page in DIR (argument 1) as a user would read it and
# fails when man exits non-zero or says anything on stderr (groff warnings
# included, with --warnings).
set -u
dir=${1:?usage: man_pages.sh MAN_DIR}
status=0
found=0
for page in "$dir"/*.[1-8]; do
  [ -e "$page" ] || continue
  found=$((found + 1))
  err=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$page" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" -ne 0 ] || [ -n "$err" ]; then
    echo "FAIL $page (exit $rc):" >&2
    printf '%s\n' "$err" >&2
    status=1
  else
    echo "ok   $page"
  fi
done
if [ "$found" -eq 0 ]; then
  echo "no man pages in $dir" >&2
  exit 1
fi
exit $status
