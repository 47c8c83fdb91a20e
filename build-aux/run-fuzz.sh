#!/bin/sh
# run-fuzz.sh [SECONDS] — fuzzes the data-file loader, the Graph and X
# answer parsers and the X sign-in loopback server's request parser
# (tests/fuzz/README.md) with libFuzzer.
#
# Configures build-fuzz with clang, AddressSanitizer and UBSan and
# -Dfuzzing=true, builds only the fuzz targets, replays their corpora and
# regression inputs, then runs each target for SECONDS (default 600) on a
# scratch copy of its corpus, so that the inputs libFuzzer adds do not
# flood tests/fuzz/corpus. Prints per target the executions, their rate,
# the final coverage and the findings; exits 1 when there is any.
# A finding is kept in the scratch folder printed at the end: fix the
# parser, then copy the input to tests/fuzz/regressions/TARGET/.
set -eu

seconds=${1:-600}
top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build-fuzz"
# FUZZ_TARGETS (space-separated) runs only those.
targets=${FUZZ_TARGETS:-"store-format facebook-classify x-classify x-loopback-request untrusted-text"}

# Bytes per input: data files hold many channels; network answers are a
# batch of 50 items at most, and X's answers are small.
max_len () {
  case "$1" in
    store-format) echo 32768 ;;
    facebook-classify) echo 32768 ;;
    # Twice the loopback server's 8 KiB head, so that the limit is crossed.
    x-loopback-request) echo 16384 ;;
    untrusted-text) echo 4096 ;;
    *) echo 8192 ;;
  esac
}

if [ -f "$build/build.ninja" ]; then
  meson configure "$build" -Dfuzzing=true -Dtests=true >/dev/null
else
  CC=clang meson setup "$build" "$top" -Dfuzzing=true -Dtests=true \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja_targets=""
for target in $targets; do
  ninja_targets="$ninja_targets tests/fuzz/fuzz-$target tests/fuzz/fuzz-replay-$target"
done
# shellcheck disable=SC2086
nice -n 10 ninja -C "$build" $ninja_targets

# GSlice would hide json-glib's nodes from AddressSanitizer; UBSan's reports
# must stop the run, or libFuzzer would not keep the input.
export G_SLICE=always-malloc
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
export LC_ALL=C.UTF-8

scratch=$(mktemp -d "${TMPDIR:-/tmp}/socialhub-fuzz.XXXXXX")
status=0

for target in $targets; do
  regressions="$top/tests/fuzz/regressions/$target"
  replay_inputs="$top/tests/fuzz/corpus/$target"
  [ -d "$regressions" ] && replay_inputs="$replay_inputs $regressions"
  # shellcheck disable=SC2086
  if ! "$build/tests/fuzz/fuzz-replay-$target" $replay_inputs >"$scratch/replay-$target.log" 2>&1; then
    echo "$target: replaying the corpus failed, see $scratch/replay-$target.log"
    status=1
  fi
done

for target in $targets; do
  dir="$scratch/$target"
  mkdir -p "$dir/corpus" "$dir/findings"
  cp "$top/tests/fuzz/corpus/$target/"* "$dir/corpus/"
  [ -d "$top/tests/fuzz/regressions/$target" ] &&
    cp "$top/tests/fuzz/regressions/$target/"* "$dir/corpus/"

  echo "$target: fuzzing for $seconds s …"
  nice -n 10 "$build/tests/fuzz/fuzz-$target" \
    -max_total_time="$seconds" -max_len="$(max_len "$target")" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/findings/" "$dir/corpus" >"$dir/fuzz.log" 2>&1 || true

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/fuzz.log" | tail -n 1)
  coverage=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$dir/fuzz.log" | tail -n 1)
  corpus=$(find "$dir/corpus" -type f | wc -l)
  findings=$(find "$dir/findings" -type f | wc -l)
  echo "$target: ${execs:-?} executions (${rate:-?}/s), ${coverage:-no coverage line}," \
    "corpus $corpus inputs, findings: $findings"
  if [ "$findings" -gt 0 ]; then
    status=1
    find "$dir/findings" -type f | sed 's/^/  /'
    grep -m 3 -E '^==[0-9]+==ERROR|^SUMMARY|runtime error|GLib.*(CRITICAL|WARNING|ERROR)|deadly signal' \
      "$dir/fuzz.log" | sed 's/^/  /' || true
  fi
done

echo "Logs, grown corpora and findings: $scratch"
exit $status
