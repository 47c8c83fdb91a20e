#!/bin/sh
# run-tests.sh — installs, builds (warnings are errors) and runs the whole
# test suite under Xvfb. Each test makes its own private session bus and
# unlocked gnome-keyring (build-aux/with-session.sh). .ci/run calls this.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build-tests"

"$top/build-aux/install-deps.sh"
if [ -f "$build/build.ninja" ]; then
  meson configure "$build" -Dwerror=true -Dtests=true >/dev/null
else
  meson setup "$build" "$top" -Dwerror=true -Dtests=true >/dev/null
fi
ninja -C "$build"

status=0
# -noreset: Xvfb otherwise resets when its last client leaves, and a test
# connecting during that reset fails with "cannot open display".
xvfb-run -a -s '-screen 0 1280x800x24 -noreset' \
  meson test -C "$build" --print-errorlogs --num-processes 2 || status=$?

# One closing line any reader understands, counted from meson's own log.
/usr/bin/python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
results = [json.loads(line)["result"] for line in open(sys.argv[1])]
passed = sum(r == "OK" for r in results)
skipped = sum(r == "SKIP" for r in results)
print(f"{passed} passed, {len(results) - passed - skipped} failed, {skipped} skipped")
PY
echo "Test artifacts (screenshots): $build/tests/artifacts"
exit $status
