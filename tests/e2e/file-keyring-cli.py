#!/usr/bin/python3
"""The real binary on the file keyring (issue 16): what the app does inside
Flatpak, on a bus with no Secret Service at all (with-session.sh
--no-keyring), SECRET_BACKEND=file and the file's key in
SECRET_FILE_TEST_PASSWORD (meson sets both).

- a Page token added with --add-token is checked valid by the next process
  (its secret read back from $XDG_DATA_HOME/keyrings/default.keyring);
- no file holds the token or a 12-character piece of it (the file is
  encrypted);
- without the key, --check reaches no verdict: the token reads
  unknown/keyring-locked and the exit status is 3 (never expired or
  invalid); with the key, valid again.

Usage: file-keyring-cli.py SOCIALHUB SOCIALHUB_SANDBOX
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
ALICE, ACME = "10001", "104857600123"
check = Checks()

tmp = tempfile.mkdtemp(prefix="socialhub-file-keyring-")
data_home = os.path.join(tmp, "data")
sandbox, variables = start_sandbox(SANDBOX, os.path.join(tmp, "world.json"))
env = app_env(variables, XDG_DATA_HOME=data_home)


def run(*args, stdin=None, key=True):
    run_env = dict(env)
    if not key:
        run_env.pop("SECRET_FILE_TEST_PASSWORD", None)
    return subprocess.run([SOCIALHUB, *args], env=run_env, input=stdin, capture_output=True,
                          text=True, timeout=60)


def token_states(r):
    channels = json.loads(r.stdout)["channels"] if r.stdout.startswith("{") else []
    return [(t["state"], t["reason"]) for c in channels for t in c["tokens"]]


def files_holding(pieces):
    found = []
    for folder, _, names in os.walk(data_home):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                content = f.read()
            found += [path for piece in pieces if piece.encode() in content]
    return found


try:
    bus = Gio.bus_get_sync(Gio.BusType.SESSION)
    owner = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "NameHasOwner", GLib.Variant("(s)", ("org.freedesktop.secrets",)),
                          GLib.VariantType("(b)"), Gio.DBusCallFlags.NONE, -1, None).unpack()[0]
    check(not owner, "no Secret Service on this bus")

    token = sandbox_control(variables["SOCIALHUB_SANDBOX_URL"], "issue-token", kind="fb-page",
                            person=ALICE, target=ACME).get("token", "")
    r = run("--add-token", "facebook", stdin=token + "\n")
    check(r.returncode == 0, f"a Page token is added (rc {r.returncode}, {r.stderr.strip()!r})")
    keyring = os.path.join(data_home, "keyrings", "default.keyring")
    check(os.path.isfile(keyring), "its secret is in the keyring file")

    r = run("--check", "--json")
    check(r.returncode == 0 and token_states(r) == [("valid", None)],
          f"the next process reads the secret back: valid, --check exits 0 "
          f"(rc {r.returncode}, {token_states(r)})")

    pieces = [token] + [token[i:i + 12] for i in range(0, len(token) - 11, 12)]
    check(files_holding(pieces) == [], "no file holds the token or a piece of it")

    r = run("--check", "--json", key=False)
    check(r.returncode == 3 and token_states(r) == [("unknown", "keyring-locked")],
          f"without the file's key: unknown (keyring-locked), exit 3, never expired or invalid "
          f"(rc {r.returncode}, {token_states(r)})")
    r = run("--check", "--json")
    check(r.returncode == 0 and token_states(r) == [("valid", None)],
          f"with the key again: valid (rc {r.returncode}, {token_states(r)})")
except Exception as error:  # a step that could not run is a failure, not a crash
    check(False, f"the scenarios stopped early: {type(error).__name__}: {error}")
finally:
    stop(sandbox)

sys.exit(1 if check.failures else 0)
