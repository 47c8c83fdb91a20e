# shtest/notify_log.py — reading what fake_notifications.py recorded, and
# pressing a notification's button or body the way a server does.
import json
import os
import subprocess
import time

from shtest.session import WAIT_S


def calls(log_path):
    """Every call the server got so far (Notify and CloseNotification)."""
    with open(log_path) as f:
        return json.load(f)


SERVERS = (("org.freedesktop.Notifications", "/org/freedesktop/Notifications"),
           ("org.gtk.Notifications", "/org/gtk/Notifications"))


def sync_servers():
    """A round trip through each fake notification server on the bus
    (Sync): each handles its calls in order, so whatever reached it before
    is in its log once this returns."""
    for name, path in SERVERS:
        if name_owned(name):
            subprocess.run(["gdbus", "call", "--session", "--dest", name, "--object-path", path,
                            "--method", "io.socialhub.FakeNotifications.Sync"],
                           capture_output=True, timeout=WAIT_S)


def settle(log_path, expected, timeout=WAIT_S):
    """Waits until the log holds @expected calls, then until the servers
    have logged whatever is on the bus, so that an extra call would be seen
    (what follows a finished check: a Notify sent at its end is already on
    the bus). A state, not a time: no sleep past the count."""
    deadline = time.monotonic() + timeout
    while len(calls(log_path)) < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    sync_servers()
    return calls(log_path)


def action_key(notify, label):
    """The key of the action labelled @label ("" is the default action,
    which GLib sends as "default"), or None."""
    actions = notify["actions"]
    for i in range(0, len(actions) - 1, 2):
        if actions[i + 1] == label:
            return actions[i]
    return None


def invoke(notify_id, key):
    """What a server does when the person clicks: ActionInvoked(id, key)."""
    subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.Notifications",
                    "--object-path", "/org/freedesktop/Notifications", "--method",
                    "io.socialhub.FakeNotifications.Invoke", str(notify_id), key],
                   capture_output=True, text=True, check=True)


def name_owned(name):
    """Whether @name has an owner on the session bus."""
    q = subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
                        "--object-path", "/org/freedesktop/DBus", "--method",
                        "org.freedesktop.DBus.NameHasOwner", name],
                       capture_output=True, text=True)
    return "true" in q.stdout


def start_world(tmp, sandbox_program, fake_program):
    """What a notification test of the real binary runs against, in @tmp:
    the standalone emulator and the fake notification server. Returns the
    emulator's process, its base URL, the app's environment (data in
    @tmp/data, the freedesktop backend), the server's process and its log."""
    from shtest.sandbox import app_env, start_sandbox
    from shtest.session import TIME_FACTOR, start_fake_notifications

    log_path = os.path.join(tmp, "notifications.json")
    sandbox, variables = start_sandbox(sandbox_program, os.path.join(tmp, "world.json"),
                                       timeout=20 * TIME_FACTOR)
    env = app_env(variables, XDG_DATA_HOME=os.path.join(tmp, "data"),
                  GNOTIFICATION_BACKEND="freedesktop")
    server = start_fake_notifications(log_path, fake_program)
    return sandbox, variables["SOCIALHUB_SANDBOX_URL"], env, server, log_path


def stop_world(server, sandbox, *apps):
    """Stops @apps (None: not running), then what start_world started."""
    from shtest.session import stop

    for app in apps:
        if app is not None:
            stop(app)
    server.terminate()
    server.wait(timeout=10)
    stop(sandbox)
