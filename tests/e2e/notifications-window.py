#!/usr/bin/python3
"""Notifications that stay true, through a long-running window: the real
`socialhub` window against the standalone emulator, with
shtest/fake_notifications.py owning org.freedesktop.Notifications
(GNOTIFICATION_BACKEND=freedesktop), the emulator's control API breaking
and the people renewing tokens, the window seen over AT-SPI.

- Acme Coffee (Alice's token) and Bakery & Sons (Bob's) both die: one
  grouped, urgent notification with a default action and no button (it is
  about two channels).
- Alice signs in again: the same notification (replaces_id) now says
  "Bakery & Sons is disconnected", with Reconnect and a default action.
- Bob signs in again: it is withdrawn.
- Again, pressing them (GLib forgets a notification once it is pressed, as
  the server closes it): the group's default action opens the list, the
  single one's opens Bakery & Sons' page.
- A restart sends nothing.
- A token's data access ends in 7 days + 40 s and another token expires in
  1 day + 80 s (the data file edited while the window is closed): one
  reminder at start (the expiry's 7-day stage), one when the data access
  reaches its 7-day stage, one when the expiry reaches its 1-day stage
  (replacing the first); another restart sends nothing.
- A token row says "Data access ends in 90 days" after a sign-in.

Usage: notifications-window.py SOCIALHUB SOCIALHUB_SANDBOX FAKE_NOTIFICATIONS
(inside build-aux/with-session.sh, with the accessibility bus)
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

import pyatspi

from shtest.atspi import find_all, find_app, safe_name
from shtest.notify_log import action_key, calls, invoke, name_owned, settle, start_world, stop_world
from shtest.sandbox import control as sandbox_control, requests_seen
from shtest.session import TIME_FACTOR, Checks, file_version, stop, wait_until


def days_until(moment, now):
    """sh_time_format_until() for a moment a day or more away: "tomorrow" or
    "in N days" by the local calendar (the same words everywhere, issue 20)."""
    days = (datetime.date.fromtimestamp(moment) - datetime.date.fromtimestamp(now)).days
    return "tomorrow" if days == 1 else f"in {days} days"

SOCIALHUB, SANDBOX, FAKE = sys.argv[1], sys.argv[2], sys.argv[3]
ALICE, BOB = "10001", "10002"
DAY = 86400
check = Checks()

tmp = tempfile.mkdtemp(prefix="socialhub-notify-window-")
data_home = os.path.join(tmp, "data")
data_file = os.path.join(data_home, "socialhub", "channels.json")
sandbox, base_url, env, server, log_path = start_world(tmp, SANDBOX, FAKE)
gui_log = open(os.path.join(tmp, "socialhub.log"), "w")


def control(action, **form):
    return sandbox_control(base_url, action, **form)


def run(*args, timeout=90):
    return subprocess.run([SOCIALHUB, *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def sign_in(person, channel):
    control("next-device", person=person)
    r = run("--login", "facebook", "--channel", channel)
    check(r.returncode == 0, f"{person} signs in for {channel} (rc {r.returncode}, "
                             f"{r.stderr.strip()!r})")


def start_window():
    """The window, once its start check has reached the emulator and its
    verdicts are saved (the notifier has judged them by then)."""
    gui_env = dict(env)
    gui_env.pop("GTK_A11Y", None)
    before, saved = requests_seen(base_url), file_version(data_file)
    gui = subprocess.Popen([SOCIALHUB], env=gui_env, stdout=gui_log, stderr=subprocess.STDOUT)
    check(wait_until(lambda: name_owned("io.socialhub.SocialHub")), "the window's instance runs")
    check(wait_until(lambda: requests_seen(base_url) > before and file_version(data_file) != saved),
          "the window checks at start and saves the verdicts")
    return gui


def named(pid, name):
    app = find_app(pid)
    return find_all(app, lambda n: safe_name(n) == name) if app is not None else []


def back_visible(pid):
    return any(n.getState().contains(pyatspi.STATE_VISIBLE)
               for n in named(pid, "Back to All Channels"))


def on_page(pid, channel):
    """The window shows @channel's page (its add button is named after it)."""
    return back_visible(pid) and named(pid, f"Add Access Token to {channel}")


