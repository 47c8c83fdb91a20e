#!/bin/sh
# run-tests.sh — installs, builds (warnings are errors) and runs the whole
# test suite under Xvfb, then again under the sanitizers
# (build-aux/run-sanitizers.sh). Each test makes its own private session bus
# and unlocked gnome-keyring (build-aux/with-session.sh). .ci/run calls this.
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

# The pictures of data/screenshots (and the 360 px ones in English and
# German), taken again by this build, beside the tests' own in the artifacts.
"$top/build-aux/take-screenshots.sh" "$build/tests/artifacts/screenshots" "$build" >/dev/null ||
  status=1

# The same suite again under ASan+UBSan+LSan (issue #8: it fits in CI's time,
# about 15 minutes with its build). SOCIALHUB_SANITIZERS=0 skips it.
logs="$build/meson-logs/testlog.json"
if [ "${SOCIALHUB_SANITIZERS:-1}" != 0 ]; then
  "$top/build-aux/run-sanitizers.sh" || status=1
  logs="$logs ${SOCIALHUB_ASAN_BUILD:-$top/build-asan}/meson-logs/testlog.json"
fi

# One closing line any reader understands, counted from meson's own logs.
# shellcheck disable=SC2086
/usr/bin/python3 - $logs <<'PY'
import json, sys
results = [json.loads(line)["result"] for path in sys.argv[1:] for line in open(path)]
passed = sum(r == "OK" for r in results)
skipped = sum(r == "SKIP" for r in results)
print(f"{passed} passed, {len(results) - passed - skipped} failed, {skipped} skipped")
PY
echo "Test artifacts (screenshots): $build/tests/artifacts"
exit $status
