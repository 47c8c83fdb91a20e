#!/usr/bin/python3
"""The monitor's schedule in the real binary (issue 20, items 4 and 5):
`socialhub --gapplication-service` against the standalone emulator, with
every debug message on and its wall clock under libfaketime (the monotonic
clock left alone, FAKETIME_DONT_FAKE_MONOTONIC=1).

- check-interval one day: an X token added while it runs (a forwarded
  --add-token) puts its expiry moment into the schedule at once: the log says
  "Next check at <its expiry> (reason: expiry)", not the next daily check;
- removed again, the daily check is next ("reason: timer");
- the wall clock jumps a day ahead while the monotonic clock does not (what a
  suspend without logind, or a clock set by hand, looks like): the resume
  tick notices within its minute, and the check it starts is logged as
  "Checking (reason: resume)".
(The warning window moving with warning-window-days is test-monitor's
/monitor/settings-change-reschedules: the emulator's tokens are X tokens of 2
hours and Facebook Page tokens without an expiry, so no window to move.)

Usage: schedule.py SOCIALHUB SOCIALHUB_SANDBOX  (inside build-aux/with-session.sh)
Skipped (exit 77) without libfaketime (build-aux/install-deps.sh installs it).
"""
import datetime
import json
import os
import re
import subprocess
import sys
import time

from shtest.faketime import clock_env, library_or_skip, start_world
from shtest.sandbox import control as sandbox_control
from shtest.session import TIME_FACTOR, WAIT_S, Checks, stop, wait_until

SOCIALHUB, SANDBOX = sys.argv[1], sys.argv[2]
CAROL, X_ACME = "10003", "44196397"
DAY = 24 * 3600
check = Checks()

faketime = library_or_skip()

tmp, sandbox, base_url, env = start_world("socialhub-schedule-", SANDBOX)
# The wall clock's offset, read by libfaketime at every call: "+0", later "+1d".
clock_file = os.path.join(tmp, "faketime")
with open(clock_file, "w") as f:
    f.write("+0\n")
service_env = clock_env(dict(env, G_MESSAGES_DEBUG="all"), faketime,
                        FAKETIME_TIMESTAMP_FILE=clock_file, FAKETIME_NO_CACHE="1",
                        FAKETIME_DONT_FAKE_MONOTONIC="1")
log_path = os.path.join(tmp, "service.log")


def run(*args, stdin=None, timeout=90):
    return subprocess.run([SOCIALHUB, *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=timeout)


def gsettings_set(key, value):
    subprocess.run(["gsettings", "set", "io.socialhub.SocialHub", key, value], env=env,
                   check=True, capture_output=True)


def log_lines():
    with open(log_path, errors="replace") as f:
        return f.read().splitlines()


def next_checks(since):
    """(moment, reason) of every "Next check at …" line after line @since."""
    found = []
    for line in log_lines()[since:]:
        m = re.search(r"Next check at (\S+) \(reason: (\w+)\)", line)
        if m:
            moment = datetime.datetime.fromisoformat(m.group(1).replace("Z", "+00:00"))
            found.append((int(moment.timestamp()), m.group(2)))
    return found


def wait_for(func, timeout=WAIT_S):
    """func()'s result once true, like wait_until(), but no longer waiting
    once the service has exited."""
    wait_until(lambda: func() or service.poll() is not None, timeout)
    return func()


def wait_next_check(since, reason, near, tolerance, timeout=WAIT_S):
    """The first "Next check at" line after @since with @reason within
    @tolerance seconds of @near, or None."""
    def seen():
        return next(((t, r) for t, r in next_checks(since)
                     if r == reason and abs(t - near) <= tolerance), None)
    return wait_for(seen, timeout)


service = None
try:
    gsettings_set("check-interval", str(DAY))
    gsettings_set("warning-window-days", "7")
    with open(log_path, "w") as log:
        service = subprocess.Popen([SOCIALHUB, "--gapplication-service"], env=service_env,
                                   stdout=log, stderr=subprocess.STDOUT)
    check(wait_for(lambda: any("Checking (reason: start)" in l for l in log_lines())),
          "the service checks at start")
    check(wait_next_check(0, "timer", time.time() + DAY, 120) is not None,
          "with no token, the next check is the daily one")

    # --- a token added while running: its expiry enters the schedule -------------
    issued = sandbox_control(base_url, "issue-token", kind="x", person=CAROL, target=X_ACME)
    mark = len(log_lines())
    # Whole seconds, as the app keeps them: the paste can fall in this second.
    added_at = int(time.time())
    r = run("--add-token", "x", stdin=issued.get("token", "") + "\n")
    check(r.returncode == 0, f"an X token is added through the running service (rc {r.returncode})")
    # A pasted X token lives 2 hours at most (sooner if the app assumes it is older).
    expiry = wait_for(lambda: next((t for t, r in next_checks(mark) if r == "expiry"), None))
    check(expiry is not None and added_at <= expiry <= added_at + 2 * 3600 + 60,
          f"the next check is at the new token's expiry, not in a day (log: {next_checks(mark)})")

    # --- removed: its moment leaves the schedule, the daily check is next again ----
    listing = json.loads(run("--list", "--json").stdout or "{}")
    ids = [t["id"] for c in listing.get("channels", []) for t in c.get("tokens", [])]
    mark = len(log_lines())
    r = run("--remove-token", ids[0] if ids else "none")
    check(r.returncode == 0 and len(ids) == 1, f"the token is removed (rc {r.returncode})")
    check(wait_next_check(mark, "timer", time.time() + DAY, 300) is not None,
          f"without it the next check is the daily one again (log: {next_checks(mark)})")

    # --- the wall clock jumps a day; the monotonic clock does not -------------------
    mark = len(log_lines())
    with open(clock_file, "w") as f:
        f.write("+1d\n")
    # The tick looks every 60 s (monotonic): one tick, then the 2 s debounce.
    resumed = wait_for(lambda: any("Checking (reason: resume)" in l for l in log_lines()[mark:]),
                         90 * TIME_FACTOR)
    check(resumed, "a wall-clock jump without logind starts a check within the resume tick, "
                   "logged as a resume")
    check(any("Resumed: the wall clock moved" in l for l in log_lines()[mark:]),
          "the tick says what it saw (the wall clock moved further than the monotonic one)")
    check(service.poll() is None, "the service still runs")
finally:
    if service is not None:
        stop(service)
    stop(sandbox)
    if check.failures:
        print("--- the service's log (last 60 lines) ---")
        for line in log_lines()[-60:] if os.path.exists(log_path) else []:
            print("    " + line)

print(f"{check.passed} passed, {len(check.failures)} failed")
sys.exit(1 if check.failures else 0)
