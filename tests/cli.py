#!/usr/bin/python3
"""The command line as a script or a person uses it: `socialhub --list`
prints the stored channels in DESIGN.md's JSON, wrong arguments are refused
with a clear message, and a command given while the window is open is
answered by that running instance.

Usage: cli.py SOCIALHUB FIXTURE  (inside build-aux/with-session.sh)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SOCIALHUB, FIXTURE = sys.argv[1], sys.argv[2]
failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)


def run(*args, data_home, stdin=None, timeout=20):
    env = dict(os.environ, XDG_DATA_HOME=data_home, LANGUAGE="C", LC_ALL="C.UTF-8")
    return subprocess.run([SOCIALHUB, *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=timeout)


def fresh_home(fixture=FIXTURE):
    home = tempfile.mkdtemp(prefix="socialhub-cli-")
    os.makedirs(os.path.join(home, "socialhub"))
    if fixture:
        shutil.copy(fixture, os.path.join(home, "socialhub", "channels.json"))
    return home


# --list --json: exactly DESIGN.md's fields, states derived from the tokens.
home = fresh_home()
r = run("--list", "--json", data_home=home)
check(r.returncode == 0, "--list --json exits 0")
out = json.loads(r.stdout)
check(list(out.keys()) == ["channels"], "top level holds only 'channels'")
check(len(out["channels"]) == 2, "both stored channels are listed")
page, account = out["channels"]
check(list(page.keys()) == ["id", "network", "external_id", "name", "state", "tokens"],
      "channel fields are DESIGN.md's, in its order")
check(page["network"] == "facebook" and page["external_id"] == "104857600123"
      and page["name"] == "Acme Coffee", "channel identity is printed as stored")
check(page["state"] == "degraded", "one valid and one invalid token make the Page degraded")
check([list(t.keys()) for t in page["tokens"]] ==
      [["id", "owner", "state", "reason", "expires_at", "checked_at"]] * 2,
      "token fields are DESIGN.md's, in its order")
alice, bob = page["tokens"]
check(alice["owner"] == "Alice Example" and alice["state"] == "valid" and alice["reason"] is None,
      "a valid token has no reason")
check(bob == {"id": "5a0f5e1c-0a7b-4d47-8a43-0b7a9c1e2f02", "owner": "Bob Sample",
              "state": "invalid", "reason": "password-changed", "expires_at": 0,
              "checked_at": 1764000100}, "an invalid token says why, as stored")
carol = account["tokens"][0]
check(carol["state"] == "unknown" and carol["reason"] == "offline",
      "a token not checked while offline reads unknown/offline")
check(account["state"] == "connected",
      "an offline check does not disconnect a channel whose last verdict was valid")

r = run("--list", data_home=home)
check(r.returncode == 0 and "Acme Coffee (Facebook Page): Degraded, 1 of 2 tokens valid" in r.stdout,
      "--list prints a readable summary")
check("changed their password" in r.stdout, "--list explains why a token died")

# The user's language: German with LANGUAGE=de (translations from the build).
if os.environ.get("SOCIALHUB_LOCALEDIR"):
    env = dict(os.environ, XDG_DATA_HOME=home, LANGUAGE="de", LC_ALL="C.UTF-8")
    r = subprocess.run([SOCIALHUB, "--list"], env=env, capture_output=True, text=True, timeout=20)
    check(r.returncode == 0 and "Eingeschränkt, 1 von 2 Token gültig" in r.stdout,
          "--list speaks German with LANGUAGE=de")

r = run("--list", "--json", data_home=fresh_home(None))
check(r.returncode == 0 and json.loads(r.stdout) == {"channels": []}, "an empty store lists as []")

# Wrong arguments: refused with a message, nothing run.
for args, words in [(["--list", "--check"], "only one"),
                    (["--add-token", "myspace"], "“facebook” or “x”"),
                    (["--login", ""], "“facebook” or “x”"),
                    (["--remove-token", "not\x01an-id"], "not a token id"),
                    (["--json"], "--json goes with")]:
    r = run(*args, data_home=home)
    check(r.returncode == 64 and words in r.stderr, f"{' '.join(args)!r} is refused: {r.stderr.strip()}")
r = run("--frobnicate", data_home=home)
check(r.returncode != 0 and "frobnicate" in r.stderr, "an unknown option is refused")

r = run("--add-token", "facebook", data_home=home, stdin="\n")
check(r.returncode == 64 and "No access token on standard input" in r.stderr,
      "--add-token with nothing on standard input says so")

# A damaged data file: the list still prints, the user is told, nothing lost.
home = fresh_home()
path = os.path.join(home, "socialhub", "channels.json")
with open(path, "w") as f:
    f.write('{"format": "io.socialhub.SocialHub/channels", "version": 1, "chan')
r = run("--list", "--json", data_home=home)
aside = [n for n in os.listdir(os.path.join(home, "socialhub")) if n.startswith("channels.json.damaged-")]
check(r.returncode == 0 and json.loads(r.stdout) == {"channels": []}, "a damaged file still lists")
check("damaged" in r.stderr and len(aside) == 1, "the damaged file is set aside and reported")

# Forwarding: with the window open, --list is answered by that instance. The
# file on disk is changed behind its back; the answer still shows what the
# running instance holds, which proves who answered.
if not os.environ.get("DISPLAY"):
    print("SKIP  forwarding to a running window needs a display")
else:
    home = fresh_home()
    # The window marks tokens without a secret "secret missing", so the
    # fixture's tokens get theirs first (named by the folder's path, as
    # SocialHub before 0.3 wrote them: the app adopts such items).
    store_dir = os.path.join(home, "socialhub")
    with open(FIXTURE) as f:
        fixture = json.load(f)
    for channel in fixture["channels"]:
        for token in channel["tokens"]:
            subprocess.run(["secret-tool", "store", "--label", "SocialHub test token",
                            "xdg:schema", "io.socialhub.SocialHub.Token",
                            "token-id", token["id"], "channel-id", channel["id"],
                            "network", channel["network"], "format-version", "1",
                            "store", store_dir],
                           input='{"version":1,"access_token":"cli-test","expires_at":0}',
                           text=True, check=True)
    env = dict(os.environ, XDG_DATA_HOME=home, LANGUAGE="C", GSK_RENDERER="cairo")
    gui = subprocess.Popen([SOCIALHUB], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        owned = False
        while time.monotonic() < deadline and not owned:
            q = subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
                                "--object-path", "/org/freedesktop/DBus", "--method",
                                "org.freedesktop.DBus.NameHasOwner", "io.socialhub.SocialHub"],
                               capture_output=True, text=True)
            owned = "true" in q.stdout
            time.sleep(0.1)
        check(owned, "the window's instance owns io.socialhub.SocialHub")
        # Wait until it has read the file (its answer has the stored names):
        # a fixed pause is too short under the sanitizers.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            r = run("--list", "--json", data_home=home)
            if r.returncode == 0 and json.loads(r.stdout)["channels"]:
                break
            time.sleep(0.2)
        path = os.path.join(store_dir, "channels.json")
        with open(path) as f:
            data = json.load(f)
        data["channels"][0]["name"] = "Renamed On Disk"
        with open(path, "w") as f:
            json.dump(data, f)
        r = run("--list", "--json", data_home=home)
        names = [c["name"] for c in json.loads(r.stdout)["channels"]] if r.returncode == 0 else []
        check(names == ["Acme Coffee", "@acmecoffee"],
              f"--list is answered by the running window (got {names})")
        r = run("--list", "--check", data_home=home)
        check(r.returncode == 64, "a wrong argument is refused before it reaches the window")
    finally:
        gui.terminate()
        gui.wait(timeout=10)

sys.exit(1 if failures else 0)
