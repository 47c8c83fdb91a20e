#!/bin/sh
# run-valgrind.sh [SUITE…] — the test programs of the core suites under
# valgrind's memcheck: no invalid read or write, no use of uninitialised
# memory, and no definite leak, in our code or anything it calls.
#
# Suites default to core, sandbox, facebook and x (the C test programs; the
# Python tests and the window tests are left to run-sanitizers.sh, which is
# 10 times faster on GTK). Each test program runs in its own world, as in
# the normal suite (build-aux/with-session.sh), but with valgrind put
# between the session and the program, so that the bus and the keyring
# daemon run natively. Uses the normal build (SOCIALHUB_BUILD, default
# build-rel). Logs: $build/meson-logs/valgrind/.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build="${SOCIALHUB_BUILD:-$top/build-rel}"
[ "$#" -gt 0 ] || set -- core sandbox facebook x

[ -f "$build/build.ninja" ] || meson setup "$build" "$top" -Dwerror=true -Dtests=true >/dev/null
ninja -C "$build" >/dev/null

logs="$build/meson-logs/valgrind"
rm -rf "$logs"
mkdir -p "$logs"

suppressions=""
for supp in /usr/share/glib-2.0/valgrind/glib.supp "$top/tests/sanitizers/valgrind.supp"; do
  [ -f "$supp" ] && suppressions="$suppressions --suppressions=$supp"
done

# G_SLICE=always-malloc: blocks go through malloc, where memcheck sees them
# (GLib 2.74 still has a slice allocator). G_DEBUG=gc-friendly clears
# pointers in freed GLib structures, so that nothing freed looks reachable.
# Only definite leaks fail a test: "possibly lost" is GObject type data and
# the like, kept on purpose until exit.
export G_SLICE=always-malloc G_DEBUG=gc-friendly,fatal-criticals
export GIO_USE_PROXY_RESOLVER=dummy
# Limits on how long a step may take scale with the slowdown (test-util.h).
export SH_TEST_TIME_FACTOR=20
valgrind="valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite \
  --errors-for-leak-kinds=definite --error-exitcode=99 --num-callers=40 \
  --child-silent-after-fork=yes $suppressions"

start=$(date +%s)
# The test commands and environments, as meson knows them.
/usr/bin/python3 - "$build" "$@" > "$logs/commands" <<'PY'
import json, os, shlex, subprocess, sys
build, suites = sys.argv[1], set(sys.argv[2:])
tests = json.loads(subprocess.check_output(["meson", "introspect", "--tests", build]))
for t in tests:
    if not suites & {s.split(":")[-1] for s in t["suite"]}:
        continue
    cmd = t["cmd"]
    # with-session.sh [--no-keyring] PROGRAM: valgrind goes before PROGRAM,
    # and only before a compiled test program (not python).
    i = 1 + (len(cmd) > 1 and cmd[1] == "--no-keyring")
    if (not cmd[0].endswith("with-session.sh") or i >= len(cmd) or
            not os.access(os.path.join(build, cmd[i]), os.X_OK) or cmd[i].endswith(".py") or
            cmd[i].startswith("/usr/")):
        continue
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(t["env"].items()))
    print(t["name"], env, " ".join(shlex.quote(c) for c in cmd[:i]),
          " ".join(shlex.quote(c) for c in cmd[i:]), sep="\t")
PY

# Relative program paths, as meson runs them: from the build folder.
cd "$build"
status=0
summary=""
while IFS="	" read -r name env session program; do
  log="$logs/$name.%p.log"
  printf '%-22s ' "$name"
  t0=$(date +%s)
  rc=0
  # The tests' own waits are sized for native speed: under valgrind they may
  # need longer, which the tests' WAIT_MS allow for (30 s per step).
  eval "env $env $session $valgrind --log-file=$log $program" >"$logs/$name.out" 2>&1 || rc=$?
  definite=$(cat "$logs/$name".*.log 2>/dev/null | sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' | tr -d , | awk '{s+=$1} END {print s+0}')
  errors=$(cat "$logs/$name".*.log 2>/dev/null | sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' | tr -d , | awk '{s+=$1} END {print s+0}')
  echo "exit $rc, $errors errors, definitely lost $definite bytes, $(( $(date +%s) - t0 )) s"
  summary="$summary$name $rc $errors $definite
"
  [ "$rc" -eq 0 ] || status=1
done < "$logs/commands"

echo "valgrind: $(printf %s "$summary" | awk '{n++; if ($2 == 0) ok++; e += $3; d += $4} END {printf "%d of %d programs clean; %d errors; %d bytes definitely lost", ok, n, e, d}') in $(( $(date +%s) - start )) s"
echo "valgrind: logs in $logs"
exit $status
