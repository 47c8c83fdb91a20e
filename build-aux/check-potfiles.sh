#!/bin/sh
# check-potfiles.sh SRCDIR — fails when a source file with translatable
# strings (_(), N_(), C_(), ngettext, translatable="yes") is missing from
# po/POTFILES, or when POTFILES names a file that does not exist.
set -eu
cd "$1"
status=0
for f in $(grep -rlE '(^|[^a-zA-Z_])(_|N_|C_|g_dngettext)\(|translatable="yes"' src data \
             --include='*.c' --include='*.ui' --include='*.in' --include='*.xml' | sort); do
  if ! grep -qx "$f" po/POTFILES; then
    echo "missing from po/POTFILES: $f"
    status=1
  fi
done
for f in $(grep -v '^#' po/POTFILES | grep .); do
  if [ ! -f "$f" ]; then
    echo "po/POTFILES names a file that does not exist: $f"
    status=1
  fi
done
exit $status
