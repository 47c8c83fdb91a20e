#!/usr/bin/python3
"""Notifications outlive no process (issue 20, 2) and one notification for
one person's tokens dying together (issue 17): the real `socialhub`
against the standalone emulator, with shtest/fake_notifications.py owning
org.freedesktop.Notifications and shtest/fake_gtk_notifications.py owning
org.gtk.Notifications on the private session bus.

- Freedesktop, one process each: a --check says "expires tomorrow", a later
  --check says "Bakery & Sons is disconnected"; both tokens are renewed by
  --login processes; by the end of a later --check both notifications are
  closed (CloseNotification with the server's ids, which only the sending
  process knew), and nothing new is sent.
- Freedesktop, a running window: its start check says "expires tomorrow";
  renewing that token (a --login handed to the window) closes it at once,
  with no check in between.
- org.gtk.Notifications (GNOTIFICATION_BACKEND=gtk): a --check's
  "expiry-TOKEN" is removed by a later process after the token is renewed
  (the renewed token has a new id).
- Alice's two tokens die together (password changed): one notification,
  "Alice Example’s 2 access tokens stopped working (password changed)",
  "1 channel disconnected, 1 still linked.", default action
  app.show-person with the target "facebook:10001", and no notification
  per token or channel; one renewal replaces it with what is left (in that
  token's own words), the other withdraws it.
- A restarted freedesktop server (it counts from 1 again) is never asked to
  close an id the earlier server gave.

Usage: notifications-restart.py SOCIALHUB SOCIALHUB_SANDBOX FAKE_NOTIFICATIONS
       FAKE_GTK_NOTIFICATIONS (inside build-aux/with-session.sh)
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

from shtest.notify_log import calls, name_owned, settle, start_world, stop_world
from shtest.sandbox import control as sandbox_control, requests_seen
from shtest.session import Checks, file_version, start_fake_notifications, stop, wait_until

SOCIALHUB, SANDBOX, FAKE, FAKE_GTK = sys.argv[1:5]
ALICE, BOB = "10001", "10002"
DAY = 86400
check = Checks()

tmp = tempfile.mkdtemp(prefix="socialhub-notify-restart-")
data_file = os.path.join(tmp, "data", "socialhub", "channels.json")
sandbox, base_url, env, server, log_path = start_world(tmp, SANDBOX, FAKE)
gtk_log = os.path.join(tmp, "gtk-notifications.json")
gtk_server = start_fake_notifications(gtk_log, FAKE_GTK)
gtk_env = dict(env, GNOTIFICATION_BACKEND="gtk")
app_log = open(os.path.join(tmp, "socialhub.log"), "w")


def control(action, **form):
    return sandbox_control(base_url, action, **form)


def run(*args, environment=None):
    return subprocess.run([SOCIALHUB, *args], env=environment or env, capture_output=True,
                          text=True, timeout=90)


def sign_in(person, channel, environment=None):
    control("next-device", person=person)
    r = run("--login", "facebook", "--channel", channel, environment=environment)
    check(r.returncode == 0, f"{person} signs in for {channel} (rc {r.returncode}, "
                             f"{r.stderr.strip()!r})")


def token_ids(owner):
    with open(data_file) as f:
        data = json.load(f)
    return [t["id"] for c in data["channels"] for t in c["tokens"] if t["owner"]["id"] == owner]


def expire_tomorrow(owner):
    """Edits the data file (no process runs): @owner's tokens end in a day.
    Returns how the reminder says it, by the local calendar as the app does:
    "expires tomorrow", or "expires today" in the first ten minutes after
    midnight."""
    expires_at = int(time.time()) + DAY - 600
    with open(data_file) as f:
        data = json.load(f)
    for channel in data["channels"]:
        for token in channel["tokens"]:
            if token["owner"]["id"] == owner:
                token["expires_at"] = expires_at
    with open(data_file, "w") as f:
        json.dump(data, f)
    same_day = datetime.date.fromtimestamp(expires_at) == datetime.date.today()
    return "expires today" if same_day else "expires tomorrow"


def of(log, method):
    return [c for c in log if c["method"] == method]


gui = None
try:
    # --- freedesktop, one process each --------------------------------------------------
    sign_in(ALICE, "Acme Coffee")
    sign_in(BOB, "Bakery & Sons")
    says = expire_tomorrow(ALICE)
    r = run("--check")
    log = settle(log_path, 1)
    expiring = log[0] if log else {}
    check(expiring.get("summary") == f"Alice Example’s token for Acme Coffee {says}",
          f"a --check says the token {says}: {expiring.get('summary')!r}")
    control("change-password", person=BOB)
    r = run("--check")
    log = settle(log_path, 2)
    disconnected = log[1] if len(log) == 2 else {}
    check(disconnected.get("summary") == "Bakery & Sons is disconnected",
          f"a later --check says Bakery & Sons is disconnected: {disconnected.get('summary')!r}")
    check(of(log, "CloseNotification") == [], "both are still true: nothing is closed")

    sign_in(ALICE, "Acme Coffee")
    sign_in(BOB, "Bakery & Sons")
    r = run("--check")
    check(r.returncode == 0, f"every channel is connected again (rc {r.returncode})")
    log = settle(log_path, 4)
    closed = sorted(c["id"] for c in of(log, "CloseNotification"))
    check(closed == sorted([expiring.get("id"), disconnected.get("id")]),
          f"a later process closes both by the server's ids (closed {closed})")
    check(len(of(log, "Notify")) == 2, "renewals send nothing new")
    r = run("--check")
    check(len(settle(log_path, 4)) == 4, "another check closes nothing twice")

    # --- freedesktop, a running window: a renewal withdraws at once -----------------------
    says = expire_tomorrow(ALICE)
    n_before = len(calls(log_path))
    gui_env = dict(env)
    requests_before, saved_before = requests_seen(base_url), file_version(data_file)
    gui = subprocess.Popen([SOCIALHUB], env=gui_env, stdout=app_log, stderr=subprocess.STDOUT)
    check(wait_until(lambda: name_owned("io.socialhub.SocialHub")), "the window runs")
    check(wait_until(lambda: requests_seen(base_url) > requests_before
                     and file_version(data_file) != saved_before),
          "the window checks at start and saves the verdicts")
    log = settle(log_path, n_before + 1)
    reminder = log[-1] if len(log) == n_before + 1 else {}
    check(reminder.get("summary") == f"Alice Example’s token for Acme Coffee {says}",
          f"the window's start check says it {says}: {reminder.get('summary')!r}")
    sign_in(ALICE, "Acme Coffee")

    def reminder_closed():
        return any(c["method"] == "CloseNotification" and c["id"] == reminder.get("id")
                   for c in calls(log_path))

    check(wait_until(reminder_closed, timeout=10),
          "renewing the token in the running window closes its reminder at once")
    stop(gui)
    gui = None

    # --- org.gtk.Notifications ----------------------------------------------------------------
    says = expire_tomorrow(ALICE)
    old = token_ids(ALICE)
    r = run("--check", environment=gtk_env)
    log = settle(gtk_log, 1)
    added = log[0] if log else {}
    check(added.get("id") == f"expiry-{old[0]}" and says in (added.get("title") or ""),
          f"org.gtk.Notifications gets the reminder as expiry-TOKEN: {added.get('id')!r}")
    sign_in(ALICE, "Acme Coffee", environment=gtk_env)
    check(token_ids(ALICE) != old, "the renewed token has a new id")
    r = run("--check", environment=gtk_env)
    log = settle(gtk_log, 2)
    removed = [c["id"] for c in of(log, "RemoveNotification")]
    check(removed == [f"expiry-{old[0]}"],
          f"a later process removes the old token's reminder (removed {removed})")
    check(len(of(log, "AddNotification")) == 1, "and adds nothing")

    # --- one person's tokens die together --------------------------------------------------
    sign_in(ALICE, "Corner Bookshop", environment=gtk_env)
    sign_in(BOB, "Acme Coffee", environment=gtk_env)
    n_before = len(calls(gtk_log))
    control("change-password", person=ALICE)
    r = run("--check", environment=gtk_env)
    check(r.returncode == 2, f"Corner Bookshop is disconnected (rc {r.returncode})")
    log = settle(gtk_log, n_before + 1)
    new = log[n_before:]
    person = new[0] if len(new) == 1 else {}
    check(len(new) == 1, f"exactly one notification for Alice's two tokens (got {len(new)})")
    check(person.get("id") == f"person-facebook:{ALICE}", f"its id: {person.get('id')!r}")
    check(person.get("title") == "Alice Example’s 2 access tokens stopped working "
                                 "(password changed)",
          f"it names the person and the cause: {person.get('title')!r}")
    check(person.get("body") == "1 channel disconnected, 1 still linked.",
          f"it counts the channels: {person.get('body')!r}")
    check(person.get("default_action") == "app.show-person"
          and person.get("default_action_target") == f"'facebook:{ALICE}'",
          f"its default action opens the People page on Alice: {person.get('default_action')!r}"
          f" {person.get('default_action_target')!r}")
    r = run("--check", environment=gtk_env)
    check(len(settle(gtk_log, n_before + 1)) == n_before + 1, "checking again sends nothing")
    sign_in(ALICE, "Corner Bookshop", environment=gtk_env)
    r = run("--check", environment=gtk_env)
    log = settle(gtk_log, n_before + 2)
    left = log[n_before + 1] if len(log) == n_before + 2 else {}
    check(left.get("method") == "AddNotification" and left.get("id") == f"person-facebook:{ALICE}"
          and left.get("title") == "Alice Example’s token for Acme Coffee stopped working",
          f"Corner Bookshop renewed: replaced by what is left, in its own words "
          f"({left.get('title')!r})")
    sign_in(ALICE, "Acme Coffee", environment=gtk_env)
    r = run("--check", environment=gtk_env)
    log = settle(gtk_log, n_before + 3)
    check(len(log) == n_before + 3 and log[-1]["method"] == "RemoveNotification"
          and log[-1]["id"] == f"person-facebook:{ALICE}",
          "Acme Coffee renewed too: it is withdrawn")

    # --- another freedesktop server counts from 1 again: its ids are not ours ---------------
    n_before = len(calls(log_path))
    control("change-password", person=BOB)
    r = run("--check")
    log = settle(log_path, n_before + 1)
    check(len(of(log, "Notify")) == len(of(log[:n_before], "Notify")) + 1,
          "Bob's tokens die: a notification through the freedesktop server")
    server.terminate()
    server.wait(timeout=10)
    log_path = os.path.join(tmp, "notifications-2.json")
    server = start_fake_notifications(log_path, FAKE)
    # Another app's notifications on the new server, up to the id the old
    # server gave ours: the new server counts from 1 again.
    old_id = of(calls(os.path.join(tmp, "notifications.json")), "Notify")[-1]["id"]
    other_id = 0
    while other_id < old_id:
        other = subprocess.run(["gdbus", "call", "--session", "--dest",
                                "org.freedesktop.Notifications", "--object-path",
                                "/org/freedesktop/Notifications", "--method",
                                "org.freedesktop.Notifications.Notify", "other-app", "0", "icon",
                                "Other", "body", "@as []", "@a{sv} {}", "5000"],
                               capture_output=True, text=True)
        if other.returncode != 0:
            break
        other_id = int(other.stdout.strip().strip("(,)").split()[-1])
    check(other_id == old_id, f"another app's notification has the old id {old_id} ({other_id})")
    sign_in(BOB, "Bakery & Sons")
    sign_in(BOB, "Acme Coffee")
    r = run("--check")
    check(r.returncode == 0, f"every channel is connected again (rc {r.returncode})")
    log = settle(log_path, old_id + 2)
    ours = [c["id"] for c in of(log, "Notify") if c["app_name"] != "other-app"]
    closed = [c["id"] for c in of(log, "CloseNotification")]
    check(old_id not in closed and all(i in ours for i in closed),
          f"the restarted server is asked to close only what it showed for us "
          f"(closed {closed}, ours {ours})")
finally:
    gtk_server.terminate()
    gtk_server.wait(timeout=10)
    stop_world(server, sandbox, gui)

print(f"{check.passed} passed, {len(check.failures)} failed")
if check.failures:
    app_log.close()
    with open(os.path.join(tmp, "socialhub.log")) as f:
        print("--- socialhub.log\n" + f.read())
sys.exit(1 if check.failures else 0)
