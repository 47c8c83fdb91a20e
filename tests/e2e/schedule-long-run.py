#!/usr/bin/python3
"""Two simulated days of the real binary (issue 20, "Done when"):
`socialhub --gapplication-service` under libfaketime at RATE× (its wall and
monotonic clock alike, so GLib's timers run fast too) against the
standalone emulator on the same clock (shtest.faketime.SharedClock: the
emulator's X tokens end 2 simulated hours after it issued them, its data
access 90 days after a sign-in), with org.gtk.Notifications served by
shtest/fake_gtk_notifications.py; check-interval one hour,
warning-window-days and expiry-reminder-days one day.

The world, in simulated hours from the first start:
  before  Alice signs in for Corner Bookshop and Bob for Bakery & Sons
          (device flow), each while the emulator's clock is set back so
          that the data access they get ends at 30 h and 40 h; a token of
          Carol's for @acmecoffee (X) is pasted: it ends 2 h after the paste;
   0      the service starts and checks: nothing to tell;
   2      the X token's expiry moment: a check, "@acmecoffee is
          disconnected";
   6      Alice's data access enters its last day: "… ends tomorrow" at
          that moment (the notifier's clock, not the next hourly check);
  10      a new X token is pasted while the service runs (a renewal): the
          "disconnected" notice is withdrawn at once; it ends at 12 h: a
          check, "disconnected" again;
  16      Bob's data access enters its last day: "… ends tomorrow";
  20      Bob signs in again while the service runs (a renewal, the device
          flow on the service's fast clock): his notice is withdrawn at once;
  24      the service is stopped and started again: nothing told twice;
  28      a Page token of Dan's is added while the service runs;
  30      Alice's data access ends: her notice is withdrawn, by the
          second process (the first one sent it);
  48      the end: nothing more.
Asserted: after each step exactly the notification calls listed so far, in
order (one per change, none at the restart), each within STAMP_TOLERANCE
of its moment; a check at least every interval in both processes; one
check at each expiry moment (logged "expiry", within TOLERANCE of it); no
check cancelled for taking too long.

Why no Facebook token ends or enters a warning window here: the app keeps
no expiry for Facebook Page tokens (a Page token from a long-lived user
token never expires: sh-facebook-provider.c stores 0), and an X token
lives 2 hours, inside the shortest warning window of a day. The warning
moments of this run are the data-access reminders.

Tokens are added and renewed while the service runs from processes on the
normal speed (pasted) or on the shared clock (a sign-in), forwarded to the
service, which validates and stores them on its fast clock. There the
app's 20 s limit for the keyring is 20/RATE real seconds (56 ms at 360×);
gnome-keyring answers in a few milliseconds, and at 480× a check on this
loaded machine once ran into it (retried, "Check failed … keyring"), so
RATE is 360: 48 hours in about 8 minutes. Slower runs (the sanitizers,
SH_TEST_TIME_FACTOR) get RATE/3 and the first 14 hours (SH_LONG_RUN_HOURS,
SH_LONG_RUN_RATE to choose).

Usage: schedule-long-run.py SOCIALHUB SOCIALHUB_SANDBOX (inside
build-aux/with-session.sh). Skipped (exit 77) without libfaketime.
"""
import datetime
import json
import os
import re
import subprocess
import sys
import threading
import time

from shtest.faketime import SharedClock, library_or_skip, start_world
from shtest.notify_log import name_owned
from shtest.sandbox import control as sandbox_control
from shtest.session import (FAKE_NOTIFICATIONS, TIME_FACTOR, WAIT_S, Checks,
                            start_fake_notifications, stop, wait_until)

SOCIALHUB, SANDBOX = sys.argv[1], sys.argv[2]
FAKE_GTK = os.path.join(os.path.dirname(FAKE_NOTIFICATIONS), "fake_gtk_notifications.py")
ALICE, BOB, CAROL, DAN = "10001", "10002", "10003", "10004"
X_ACME = "44196397"
CORNER, BAKERY = "104857600789", "104857600456"
HOUR, DAY = 3600, 86400
SLOW = min(max(TIME_FACTOR, 1), 3)
HOURS = float(os.environ.get("SH_LONG_RUN_HOURS", "48" if SLOW == 1 else "14"))
RATE = int(os.environ.get("SH_LONG_RUN_RATE", str(int(360 / SLOW))))
DAWN = datetime.datetime(2027, 1, 10, 0, 0, tzinfo=datetime.timezone.utc)
TOLERANCE = 60            # simulated seconds between a moment and its check
# …and between a moment and the notification seen for it: the app's clock
# starts a moment after the emulator's (SharedClock), and the test sees the
# call a moment after it; an hour would be the next check's.
STAMP_TOLERANCE = 5 * 60
check = Checks()