def press(pid, name):
    nodes = named(pid, name)
    if nodes:
        action = nodes[0].queryAction()
        action.doAction([action.getName(i) for i in range(action.nActions)].index("click"))
    return bool(nodes)


def description_has(pid, text):
    app = find_app(pid)
    return app is not None and any(text in (n.description or "") for n in find_all(
        app, lambda n: safe_name(n).startswith("Token of ")))


def recorded_server_ids():
    """The server ids the window's record (notifications.json beside the
    data file) says are on the screen."""
    try:
        with open(os.path.join(data_home, "socialhub", "notifications.json")) as f:
            return {n.get("server_id") for n in json.load(f).get("notifications", [])}
    except (OSError, ValueError):
        return set()


def set_deadlines(changes):
    """Edits the data file (the window is closed): {owner: {field: value}}."""
    with open(data_file) as f:
        data = json.load(f)
    for channel in data["channels"]:
        for token in channel["tokens"]:
            token.update(changes.get(token["owner"]["name"], {}))
    with open(data_file, "w") as f:
        json.dump(data, f)


gui = None
try:
    # --- two channels, one token each; healthy --------------------------------------
    sign_in(ALICE, "Acme Coffee")
    sign_in(BOB, "Bakery & Sons")
    gui = start_window()
    check(settle(log_path, 0) == [], "healthy tokens send no notification")

    # The sign-in's data access, on the token row.
    check(wait_until(lambda: press(gui.pid, "Acme Coffee, Facebook Page, Connected, "
                                            "1 of 1 token valid")),
          "Acme Coffee's row opens its page")
    check(wait_until(lambda: description_has(gui.pid, "Data access ends in 90 days")),
          "the token row says when its data access ends (90 days after the sign-in)")

    # --- both die: one grouped notification -----------------------------------------------
    control("change-password", person=ALICE)
    control("change-password", person=BOB)
    r = run("--check")
    check(r.returncode == 2, f"both channels are disconnected (rc {r.returncode})")
    log = settle(log_path, 1)
    check(len(log) == 1, f"one notification for two channels (got {len(log)})")
    group = log[0] if log else {}
    check(group.get("summary") == "2 channels are disconnected",
          f"it says how many: {group.get('summary')!r}")
    check(group.get("body") == "Acme Coffee is disconnected\nBakery & Sons is disconnected",
          f"it names both: {group.get('body')!r}")
    check(group.get("urgency") == 2, "urgent")
    check(group and action_key(group, "") == "default", "it has a default action")
    check(group and action_key(group, "Reconnect") is None,
          "no Reconnect: it is about two channels")

    # --- Alice renews: replaced by Bakery & Sons' own notification ------------------------------
    sign_in(ALICE, "Acme Coffee")
    log = settle(log_path, 2)
    single = log[1] if len(log) == 2 else {}
    check(len(log) == 2 and single.get("method") == "Notify", f"one more call (got {len(log)})")
    check(single.get("replaces_id") == group.get("id"),
          "the group is replaced, under the same id")
    check(single.get("summary") == "Bakery & Sons is disconnected",
          f"it now says only what is true: {single.get('summary')!r}")
    check(single and action_key(single, "Reconnect") is not None
          and action_key(single, "") == "default", "with its Reconnect button and a default action")

    # --- Bob renews: withdrawn --------------------------------------------------------------------
    sign_in(BOB, "Bakery & Sons")
    log = settle(log_path, 3)
    check(len(log) == 3 and log[2]["method"] == "CloseNotification"
          and log[2]["id"] == group.get("id"),
          f"the notification is withdrawn (got {log[2:]})")

    # --- again, pressing them this time (a server forgets a pressed one) ---------------------------
    control("change-password", person=ALICE)
    control("change-password", person=BOB)
    run("--check")
    log = settle(log_path, 4)
    group = log[3] if len(log) == 4 else {}
    check(group.get("summary") == "2 channels are disconnected", "both die again: one group")
    check(wait_until(lambda: on_page(gui.pid, "Acme Coffee")), "the window is on Acme Coffee")
    invoke(group.get("id", 0), "default")
    check(wait_until(lambda: not back_visible(gui.pid)), "the group's default action opens the list")
    sign_in(ALICE, "Acme Coffee")
    log = settle(log_path, 5)
    single = log[4] if len(log) == 5 else {}
    check(single.get("summary") == "Bakery & Sons is disconnected", "one recovers: its own words")
    invoke(single.get("id", 0), "default")
    check(wait_until(lambda: on_page(gui.pid, "Bakery & Sons")),
          "its default action opens Bakery & Sons' page")
    sign_in(BOB, "Bakery & Sons")
    check(len(settle(log_path, 5)) == 5, "renewing the other sends nothing new")
    # What a restart reads: the window's record forgets the pressed one (a
    # moment after the renewal: the notifier gathers changes for 500 ms).
    check(wait_until(lambda: single.get("id") not in recorded_server_ids()),
          "the window's record forgets what it no longer says")

    # --- restart: nothing new -----------------------------------------------------------------------
    stop(gui)
    gui = start_window()
    log = settle(log_path, 5)
    check(len(log) == 5, f"a restart sends nothing already said (got {log[5:]})")

    # --- reminder stages --------------------------------------------------------------------------
    stop(gui)
    now = int(time.time())
    set_deadlines({"Alice Example": {"data_access_expires_at": now + 7 * DAY + 40},
                   "Bob Sample": {"expires_at": now + DAY + 80}})
    gui = start_window()
    log = settle(log_path, 6)
    first = log[5] if len(log) >= 6 else {}
    check(len(log) == 6, f"one reminder at start (got {len(log) - 5})")
    check(first.get("summary") == "Bob Sample’s token for Bakery & Sons expires "
          + days_until(now + DAY + 80, now),
          f"the expiry's 7-day stage: {first.get('summary')!r}")
    check(first and action_key(first, "Add Access Token") is not None
          and action_key(first, "") == "default", "with its fix button and a default action")

    log = settle(log_path, 7, timeout=120 * TIME_FACTOR)
    second = log[6] if len(log) >= 7 else {}
    check(len(log) == 7, f"one reminder when the data access reaches 7 days (got {len(log) - 6})")
    check(second.get("summary") ==
          "Data access through Alice Example’s token for Acme Coffee ends in 7 days",
          f"the data access's 7-day stage: {second.get('summary')!r}")

    log = settle(log_path, 8, timeout=120 * TIME_FACTOR)
    third = log[7] if len(log) >= 8 else {}
    check(len(log) == 8, f"one reminder when the expiry reaches 1 day (got {len(log) - 7})")
    check(third.get("summary") == "Bob Sample’s token for Bakery & Sons expires "
          + days_until(now + DAY + 80, now + 80),
          f"the expiry's 1-day stage: {third.get('summary')!r}")
    check(third.get("replaces_id") == first.get("id"), "it replaces the 7-day reminder")

    stop(gui)
    gui = start_window()
    check(len(settle(log_path, 8)) == 8, "a restart sends no reminder again")
finally:
    stop_world(server, sandbox, gui)
    gui_log.close()

print(f"{check.passed} passed, {len(check.failures)} failed")
if check.failures:
    with open(os.path.join(tmp, "socialhub.log")) as f:
        print("--- socialhub.log\n" + f.read())
    print("--- notifications\n" + json.dumps(calls(log_path), indent=1, ensure_ascii=False))
sys.exit(1 if check.failures else 0)
