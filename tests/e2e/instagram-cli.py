#!/usr/bin/python3
"""Instagram professional accounts (issue 19) with the real binary and the
standalone emulator: channels that live on their Facebook Page's tokens.

- Discovery: Acme Coffee has an Instagram account linked, Corner Bookshop
  none; after the check that follows adding their Page tokens, --list --json
  has one Instagram channel ("network":"instagram", "@acmecoffee"), "via"
  the Acme Coffee channel, each token with "via":"<page channel id>" and
  the Page token it shares; Corner Bookshop has none. The keyring holds no
  secret for it (one item per Page token).
- The broker hands out the Page's token for the Instagram channel.
- Requests: a check of N Pages with Instagram accounts costs what N Pages
  alone cost plus one batch per 50 Instagram accounts.
- Unlinked: the Page stays connected, the Instagram channel is disconnected
  with "unlinked" and what to do.
- Permission missing (instagram_basic withheld), with the fix; also after a
  device login in which the person declined instagram_basic.
- Faults: an outage of the Graph leaves no verdict (unknown), the last one kept.
- Shared verdict: the Page token dies (password changed): both channels are
  disconnected at once, with one notification naming both.

Usage: instagram-cli.py SOCIALHUB SOCIALHUB_SANDBOX FAKE_NOTIFICATIONS  (inside build-aux/with-session.sh)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

from shtest.sandbox import app_env, control as sandbox_control, start_sandbox
from shtest.notify_log import calls, settle
from shtest.session import Checks, start_fake_notifications, stop

SOCIALHUB, SANDBOX, FAKE = sys.argv[1], sys.argv[2], sys.argv[3]
check = Checks()

ALICE, BOB, DAN = "10001", "10002", "10004"
ACME, BAKERY, CORNER = "104857600123", "104857600456", "104857600789"
ACME_IG = "17841400000000123"

tmp = tempfile.mkdtemp(prefix="socialhub-instagram-")
sandbox, variables = start_sandbox(SANDBOX, os.path.join(tmp, "world.json"), instagram=True)
base_url = variables["SOCIALHUB_SANDBOX_URL"]
# The keyfile backend, so that `gsettings set` here reaches the app.
env = app_env(variables, XDG_DATA_HOME=os.path.join(tmp, "data"),
              XDG_CONFIG_HOME=os.path.join(tmp, "config"), GSETTINGS_BACKEND="keyfile",
              GNOTIFICATION_BACKEND="freedesktop")
notify_log = os.path.join(tmp, "notifications.json")
server = start_fake_notifications(notify_log, FAKE)
GRAPH_PATH = urllib.parse.urlparse(variables["SOCIALHUB_GRAPH_URL"]).path.rstrip("/")


def run(*args, stdin=None):
    return subprocess.run([SOCIALHUB, *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=60)


def control(action, **form):
    return sandbox_control(base_url, action, **form)


def listed():
    r = run("--list", "--json")
    return {(c["network"], c["external_id"]): c for c in json.loads(r.stdout)["channels"]}


def check_json():
    r = run("--check", "--json")
    return r.returncode, {(c["network"], c["external_id"]): c
                          for c in json.loads(r.stdout)["channels"]}


def batches_during(func):
    """How many Graph batch requests (POST /) @func made, and its result."""
    before = [line for line in control("requests")["requests"]]
    result = func()
    after = control("requests")["requests"][len(before):]
    batch = ("POST " + GRAPH_PATH, "POST " + GRAPH_PATH + "/")
    return sum(1 for line in after if line.split("?")[0] in batch), result


try:
    # Alice signs in (a user token): her two Pages, Acme Coffee and Corner
    # Bookshop, each with a Page token of hers.
    user = control("issue-token", kind="fb-user", person=ALICE)["token"]
    r = run("--add-token", "facebook", stdin=user + "\n")
    check(r.returncode == 0, f"Alice's Pages are added ({r.returncode}, {r.stderr.strip()!r})")
    # Discovery when a Page is added, before any check.
    check("Found @acmecoffee (Instagram account) through Acme Coffee" in r.stdout,
          f"adding the Pages finds Acme Coffee's Instagram account: {r.stdout!r}")
    check(("instagram", ACME_IG) in listed(), "--list --json shows it right after the add")

    # ---- discovery ---------------------------------------------------------
    status, channels = check_json()
    check(status == 0, f"the first check finds every channel connected ({status})")
    ig = channels.get(("instagram", ACME_IG))
    check(ig is not None, f"the check finds Acme Coffee's Instagram account: {sorted(channels)}")
    check(sum(1 for k in channels if k[0] == "instagram") == 1,
          "Corner Bookshop, which has none, brings no Instagram channel")
    page = channels[("facebook", ACME)]
    if ig:
        check(ig["name"] == "@acmecoffee", f"its name is @username ({ig['name']!r})")
        check(ig["state"] == "connected", f"it is connected ({ig['state']})")
        check(ig.get("via") == page["id"], "the channel names its Page's channel as via")
        check(len(ig["tokens"]) == len(page["tokens"]) == 1, "one shared token per Page token")
        check(all(t["via"] == page["id"] for t in ig["tokens"]),
              f"each token says via the Page's channel id: {ig['tokens']}")
        check([t["shares"] for t in ig["tokens"]] == [t["id"] for t in page["tokens"]],
              "each token names the Page token it shares")
        check(ig["tokens"][0]["owner"] == "Alice Example", "the shared token keeps its owner")
    check(listed().keys() == channels.keys(), "--list --json shows what the check found")

    # ---- people: the sole-link sentence counts the Instagram channel -------
    r = run("--people", "--json")
    alice = [p for p in json.loads(r.stdout)["people"] if p["name"] == "Alice Example"]
    expected = sorted([page["id"], channels[("facebook", CORNER)]["id"]] + ([ig["id"]] if ig else []))
    check(alice and sorted(alice[0]["sole_link_channels"]) == expected,
          f"--people --json: Alice is the only link of both Pages and the Instagram account ({alice})")
    r = run("--people")
    check("If Alice Example’s tokens stop working, @acmecoffee and 2 more channels lose their "
          "last link." in r.stdout, f"--people counts the Instagram channel: {r.stdout!r}")
    r = run("--check")
    check("3 channels hang on one person" in r.stdout, f"--check counts it too: {r.stdout!r}")


    # ---- the broker hands out the Page's token -----------------------------
    subprocess.run(["gsettings", "set", "io.socialhub.SocialHub", "token-broker", "true"],
                   env=env, check=True)
    if ig:
        acme_tokens = [t["token"] for t in control("world")["tokens"]
                       if t["kind"] == "fb-page" and t.get("target") == ACME]
        r = run("--print-token", ig["id"])
        check(r.returncode == 0 and [r.stdout.strip()] == acme_tokens,
              f"--print-token on the Instagram channel hands out its Page's token ({r.returncode}, "
              f"{r.stderr.strip()!r})")

    # ---- requests ----------------------------------------------------------
    # After discovery (done when the Pages were added, then once a day), a
    # check costs the Pages' own batch plus one batch per 50 Instagram
    # accounts: 2 Pages and 1 account → 1 + 1.
    n_batches, (status, _) = batches_during(check_json)
    check(n_batches == 2, f"a check of 2 Pages (1 with Instagram) makes 1 + 1 batch requests ({n_batches})")
    # A day later (the data file says the Pages were last looked at 25 hours
    # ago) the Pages are looked at again, inside the same Instagram batch
    # (2 Page items + 1 account item ≤ 50): still 1 + 1.
    data_file = os.path.join(tmp, "data", "socialhub", "channels.json")
    with open(data_file) as f:
        data = json.load(f)
    looked = [c.get("discovered_at", 0) for c in data["channels"] if c["network"] == "facebook"]
    check(len(looked) == 2 and all(looked), f"the data file says when each Page was looked at ({looked})")
    day_ago = int(time.time()) - 25 * 3600
    for c in data["channels"]:
        if c["network"] == "facebook":
            c["discovered_at"] = day_ago
    with open(data_file, "w") as f:
        json.dump(data, f)
    n_batches, _ = batches_during(check_json)
    check(n_batches == 2, f"the daily discovery rides in the same batch ({n_batches})")
    with open(data_file) as f:
        looked = [c["discovered_at"] for c in json.load(f)["channels"] if c["network"] == "facebook"]
    check(all(t > day_ago for t in looked), f"and the Pages were looked at again ({looked})")

    # ---- faults: no verdict --------------------------------------------------
    control("fault", network="graph", kind="status", status="503")
    status, channels = check_json()
    control("clear-faults")
    ig = channels[("instagram", ACME_IG)]
    check(status == 3, f"an outage: --check exits 3, could not check ({status})")
    check(ig["tokens"][0]["state"] == "unknown" and ig["tokens"][0]["verdict"]["state"] == "valid",
          f"an outage leaves the Instagram token unknown, its last verdict valid: {ig['tokens'][0]}")
    check(ig["state"] != "disconnected", f"an outage does not disconnect it ({ig['state']})")

    # ---- permission missing ------------------------------------------------
    control("withhold-instagram", person=ALICE)
    status, channels = check_json()
    ig, page = channels[("instagram", ACME_IG)], channels[("facebook", ACME)]
    check(page["state"] == "connected", f"the Page stays connected ({page['state']})")
    check(ig["state"] == "disconnected" and ig["tokens"][0]["reason"] == "permission-missing",
          f"without instagram_basic the account is disconnected, permission missing: {ig['tokens'][0]}")
    r = run("--list")
    check("Instagram access was not granted." in r.stdout and "instagram_basic" in r.stdout,
          f"--list says Instagram access was not granted, with the fix: {r.stdout!r}")
    control("restore", person=ALICE)
    status, channels = check_json()
    check(channels[("instagram", ACME_IG)]["state"] == "connected",
          "granted again, the next check connects it")

    # ---- unlinked ----------------------------------------------------------
    control("unlink-instagram", page=ACME)
    status, channels = check_json()
    ig, page = channels[("instagram", ACME_IG)], channels[("facebook", ACME)]
    check(status == 2, f"--check exits 2: a channel is disconnected ({status})")
    check(page["state"] == "connected", f"unlinking leaves the Page connected ({page['state']})")
    check(ig["state"] == "disconnected" and ig["tokens"][0]["reason"] == "unlinked",
          f"the Instagram channel is disconnected, unlinked: {ig['tokens'][0]}")
    r = run("--list")
    check("No longer linked to a Facebook Page." in r.stdout,
          f"--list says it is no longer linked, and what to do: {r.stdout!r}")

    # ---- removing the unlinked account on its own ------------------------------
    def make_discovery_due():
        with open(data_file) as f:
            data = json.load(f)
        for c in data["channels"]:
            if c["network"] == "facebook":
                c["discovered_at"] = int(time.time()) - 25 * 3600
        with open(data_file, "w") as f:
            json.dump(data, f)

    page_secret = run("--print-token", page["id"]).stdout
    r = run("--remove-token", ig["tokens"][0]["id"])
    check(r.returncode == 0 and "Removed @acmecoffee" in r.stdout,
          f"--remove-token removes the unlinked Instagram channel ({r.returncode}, {r.stdout!r}, "
          f"{r.stderr.strip()!r})")
    after = listed()
    check(("instagram", ACME_IG) not in after, f"it is gone: {sorted(after)}")
    check([t["id"] for t in after[("facebook", ACME)]["tokens"]] == [t["id"] for t in page["tokens"]],
          "the Page keeps its tokens")
    r = run("--print-token", page["id"])
    check(r.returncode == 0 and r.stdout == page_secret and page_secret.strip(),
          "and its keyring item: --print-token still hands out the Page's token")
    make_discovery_due()
    status, channels = check_json()
    check(("instagram", ACME_IG) not in channels,
          "the daily discovery does not bring it back while it stays unlinked")
    control("link-instagram", page=ACME, id=ACME_IG, username="acmecoffee")
    make_discovery_due()
    status, channels = check_json()
    check(("instagram", ACME_IG) in channels, "linked again, the daily discovery brings it back")
    status, channels = check_json()
    check(channels[("instagram", ACME_IG)]["state"] == "connected", "linked again, it connects")
    ig = channels[("instagram", ACME_IG)]
    r = run("--remove-token", ig["tokens"][0]["id"])
    check(r.returncode != 0 and "goes with" in r.stderr and ("instagram", ACME_IG) in listed(),
          f"a linked account is not removed on its own: it goes with its Page ({r.returncode}, "
          f"{r.stderr.strip()!r})")

    # ---- a shared token dies: both channels disconnected -------------------
    n_before = len(calls(notify_log))
    control("change-password", person=ALICE)
    status, channels = check_json()
    told = [c for c in settle(notify_log, n_before + 1)[n_before:] if c["method"] == "Notify"]
    text = " ".join(c["summary"] + " " + c["body"] for c in told)
    # Alice's tokens: both Pages' and the one the Instagram account shares.
    check(len(told) == 1 and "3 channels disconnected" in text,
          f"one notification tells of both the Page and the Instagram account: {told}")
    ig, page = channels[("instagram", ACME_IG)], channels[("facebook", ACME)]
    check(page["state"] == "disconnected", f"the Page is disconnected ({page['state']})")
    check(ig["state"] == "disconnected" and ig["tokens"][0]["reason"] == "password-changed",
          f"the Instagram channel dies with its Page's token: {ig['tokens'][0]}")

    # ---- a device login that declines instagram_basic --------------------------
    # Bob approves the sign-in but leaves out instagram_basic: his Page comes
    # in, its Instagram account is found and says Instagram access was not
    # granted, with the fix.
    bob_env = dict(env, XDG_DATA_HOME=os.path.join(tmp, "bob-data"))
    control("next-device", person=BOB, decline_scope="instagram_basic")
    r = subprocess.run([SOCIALHUB, "--login", "facebook", "--channel", "Acme Coffee"], env=bob_env,
                       capture_output=True, text=True, timeout=90)
    check(r.returncode == 0, f"Bob signs in without instagram_basic ({r.returncode}, {r.stderr.strip()!r})")
    # The sign-in's own check finds the account and, in the same run, asks
    # the account itself: no later check is needed for it to say so.
    r = subprocess.run([SOCIALHUB, "--list", "--json"], env=bob_env, capture_output=True,
                       text=True, timeout=60)
    bob_channels = {(c["network"], c["external_id"]): c for c in json.loads(r.stdout)["channels"]}
    ig = bob_channels.get(("instagram", ACME_IG))
    check(ig is not None and ig["state"] == "disconnected" and
          ig["tokens"][0]["reason"] == "permission-missing",
          f"the Instagram account is found, and disconnected: permission missing ({ig})")
    r = subprocess.run([SOCIALHUB, "--list"], env=bob_env, capture_output=True, text=True,
                       timeout=60)
    check("Instagram access was not granted." in r.stdout and "instagram_basic" in r.stdout,
          f"--list says Instagram access was not granted, with the fix: {r.stdout!r}")
finally:
    stop(server)
    sandbox.kill()
    sandbox.wait()
    shutil.rmtree(tmp, ignore_errors=True)

sys.exit(1 if check.failures else 0)