faketime = library_or_skip()
clock = SharedClock(DAWN, RATE)
START = DAWN              # where the clock is when the first service starts
tmp, sandbox, base_url, env = start_world("socialhub-long-run-", SANDBOX, clock=clock,
                                          TZ="UTC", GNOTIFICATION_BACKEND="gtk")
data_file = os.path.join(tmp, "data", "socialhub", "channels.json")
notify_log = os.path.join(tmp, "gtk-notifications.json")
server = start_fake_notifications(notify_log, FAKE_GTK)


def at(hours):
    return START + datetime.timedelta(hours=hours)


def control(action, **form):
    return sandbox_control(base_url, action, **form)


def normal_speed_env():
    """A short-lived process at the clock's moment, on the normal speed."""
    return clock.app_env(env, faketime, rate=1)


def add_token(network, token, what):
    r = subprocess.run([SOCIALHUB, "--add-token", network], env=normal_speed_env(),
                       input=token + "\n", capture_output=True, text=True,
                       timeout=120 * TIME_FACTOR)
    check(r.returncode == 0, f"{what} (rc {r.returncode}, {r.stderr.strip()!r})")


def page_token(person, page):
    return control("issue-token", kind="fb-page", person=person, target=page)["token"]


def sign_in(person, channel, hours=None):
    """@person signs in for @channel (the device flow, on the shared clock),
    while the emulator's clock is set back so that the data access the
    sign-in grants (90 days) ends in @hours (None: 90 days)."""
    back = 90 * DAY - int(hours * HOUR) if hours else 0
    control("approve-delay", seconds="0")
    control("next-device", person=person)
    control("advance", seconds=str(-back))
    try:
        r = subprocess.run([SOCIALHUB, "--login", "facebook", "--channel", channel],
                           env=clock.app_env(env, faketime), capture_output=True, text=True,
                           timeout=120 * TIME_FACTOR)
    finally:
        control("advance", seconds=str(back))
    check(r.returncode == 0, f"{person} signs in for {channel}, data access for "
                             f"{hours or 90 * 24:.0f} h "
                             f"(rc {r.returncode}, {r.stderr.strip()!r})")


def x_token():
    return control("issue-token", kind="x", person=CAROL, target=X_ACME)["token"]


def tokens():
    """Every stored token: {id: (its channel's external id, expires_at,
    expires_by, channel ids)}."""
    with open(data_file) as f:
        data = json.load(f)
    found = {}
    for channel in data["channels"]:
        for t in channel["tokens"]:
            _, _, _, channels = found.setdefault(
                t["id"], (channel["external_id"], t.get("expires_at", 0), t.get("expires_by", 0), []))
            channels.append(channel["id"])
    return found


def deadline(token_id, field, less=0):
    """A stored token's @field (a Unix time) less @less seconds, as a datetime."""
    with open(data_file) as f:
        data = json.load(f)
    value = next(t[field] for c in data["channels"] for t in c["tokens"] if t["id"] == token_id)
    return datetime.datetime.fromtimestamp(value - less, datetime.timezone.utc)


def ids_of(page):
    """The ids of the tokens that link the channel of @page (a Page or an X
    account id)."""
    with open(data_file) as f:
        data = json.load(f)
    return sorted(t["id"] for c in data["channels"] if c["external_id"] == page
                  for t in c["tokens"])


def moments_of(page, until=None):
    """(moment, reason) the monitor owes the tokens of @page's channel,
    until @until (a renewal) when given."""
    found = []
    for _, (who, expires_at, expires_by, _) in tokens().items():
        if who != page or expires_at <= 0:
            continue
        end = expires_by or expires_at
        found.append((datetime.datetime.fromtimestamp(end, datetime.timezone.utc), "expiry"))
        if not expires_by:
            found.append((datetime.datetime.fromtimestamp(expires_at - DAY,
                                                         datetime.timezone.utc), "warning"))
    return [(m, r) for m, r in found if until is None or m < until]


