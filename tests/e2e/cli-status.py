#!/usr/bin/python3
"""What a script running `socialhub` relies on, against the standalone
emulator and the session's real keyring:

- `--check` with no notification server prints no GLib warning; `--verbose`
  says it in one line of its own;
- with the keyring locked, `--check` reads every token unknown/keyring-locked
  (its verdicts unchanged), and `--remove-token` and `--add-token` fail with exit status 75
  and say to unlock the keyring: nothing is revoked, forgotten or half-added.
  Once unlocked, the token and its secret are both still there, and the
  removal works (and revokes).

Usage: cli-status.py SOCIALHUB SOCIALHUB_SANDBOX  (inside build-aux/with-session.sh)
"""
import json
import os
import subprocess
import sys
import tempfile

from gi.repository import Gio, GLib

from shtest.sandbox import app_env, control as sandbox_control, start_sandbox
from shtest.session import Checks, stop

SOCIALHUB, SANDBOX = sys.argv[1], sys.argv[2]
ALICE, BOB, CAROL = "10001", "10002", "10003"
ACME = "104857600123"
X_ACME, X_BAKERY = "44196397", "44196398"
LOGIN = "/org/freedesktop/secrets/collection/login"
check = Checks()


tmp = tempfile.mkdtemp(prefix="socialhub-cli-status-")
sandbox, variables = start_sandbox(SANDBOX, os.path.join(tmp, "world.json"))
base_url = variables["SOCIALHUB_SANDBOX_URL"]
env = app_env(variables, XDG_DATA_HOME=os.path.join(tmp, "data"))


def control(action, **form):
    return sandbox_control(base_url, action, **form)


