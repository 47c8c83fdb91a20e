#!/bin/sh
# run-sanitizers.sh [MESON-TEST-ARGS…] — the whole test suite built with
# AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer (gcc).
#
# Builds in build-asan (its own folder: the normal build stays as it is),
# then runs every test under Xvfb as build-aux/run-tests.sh does. Any
# invalid access, leak or undefined behaviour in a test program or in the
# socialhub binary the Python tests start makes that test fail, with a
# stack trace in meson-logs/testlog.txt. Leaks of third-party libraries we
# cannot fix are suppressed in tests/sanitizers/lsan.supp, each with its
# reason; nothing of ours is. Extra arguments go to `meson test` (a test
# name, --suite core, …).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build="${SOCIALHUB_ASAN_BUILD:-$top/build-asan}"

# -Db_lundef=false: the sanitizer runtimes are linked into executables
# only, so shared objects may have undefined references to them.
if [ -f "$build/build.ninja" ]; then
  meson configure "$build" -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
else
  meson setup "$build" "$top" -Dwerror=true -Dtests=true -Dbuildtype=debug \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C "$build"

# halt_on_error: the first fault ends the program, so no later report can
# hide it. abort_on_error makes that an abort, which TAP tests and the
# Python tests' exit status both see. detect_leaks needs a clean exit.
# fast_unwind_on_malloc=0: Debian's GLib has no frame pointers, so the fast
# unwinder stops at g_malloc and no suppression could match; the slow one
# sees the whole stack. It deadlocks inside Mesa and trips
# inside libproxy's threads, so neither is loaded: GDK_DEBUG=gl-disable and
# GIO's dummy proxy resolver (every test talks to 127.0.0.1 only).
# intercept_tls_get_addr=0: otherwise LeakSanitizer (gcc 12, glibc 2.36)
# crashes at exit ("Tracer caught signal 11") scanning the dynamic TLS of
# glib-networking's GnuTLS module, in every process that made a TLS
# connection (the tls-untrusted tests).
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:print_stacktrace=1:fast_unwind_on_malloc=0:intercept_tls_get_addr=0:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$top/tests/sanitizers/lsan.supp:print_suppressions=0"
# GLib's slice allocator would hide blocks from ASan (only GLib < 2.76 has
# one; Debian 12 has 2.74). Software rendering: no GL driver to report on.
export G_SLICE=always-malloc
export GDK_DEBUG=gl-disable
export GIO_USE_PROXY_RESOLVER=dummy
# Limits on how long a step may take scale with the slowdown (tests/lib/test-util.h).
export SH_TEST_TIME_FACTOR=3

start=$(date +%s)
status=0
xvfb-run -a -s '-screen 0 1280x800x24 -noreset' \
  meson test -C "$build" --print-errorlogs --num-processes 2 \
  --timeout-multiplier 3 "$@" || status=$?
end=$(date +%s)

/usr/bin/python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
results = [json.loads(line)["result"] for line in open(sys.argv[1])]
passed = sum(r == "OK" for r in results)
skipped = sum(r == "SKIP" for r in results)
print(f"sanitizers: {passed} passed, {len(results) - passed - skipped} failed, {skipped} skipped")
PY
echo "sanitizers: $((end - start)) s for the tests (build not counted)"
exit $status
