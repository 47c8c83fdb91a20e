# shtest/faketime.py — the real binary on a clock of the test's choosing
# (libfaketime, LD_PRELOAD): a shifted wall clock, a fast clock. Debian's
# package `libfaketime` (build-aux/install-deps.sh).
import glob
import os
import sys


def library_or_skip():
    """libfaketime's path; without it the test is skipped (exit 77)."""
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))
    if not found:
        print("SKIP  libfaketime is not installed (build-aux/install-deps.sh installs it)")
        sys.exit(77)
    return found[0]


def clock_env(env, library, **variables):
    """@env with @library preloaded and libfaketime's @variables (FAKETIME,
    FAKETIME_TIMESTAMP_FILE, …). Under the sanitizers libfaketime comes
    before ASan's runtime, which ASan accepts only when told."""
    return dict(env, LD_PRELOAD=library, **variables,
                ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0")