def notifications():
    """Every call the server got so far: (method, id, title, simulated time
    it was first seen at, to within a few simulated seconds)."""
    with open(notify_log) as f:
        got = json.load(f)
    with seen_lock:
        while len(seen_at) < len(got):
            seen_at.append(clock.when())
    return [(c["method"], c["id"], c.get("title"), when) for c, when in zip(got, seen_at)]


seen_at, seen_lock = [], threading.Lock()


def watch_notifications():
    """Stamps each call as it comes (notifications() does, polled here)."""
    while True:
        try:
            notifications()
        except (OSError, ValueError):
            pass
        time.sleep(0.02)


class Run:
    """One service process on the shared clock."""

    def __init__(self, name):
        self.log_path = os.path.join(tmp, name + ".log")
        service_env = clock.app_env(dict(env, G_MESSAGES_DEBUG="all"), faketime)
        self.start = clock.when()
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen([SOCIALHUB, "--gapplication-service"], env=service_env,
                                         stdout=log, stderr=subprocess.STDOUT)

    def lines(self):
        with open(self.log_path, errors="replace") as f:
            return f.read().splitlines()

    def events(self):
        """(simulated time, kind, detail) of each check started ("checking",
        its reason), next wake-up ("next", (moment, reason)), failure and
        cancelled check the service logged."""
        found, day, previous = [], self.start.date(), None
        for line in self.lines():
            m = re.search(r"DEBUG: (\d\d):(\d\d):(\d\d)\.\d+: (.*)$", line)
            if not m:
                continue
            clock_time = datetime.time(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if previous is not None and clock_time < previous:
                day += datetime.timedelta(days=1)
            previous = clock_time
            when = datetime.datetime.combine(day, clock_time, tzinfo=datetime.timezone.utc)
            text = m.group(4)
            c = re.match(r"Checking \(reason: (\w+)\)", text)
            n = re.match(r"Next check at (\S+) \(reason: (\w+)\)", text)
            if c:
                found.append((when, "checking", c.group(1)))
            elif n:
                moment = datetime.datetime.fromisoformat(n.group(1).replace("Z", "+00:00"))
                found.append((when, "next", (moment, n.group(2))))
            elif text.startswith("Check failed"):
                found.append((when, "failed", text))
            elif text.startswith("Check took longer than"):
                found.append((when, "time-limit", text))
        return found

    def checks(self):
        return [(when, reason) for when, kind, reason in self.events() if kind == "checking"]

    def checked_since(self, moment):
        """Whether a check started at or after @moment (simulated)."""
        return any(when >= moment.replace(microsecond=0) for when, _ in self.checks())

    def stop(self):
        stop(self.proc)


def run_until(run, moment):
    """Lets the clock reach @moment with @run still running; False if it ended."""
    while clock.when() < moment and run.proc.poll() is None:
        time.sleep(min(0.2, max(0.01, clock.real_seconds((moment - clock.when()).total_seconds()))))
    return run.proc.poll() is None


expected = []             # the notification calls so far, in order: (method, id)


def wait_simulated(func, hours):
    """wait_until on the shared clock: until func() is true or the clock
    has run @hours on (or WAIT_S real seconds passed)."""
    limit = clock.when() + datetime.timedelta(hours=hours)
    return wait_until(lambda: func() or clock.when() > limit, WAIT_S) and func()


def told_since(count):
    """The calls after the first @count, as (method, id)."""
    return [(method, nid) for method, nid, _, _ in notifications()[count:]]


def step(run, hours, what, *calls, due=None):
    """Runs to @hours (and past the check due then), then waits until the
    notification server holds @calls on top of the earlier ones, and
    checks that it holds nothing else. @due: the simulated moment the
    calls belong to; they must come within TOLERANCE of it."""
    if at(hours) > at(HOURS):
        return False
    if not check(run_until(run, at(hours)), f"{hours:g} h: the service still runs"):
        raise SystemExit(1)
    before = len(expected)
    expected.extend(calls)
    wait_simulated(lambda: len(notifications()) >= len(expected), 0.5)
    # A call that should not come would come with the check that is due now:
    # it has ended once a later check has started.
    wait_simulated(lambda: run.checked_since(at(hours) + datetime.timedelta(minutes=2)), 1.5)
    seen = [(method, nid) for method, nid, _, _ in notifications()]
    check(seen == expected, f"{hours:g} h, {what}: the notifications are "
                            f"{expected[before:] if calls else 'as before'}"
                            + ("" if seen == expected else f" (all so far: {seen})"))
    if due is not None:
        stamps = [when for _, _, _, when in notifications()[before:len(expected)]]
        check(stamps and all(abs((w - due).total_seconds()) <= STAMP_TOLERANCE for w in stamps),
              f"{hours:g} h: they came at {[f'{w:%d %H:%M:%S}' for w in stamps]}, "
              f"within {STAMP_TOLERANCE} s of {due:%d %H:%M:%S}")
    return True


def renewal_withdraws(nid, what, renewed):
    """After a renewal that began at @renewed: @nid withdrawn at once (not
    by the next check)."""
    expected.append(withdraw(nid))
    came = wait_simulated(lambda: len(notifications()) >= len(expected), 0.5)
    calls = notifications()
    check(came and [(m, i) for m, i, _, _ in calls] == expected and
          (calls[-1][3] - renewed).total_seconds() <= STAMP_TOLERANCE,
          f"the renewal withdraws {what} at once ({told_since(len(expected) - 1)}, "
          f"{(calls[-1][3] - renewed).total_seconds():.0f} s after it)")


def withdraw(nid):
    return ("RemoveNotification", nid)


def add(nid):
    return ("AddNotification", nid)


runs, owed = [], []
threading.Thread(target=watch_notifications, daemon=True).start()
try:
    for key, value in (("check-interval", str(HOUR)), ("warning-window-days", "1"),
                       ("expiry-reminder-days", "[1]")):
        subprocess.run(["gsettings", "set", "io.socialhub.SocialHub", key, value],
                       env=env, check=True, capture_output=True)

    # --- before the start: no service runs ------------------------------------------
    sign_in(ALICE, "Corner Bookshop", 30 + 1 / 12)
    sign_in(BOB, "Bakery & Sons", 40 + 1 / 12)
    add_token("x", x_token(), "Carol's X token is pasted")
    alice, bob, carol = ids_of(CORNER), ids_of(BAKERY), ids_of(X_ACME)
    check(len(alice) == 1 and len(bob) == 1 and len(carol) == 1,
          f"one token each for Alice, Bob and Carol ({alice}, {bob}, {carol})")
    x_channel = tokens()[carol[0]][3][0]
    alice_ends = deadline(alice[0], "data_access_expires_at")
    owed += moments_of(CORNER) + moments_of(X_ACME)
    first = Run("first")
    START = first.start
    print(f"note  the service starts at {START:%H:%M:%S}, {RATE}×, {HOURS:g} simulated hours")
    runs.append(first)
    if not check(wait_until(lambda: name_owned("io.socialhub.SocialHub") and first.checks(),
                            WAIT_S), "the service starts on the fast clock and checks"):
        raise SystemExit(1)

    step(first, 0.1, "the start check")
    step(first, 3, "Carol's X token has ended", add(f"channel-{x_channel}"),
         due=deadline(carol[0], "expires_by"))
    step(first, 7, "Alice's data access ends within a day", add(f"data-access-{alice[0]}"),
         due=deadline(alice[0], "data_access_expires_at", DAY))

    if at(10) <= at(HOURS) and run_until(first, at(10)):
        renewed = clock.when()
        add_token("x", x_token(), "10 h: Carol's X token is renewed while the service runs")
        carol_new = ids_of(X_ACME)
        check(carol_new and carol_new != carol, "the renewal replaced Carol's X token")
        owed += moments_of(X_ACME)
        renewal_withdraws(f"channel-{x_channel}", "\"@acmecoffee is disconnected\"", renewed)
    if at(10) <= at(HOURS):
        step(first, 13, "the renewed X token has ended too", add(f"channel-{x_channel}"),
             due=deadline(carol_new[0], "expires_by"))
    step(first, 17, "Bob's data access ends within a day", add(f"data-access-{bob[0]}"),
         due=deadline(bob[0], "data_access_expires_at", DAY))

    if at(20) <= at(HOURS) and run_until(first, at(20)):
        renewed_at = clock.when()
        owed += moments_of(BAKERY, until=renewed_at)
        sign_in(BOB, "Bakery & Sons")
        check(len(ids_of(BAKERY)) == 1 and ids_of(BAKERY) != bob,
              f"20 h: Bob signed in again while the service runs: a new token in place of "
              f"his old one ({ids_of(BAKERY)})")
        renewal_withdraws(f"data-access-{bob[0]}", "Bob's \"data access ends tomorrow\"",
                          renewed_at)
    step(first, 22, "nothing new")

    # --- the restart ---------------------------------------------------------------
    second = None
    if at(24) <= at(HOURS) and run_until(first, at(24)):
        first.stop()
        second = Run("second")
        runs.append(second)
        check(wait_until(lambda: name_owned("io.socialhub.SocialHub") and second.checks(), WAIT_S),
              "24 h: the restarted service checks at start")
        step(second, 24.5, "after the restart, nothing is told again")

    if second is not None and at(28) <= at(HOURS) and run_until(second, at(28)):
        add_token("facebook", page_token(DAN, CORNER), "28 h: Dan's token is added while the service runs")
        dan = [i for i in ids_of(CORNER) if i not in alice]
        check(len(dan) == 1, f"Dan's token is stored ({dan})")
        owed += moments_of(CORNER)
        step(second, 31, "Alice's data access has ended", withdraw(f"data-access-{alice[0]}"),
             due=alice_ends)
        check(deadline(dan[0], "checked_at") > deadline(dan[0], "granted_at"),
              f"Dan's token, added while the service ran, has been checked since "
              f"(at {deadline(dan[0], 'checked_at'):%d %H:%M:%S})")
    last = second or first
    check(run_until(last, at(HOURS)), f"{HOURS:g} h: the service ran to the end")
    step(last, HOURS, "the end: nothing more")

    # --- what the logs say ------------------------------------------------------------
    for run in runs:
        events = run.events()
        checks = run.checks()
        name = os.path.basename(run.log_path)
        check(checks and checks[0][1] == "start", f"{name}: the first check is the start check")
        gaps = [(b[0] - a[0]).total_seconds() for a, b in zip(checks, checks[1:])]
        check(gaps and max(gaps) <= HOUR + TOLERANCE,
              f"{name}: a check at least every interval (longest gap {max(gaps or [0]):.0f} s, "
              f"{len(checks)} checks)")
        begun, ended = checks[0][0] if checks else run.start, checks[-1][0] if checks else run.start
        for moment, reason in sorted(set(owed)):
            if not begun < moment <= ended:
                continue
            hit = [when for when, why in checks
                   if why == reason and 0 <= (when - moment).total_seconds() <= TOLERANCE]
            check(len(hit) == 1, f"{name}: one {reason} check at {moment:%d %H:%M:%S} "
                                 f"({[w.strftime('%H:%M:%S') for w in hit]})")
        for when, kind, detail in events:
            if kind == "failed":
                print(f"note  {name}: {when:%d %H:%M:%S} {detail}")
        check(not any(kind == "time-limit" for _, kind, _ in events),
              f"{name}: no check cancelled for taking too long (the clock runs {RATE}×)")
finally:
    for run in runs:
        run.stop()
    stop(sandbox)
    server.terminate()
    server.wait(timeout=10)
    if check.failures:
        for run in runs:
            print(f"--- {os.path.basename(run.log_path)}: its end ---")
            for line in run.lines()[-15:]:
                print(f"    {line}")
            print(f"--- {os.path.basename(run.log_path)}: checks and wake-ups ---")
            for when, kind, detail in run.events():
                print(f"    {when:%d %H:%M:%S} {kind} {detail}")
        print("--- notifications ---")
        for call in notifications():
            print(f"    {call}")

print(f"{check.passed} passed, {len(check.failures)} failed")
sys.exit(1 if check.failures else 0)
