#!/usr/bin/python3
"""One notification for a Facebook Page and the Instagram account living on
its tokens (issue 19, 4), with the real binary, the standalone emulator and
a fake freedesktop notification server.

- A person's one Page token dies (Carol, Bakery & Sons): one notification,
  "Bakery & Sons and @bakeryandsons are disconnected", not "Carol Test's 2
  access tokens stopped working"; a new token withdraws it, and nothing
  new is sent.
- The same with a token nobody is known to own (no owner in the data
  file): one notification naming both, not "2 channels are disconnected".
- An expiry reminder of the Page's token is one reminder naming both.
- A person with several tokens (Alice): the person's notification names
  the Page and its Instagram account.

Usage: instagram-notify.py SOCIALHUB SOCIALHUB_SANDBOX FAKE_NOTIFICATIONS  (inside build-aux/with-session.sh)
"""
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from shtest.sandbox import app_env, control as sandbox_control, start_sandbox
from shtest.notify_log import calls, settle
from shtest.session import Checks, start_fake_notifications, stop

SOCIALHUB, SANDBOX, FAKE = sys.argv[1], sys.argv[2], sys.argv[3]
check = Checks()

ALICE, CAROL = "10001", "10003"
ACME_IG, BAKERY_IG = "17841400000000123", "17841400000000456"
DAY = 24 * 60 * 60

tmp = tempfile.mkdtemp(prefix="socialhub-instagram-notify-")
sandbox, variables = start_sandbox(SANDBOX, os.path.join(tmp, "world.json"), instagram=True)
base_url = variables["SOCIALHUB_SANDBOX_URL"]
notify_log = os.path.join(tmp, "notifications.json")
server = start_fake_notifications(notify_log, FAKE)


def control(action, **form):
    return sandbox_control(base_url, action, **form)


class App:
    """The app with its own data folder: one person's view of the world."""

    def __init__(self, name):
        self.env = app_env(variables, XDG_DATA_HOME=os.path.join(tmp, name, "data"),
                           XDG_CONFIG_HOME=os.path.join(tmp, name, "config"),
                           GNOTIFICATION_BACKEND="freedesktop")
        self.data_file = os.path.join(tmp, name, "data", "socialhub", "channels.json")

    def run(self, *args, stdin=None):
        return subprocess.run([SOCIALHUB, *args], env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=60)

    def add_user_token(self, person):
        user = control("issue-token", kind="fb-user", person=person)["token"]
        r = self.run("--add-token", "facebook", stdin=user + "\n")
        check(r.returncode == 0, f"{person}'s Pages are added ({r.returncode}, {r.stderr.strip()!r})")

    def check_json(self):
        r = self.run("--check", "--json")
        return {(c["network"], c["external_id"]): c for c in json.loads(r.stdout)["channels"]}

    def edit(self, change):
        with open(self.data_file) as f:
            data = json.load(f)
        change(data)
        with open(self.data_file, "w") as f:
            json.dump(data, f)


def told_by(func, n_before):
    """The Notify calls @func made (waiting for at least one)."""
    func()
    return [c for c in settle(notify_log, n_before + 1)[n_before:] if c["method"] == "Notify"]


try:
    # ---- a person's one Page token dies: one notification naming both --------
    carol = App("carol")
    carol.add_user_token(CAROL)
    channels = carol.check_json()
    check(("instagram", BAKERY_IG) in channels,
          f"the check finds Bakery & Sons' Instagram account: {sorted(channels)}")
    control("change-password", person=CAROL)
    n_before = len(calls(notify_log))
    told = told_by(carol.check_json, n_before)
    summaries = [c["summary"] for c in told]
    check(summaries == ["Bakery & Sons and @bakeryandsons are disconnected"],
          f"one notification names the Page and its Instagram account: {summaries}")
    body = told[0]["body"] if told else ""
    check("@bakeryandsons comes back with it" in body,
          f"its body says the Instagram account comes back with the Page: {body!r}")
    shown = told[0]["id"] if told else None

    # A new token for the Page: both are connected again, the notification goes.
    n_before = len(calls(notify_log))
    carol.add_user_token(CAROL)
    channels = carol.check_json()
    check(channels[("instagram", BAKERY_IG)]["state"] == "connected",
          f"the Instagram account is connected again ({channels[('instagram', BAKERY_IG)]['state']})")
    log = settle(notify_log, n_before + 1)[n_before:]
    check([c["id"] for c in log if c["method"] == "CloseNotification"] == [shown],
          f"the one notification is withdrawn: {log}")
    check([c for c in log if c["method"] == "Notify"] == [], f"and nothing new is sent: {log}")

    # ---- a token nobody is known to own --------------------------------------
    nobody = App("nobody")
    nobody.add_user_token(CAROL)
    nobody.check_json()

    def forget_owners(data):
        for channel in data["channels"]:
            for token in channel["tokens"]:
                token.pop("owner", None)
    nobody.edit(forget_owners)
    control("change-password", person=CAROL)
    n_before = len(calls(notify_log))
    # (Carol's own data folder is not checked again: only this one speaks.)
    told = told_by(nobody.check_json, n_before)
    summaries = [c["summary"] for c in told]
    check(summaries == ["Bakery & Sons and @bakeryandsons are disconnected"],
          f"an owner-less token's death: one notification naming both: {summaries}")

    # ---- an expiry reminder -----------------------------------------------------
    alice = App("alice")
    alice.add_user_token(ALICE)
    channels = alice.check_json()
    acme_ig = channels.get(("instagram", ACME_IG))
    expires_at = int(time.time()) + DAY - 600
    says = ("expires today" if datetime.date.fromtimestamp(expires_at) == datetime.date.today()
            else "expires tomorrow")

    def expire_acme(data):
        for channel in data["channels"]:
            if channel["name"] == "Acme Coffee":
                for token in channel["tokens"]:
                    token["expires_at"] = expires_at
    alice.edit(expire_acme)
    n_before = len(calls(notify_log))
    told = told_by(alice.check_json, n_before)
    summaries = [c["summary"] for c in told]
    check(summaries == [f"Alice Example’s token for Acme Coffee and @acmecoffee {says}"],
          f"one reminder names the Page and its Instagram account: {summaries}")

    # ---- a person with several tokens: the person's notification names both ---
    control("change-password", person=ALICE)
    n_before = len(calls(notify_log))
    told = told_by(alice.check_json, n_before)
    check(len(told) == 1, f"one notification for Alice's tokens: {told}")
    text = " ".join(c["summary"] + "\n" + c["body"] for c in told)
    check("Alice Example’s 2 access tokens stopped working" in text and
          "3 channels disconnected." in text and
          "Acme Coffee and @acmecoffee are disconnected" in text,
          f"it counts her 2 tokens and 3 channels and names the Page with its account: {text!r}")
finally:
    stop(server)
    sandbox.kill()
    sandbox.wait()
    shutil.rmtree(tmp, ignore_errors=True)

sys.exit(1 if check.failures else 0)
