#!/usr/bin/python3
"""States that follow from the clock alone (issue 20, item 3), through the
real binary and no network at all: a token whose expiry passed while the
app was closed lists as expired, and its channel, whose last working token
it was, as disconnected (plain and --json), not "Expiring soon, expiry date
passed" under "Connected"; a token that entered its warning window while
the app was closed lists as expiring; a network verdict given after the
expiry still wins. A pasted token's estimated expiry (item 7) is said as one.

Usage: clock-states.py SOCIALHUB  (inside build-aux/with-session.sh)
"""
import json
import os
import subprocess
import sys
import tempfile
import time

from shtest.session import Checks

SOCIALHUB = sys.argv[1]
check = Checks()
NOW = int(time.time())
DAY = 86400


def token(tid, owner, expires_at, checked_at, state="valid", expires_by=None):
    entry = {"id": tid, "owner": {"id": owner, "name": owner}, "scopes": [],
             "granted_at": checked_at, "expires_at": expires_at,
             "state": state, "reason": "", "last_verdict": state,
             "last_verdict_reason": "", "checked_at": checked_at,
             "notified_state": state}
    if expires_by is not None:
        entry["expires_by"] = expires_by
    return entry


def channel(cid, network, external_id, name, tokens):
    return {"id": cid, "network": network, "external_id": external_id, "name": name,
            "picture_url": None, "tokens": tokens}


data = {"format": "io.socialhub.SocialHub/channels", "version": 2, "channels": [
    # Checked valid 3 hours before its two hours ran out, then the app closed.
    channel("c-x", "x", "44196397", "@acmecoffee",
            [token("t-x", "Carol", NOW - 3600, NOW - 3 * 3600 - 3600)]),
    # Valid when checked 30 days ago; 6 days left now.
    channel("c-fb", "facebook", "104857600123", "Acme Coffee",
            [token("t-soon", "Alice", NOW + 6 * DAY, NOW - 30 * DAY, state="valid")]),
    # The network said valid after the expiry moment: its word wins.
    channel("c-fb2", "facebook", "104857600124", "Bakery",
            [token("t-late", "Bob", NOW - DAY, NOW - 60)]),
    # Pasted an hour ago, of unknown age: may end any time, an hour left at most.
    channel("c-x2", "x", "44196398", "@bakery",
            [token("t-pasted", "Dan", NOW - 3600, NOW - 3600, state="expiring",
                   expires_by=NOW + 3600)]),
]}

home = tempfile.mkdtemp(prefix="socialhub-clock-")
os.makedirs(os.path.join(home, "socialhub"))
with open(os.path.join(home, "socialhub", "channels.json"), "w") as f:
    json.dump(data, f)
env = dict(os.environ, XDG_DATA_HOME=home, LANGUAGE="C", LC_ALL="C.UTF-8")


def run(*args):
    return subprocess.run([SOCIALHUB, *args], env=env, capture_output=True, text=True, timeout=30)


r = run("--list", "--json")
check(r.returncode == 0, f"--list --json exits 0 ({r.stderr.strip()})")
listed = {c["id"]: c for c in json.loads(r.stdout)["channels"]}
x = listed["c-x"]
check(x["tokens"][0]["state"] == "expired" and x["tokens"][0]["reason"] == "expired",
      f"an X token whose expiry passed while closed is expired: {x['tokens'][0]}")
check(x["tokens"][0]["verdict"]["state"] == "expired",
      "its last verdict reads expired too")
check(x["state"] == "disconnected", f"its channel is disconnected, not connected: {x['state']}")
soon = listed["c-fb"]["tokens"][0]
check(soon["state"] == "expiring", f"a token inside its warning window is expiring: {soon['state']}")
check(listed["c-fb2"]["tokens"][0]["state"] == "expiring" and listed["c-fb2"]["state"] == "connected",
      "a verdict given after the expiry moment wins over the clock")
pasted = listed["c-x2"]["tokens"][0]
check(pasted["state"] == "expiring" and pasted.get("expires_by") == NOW + 3600,
      f"a pasted token of unknown age is expiring, with its latest end: {pasted}")

r = run("--list")
out = r.stdout
check("@acmecoffee (X Account): Disconnected" in out, f"--list says Disconnected: {out!r}")
carol = next(line for line in out.splitlines() if "Carol" in line)
check(carol.endswith("Carol: expired (expired)"),
      f"--list says expired, not \"Expiring soon, expiry date passed\": {carol!r}")
check("Alice: expiring soon, expires in 6 days" in out,
      f"--list says the token in its warning window is expiring: {out!r}")
check("Dan: expiring soon, expires in 1 hour at the latest, maybe sooner (estimated)" in out,
      "--list says a pasted token's expiry is an estimate")

sys.exit(1 if check.failures else 0)
