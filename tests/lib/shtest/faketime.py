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


class SharedClock:
    """One fake clock for the app and the emulator: @start (a datetime) now,
    running @rate times as fast as the real clock from here on.

    The emulator computes it from the real clock (SOCIALHUB_SANDBOX_CLOCK,
    src/sandbox/sh-sandbox-world.c); each app process gets libfaketime's
    "@START xRATE" with START where this clock is when it starts. libfaketime
    counts from the moment it loads, a little after the test computed START,
    so an app runs that little (times the rate) behind the emulator, never
    ahead: a token the emulator still calls valid has not ended for the app."""

    def __init__(self, start, rate):
        import time

        self.rate = rate
        self.fake_zero, self.real_zero = start.timestamp(), time.time()

    def now(self):
        """Where the clock is, in Unix seconds."""
        import time

        return self.fake_zero + (time.time() - self.real_zero) * self.rate

    def when(self):
        """Where the clock is, as a UTC datetime."""
        import datetime

        return datetime.datetime.fromtimestamp(self.now(), datetime.timezone.utc)

    def real_seconds(self, fake_seconds):
        """How long @fake_seconds take on the real clock."""
        return fake_seconds / self.rate

    def sandbox_variable(self):
        return f"{self.fake_zero!r} {self.real_zero!r} {self.rate!r}"

    def app_env(self, env, library, rate=None):
        """@env for an app process that starts now on this clock (at @rate,
        this clock's own unless told: a process at another rate drifts away
        from it and must be short-lived). libfaketime takes whole seconds:
        this waits for the next one (a few real milliseconds)."""
        import datetime
        import math
        import time

        second = math.ceil(self.now())
        time.sleep(max(0.0, (second - self.now()) / self.rate))
        start = datetime.datetime.fromtimestamp(second, datetime.timezone.utc)
        return clock_env(env, library,
                         FAKETIME=start.strftime("@%Y-%m-%d %H:%M:%S") + f" x{rate or self.rate}")


def start_world(prefix, sandbox_program, clock=None, **extra):
    """What a clock test of the real binary runs against: a folder of its
    own, the standalone emulator (on @clock, a SharedClock, if given) and
    the app's environment (data there, the keyfile GSettings backend so that
    `gsettings set` reaches a running app, @extra). Returns (folder,
    emulator process, its base URL, environment)."""
    import tempfile

    from shtest.sandbox import app_env, start_sandbox
    from shtest.session import TIME_FACTOR

    tmp = tempfile.mkdtemp(prefix=prefix)
    sandbox_env = None
    if clock is not None:
        sandbox_env = dict(os.environ, SOCIALHUB_SANDBOX_CLOCK=clock.sandbox_variable())
    sandbox, variables = start_sandbox(sandbox_program, os.path.join(tmp, "world.json"),
                                       env=sandbox_env, timeout=20 * TIME_FACTOR)
    env = app_env(variables, XDG_DATA_HOME=os.path.join(tmp, "data"),
                  GSETTINGS_BACKEND="keyfile", **extra)
    return tmp, sandbox, variables["SOCIALHUB_SANDBOX_URL"], env
