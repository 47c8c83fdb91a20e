#!/usr/bin/python3
"""The first close of the window (issue 15, part 6): the real `socialhub`
against the standalone emulator, with shtest/fake_notifications.py owning
org.freedesktop.Notifications (GNOTIFICATION_BACKEND=freedesktop) and the
keyfile GSettings backend, so that `gsettings` here reads what the app wrote.

With run-in-background on (the default), once the window runs in the
background (its autostart entry is written then):
  - Ctrl+W closes the window; SocialHub keeps running, and exactly one
    Notify says "SocialHub keeps checking in the background", with the
    button "Stop Checking in the Background";
  - the window opened again and closed again sends nothing more (once ever:
    background-notice-sent is true);
  - the first notification's button, pressed through the server's
    ActionInvoked, sets run-in-background to false, and SocialHub, with no
    window left, quits.

Usage: background-notice.py SOCIALHUB SOCIALHUB_SANDBOX FAKE_NOTIFICATIONS
(inside build-aux/with-session.sh)
"""
import json
import os
import subprocess
import sys
import tempfile

from shtest.atspi import (CONTROL_MASK, Failure, Keyboard, focus_like_wm, wait_for_app,
                          wait_for_window, wait_for_window_gone)
from shtest.sandbox import app_env, start_sandbox
from shtest.session import TIME_FACTOR, Checks, start_fake_notifications, stop, wait_until

SOCIALHUB, SANDBOX, FAKE = sys.argv[1], sys.argv[2], sys.argv[3]
SUMMARY = "SocialHub keeps checking in the background"
BUTTON = "Stop Checking in the Background"
check = Checks()

tmp = tempfile.mkdtemp(prefix="socialhub-background-")
log_path = os.path.join(tmp, "notifications.json")
sandbox, variables = start_sandbox(SANDBOX, os.path.join(tmp, "world.json"),
                                   timeout=20 * TIME_FACTOR)
env = app_env(variables, XDG_DATA_HOME=os.path.join(tmp, "data"),
              GNOTIFICATION_BACKEND="freedesktop", GSETTINGS_BACKEND="keyfile",
              GSK_RENDERER="cairo")
env.pop("GTK_A11Y", None)
subprocess.run(["gsettings", "set", "org.gnome.desktop.interface",
                "toolkit-accessibility", "true"], capture_output=True)
server = start_fake_notifications(log_path, FAKE)


def setting(key):
    r = subprocess.run(["gsettings", "get", "io.socialhub.SocialHub", key], env=env,
                       capture_output=True, text=True)
    return r.stdout.strip()


def notices():
    with open(log_path) as f:
        return [c for c in json.load(f) if c["method"] == "Notify" and c["summary"] == SUMMARY]


def action_key(notify, label):
    actions = notify["actions"]
    return next((actions[i] for i in range(0, len(actions) - 1, 2) if actions[i + 1] == label),
                None)


def close_window(app, pid):
    """Ctrl+W in the main window, as a person closes it; waits until it is gone."""
    focus_like_wm(app, pid, "SocialHub")
    Keyboard(app).press("SocialHub", "w", CONTROL_MASK)
    wait_for_window_gone(app, pid, "SocialHub")


autostart = os.path.join(os.environ.get("XDG_CONFIG_HOME", os.path.expanduser("~/.config")),
                         "autostart", "io.socialhub.SocialHub.desktop")
gui_log = open(os.path.join(tmp, "socialhub.log"), "w")
gui = subprocess.Popen([SOCIALHUB], env=env, stdout=gui_log, stderr=subprocess.STDOUT)
try:
    check(setting("background-notice-sent") == "false", "nothing was told before")
    app = wait_for_app(gui)
    wait_for_window(app, "SocialHub")
    # The application holds itself once its monitor runs, and writes its
    # autostart entry then: from now on closing the window leaves it running.
    check(wait_until(lambda: os.path.exists(autostart)), "SocialHub runs in the background")
    check(notices() == [], "no notice while the window is open")

    close_window(app, gui.pid)
    first = wait_until(notices)
    check(len(first) == 1, f"closing the window sends one notice (got {len(first)})")
    check(gui.poll() is None, "SocialHub keeps running without its window")
    key = action_key(first[0], BUTTON) if first else None
    check(key is not None, f"the notice has the button {BUTTON!r}")
    check(first and "still checked" in first[0]["body"], "its body says checks go on")
    check(wait_until(lambda: setting("background-notice-sent") == "true"),
          "background-notice-sent remembers it")

    # Opened again (a second `socialhub` asks the running one) and closed again.
    subprocess.run([SOCIALHUB], env=env, capture_output=True, timeout=60 * TIME_FACTOR)
    wait_for_window(app, "SocialHub")
    close_window(app, gui.pid)
    check(gui.poll() is None, "SocialHub keeps running after the second close")

    if key is not None:
        subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.Notifications",
                        "--object-path", "/org/freedesktop/Notifications", "--method",
                        "io.socialhub.FakeNotifications.Invoke", str(first[0]["id"]), key],
                       capture_output=True, text=True, check=True)
        check(wait_until(lambda: gui.poll() is not None),
              "its button stops SocialHub running in the background: with no window, it quits")
        check(setting("run-in-background") == "false", "run-in-background is now false")
    check(len(notices()) == 1, f"one notice ever, not one per close (got {len(notices())})")
except Failure as error:
    check(False, str(error))
finally:
    stop(gui)
    gui_log.close()
    server.terminate()
    server.wait(timeout=10)
    stop(sandbox)

print(f"{check.passed} passed, {len(check.failures)} failed")
if check.failures:
    with open(os.path.join(tmp, "socialhub.log")) as f:
        print("--- socialhub.log\n" + f.read())
sys.exit(1 if check.failures else 0)
