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


def start_world(prefix, sandbox_program, **extra):
    """What a clock test of the real binary runs against: a folder of its
    own, the standalone emulator and the app's environment (data there, the
    keyfile GSettings backend so that `gsettings set` reaches a running app,
    @extra). Returns (folder, emulator process, its base URL, environment)."""
    import tempfile

    from shtest.sandbox import app_env, start_sandbox
    from shtest.session import TIME_FACTOR

    tmp = tempfile.mkdtemp(prefix=prefix)
    sandbox, variables = start_sandbox(sandbox_program, os.path.join(tmp, "world.json"),
                                       timeout=20 * TIME_FACTOR)
    env = app_env(variables, XDG_DATA_HOME=os.path.join(tmp, "data"),
                  GSETTINGS_BACKEND="keyfile", **extra)
    return tmp, sandbox, variables["SOCIALHUB_SANDBOX_URL"], env