def run(*args, stdin=None, timeout=60):
    return subprocess.run([SOCIALHUB, *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=timeout)


def listed():
    r = run("--list", "--json")
    return {c["external_id"]: c for c in json.loads(r.stdout)["channels"]} if r.returncode == 0 else {}


def keyring_items():
    """How many of our items the keyring holds (attributes only: this works
    while it is locked, and no secret is read)."""
    r = subprocess.run(["secret-tool", "search", "--all", "xdg:schema", "io.socialhub.SocialHub.Token"],
                       capture_output=True, text=True, timeout=20)
    return sum(1 for line in (r.stdout + r.stderr).splitlines() if line.startswith("[/"))


def world_status(token):
    return [t["status"] for t in control("world").get("tokens", []) if t.get("token") == token]


bus = Gio.bus_get_sync(Gio.BusType.SESSION)


def secrets_call(path, interface, method, params, reply):
    return bus.call_sync("org.freedesktop.secrets", path, interface, method, params,
                         GLib.VariantType(reply), Gio.DBusCallFlags.NONE, 10000, None).unpack()


def lock():
    secrets_call("/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "Lock",
                 GLib.Variant("(ao)", ([LOGIN],)), "(aoo)")


def unlock():
    # gnome-keyring's own call (what the login screen uses), with the
    # password with-session.sh unlocked it with; the session must be ours.
    _, session = secrets_call("/org/freedesktop/secrets", "org.freedesktop.Secret.Service",
                              "OpenSession", GLib.Variant("(sv)", ("plain", GLib.Variant("s", ""))),
                              "(vo)")
    secrets_call("/org/freedesktop/secrets", "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                 "UnlockWithMasterPassword",
                 GLib.Variant("(o(oayays))", (LOGIN, (session, b"", b"socialhub-test", "text/plain"))),
                 "()")


def locked():
    return secrets_call(LOGIN, "org.freedesktop.DBus.Properties", "Get",
                        GLib.Variant("(ss)", ("org.freedesktop.Secret.Collection", "Locked")),
                        "(v)")[0]


try:
    # --- no notification server ------------------------------------------------
    for person in (ALICE, BOB):
        token = control("issue-token", kind="fb-page", person=person, target=ACME).get("token", "")
        r = run("--add-token", "facebook", stdin=token + "\n")
        check(r.returncode == 0, f"a Page token of {person} is added (rc {r.returncode}, {r.stderr.strip()!r})")
    owned = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "NameHasOwner", GLib.Variant("(s)", ("org.freedesktop.Notifications",)),
                          GLib.VariantType("(b)"), Gio.DBusCallFlags.NONE, -1, None).unpack()[0]
    check(not owned, "nothing owns org.freedesktop.Notifications in this session")

    control("change-password", person=ALICE)
    r = run("--check")
    check(r.returncode == 1, f"a dead token with the Page still linked: --check exits 1 (rc {r.returncode})")
    check(r.stderr == "", f"--check prints nothing on standard error, no GLib warning: {r.stderr!r}")

    control("change-password", person=BOB)
    r = run("--check", "--verbose")
    lines = r.stderr.splitlines()
    check(r.returncode == 2, f"the Page disconnected: --check --verbose exits 2 (rc {r.returncode})")
    check(len(lines) == 1 and lines[0].startswith("socialhub: ") and "notification" in lines[0],
          f"--verbose says in one line that nothing is notified: {r.stderr!r}")

    # --- a locked keyring -------------------------------------------------------------
    issued = control("issue-token", kind="x", person=CAROL, target=X_BAKERY)
    r = run("--add-token", "x", stdin=issued.get("token", "") + "\n")
    check(r.returncode == 0, f"an X token is added (rc {r.returncode}, {r.stderr.strip()!r})")
    x_tokens = listed().get(X_BAKERY, {}).get("tokens", [])
    x_id = x_tokens[0]["id"] if len(x_tokens) == 1 else "00000000-0000-4000-8000-000000000000"
    items_before = keyring_items()
    check(items_before == 3, f"the keyring holds the three secrets ({items_before})")

    lock()
    check(locked(), "the login collection is locked")
    r = run("--check", "--json")
    tokens = [t for c in json.loads(r.stdout or '{"channels": []}')["channels"] for t in c["tokens"]]
    # The Page's last verdict (disconnected) stands; what could not be read
    # changes no verdict, and never reads as "all connected".
    check(r.returncode == 2, f"--check with a locked keyring exits 2, as before it (rc {r.returncode})")
    check(len(tokens) == 3 and all(t["state"] == "unknown" and t["reason"] == "keyring-locked"
                                   for t in tokens),
          "every token reads unknown/keyring-locked")

    requests_before = len(control("requests").get("requests", []))
    r = run("--remove-token", x_id)
    check(r.returncode == 75, f"--remove-token with a locked keyring exits 75 (rc {r.returncode})")
    check("unlock your keyring and try again" in r.stderr.lower() and "not removed" in r.stderr,
          f"it says the token was not removed and to unlock the keyring: {r.stderr.strip()!r}")
    check("Removed" not in r.stdout, f"it does not claim a removal: {r.stdout.strip()!r}")
    revokes = [u for u in control("requests").get("requests", [])[requests_before:] if "revoke" in u]
    check(revokes == [] and world_status(issued.get("token")) == ["ok"],
          f"nothing was revoked: the X grant is still valid ({revokes}, {world_status(issued.get('token'))})")

    other = control("issue-token", kind="x", person=CAROL, target=X_ACME)
    r = run("--add-token", "x", stdin=other.get("token", "") + "\n")
    check(r.returncode == 75, f"--add-token with a locked keyring exits 75 (rc {r.returncode})")
    check("unlock your keyring and try again" in r.stderr.lower(),
          f"it says to unlock the keyring: {r.stderr.strip()!r}")

    unlock()
    check(not locked(), "the login collection is unlocked again")
    channels = listed()
    check([t["id"] for t in channels.get(X_BAKERY, {}).get("tokens", [])] == [x_id],
          "after unlocking, the token is still stored")
    check(X_ACME not in channels, "the refused --add-token left no channel or token behind")
    check(keyring_items() == items_before,
          f"after unlocking, the keyring holds the same secrets, no more, no less ({keyring_items()})")

    r = run("--remove-token", x_id)
    check(r.returncode == 0 and world_status(issued.get("token")) == ["revoked"],
          f"unlocked, --remove-token revokes and removes it (rc {r.returncode}, {r.stderr.strip()!r})")
    check(keyring_items() == items_before - 1, "and its secret is gone")
except Exception as error:  # a step that could not run is a failure, not a crash
    check(False, f"the scenarios stopped early: {type(error).__name__}: {error}")
finally:
    stop(sandbox)

sys.exit(1 if check.failures else 0)
