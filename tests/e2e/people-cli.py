#!/usr/bin/python3
"""`socialhub --people [--json]` for a three-person team in the standalone
emulator (issue 17, "People"): Alice, Bob and Carol grant Facebook tokens,
two Page tokens are pasted without their owner. The JSON lists each person
with their tokens and the channels only they link, the unknown tokens each
as a person of their own (user_id null), never merged; the text says "If
Alice Example’s tokens stop working, …"; `--check --json` gives each
channel's people_linked and the plain `--check` counts the channels that
hang on one person. When Bob changes his password, what hangs on Alice
grows. Wrong combinations are refused with 64.

Usage: people-cli.py SOCIALHUB SOCIALHUB_SANDBOX  (inside build-aux/with-session.sh)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from shtest.sandbox import app_env, control as sandbox_control, start_sandbox
from shtest.session import Checks

SOCIALHUB, SANDBOX = sys.argv[1], sys.argv[2]
check = Checks()

ALICE, BOB, CAROL = "10001", "10002", "10003"
ACME, BAKERY, CORNER = "104857600123", "104857600456", "104857600789"

tmp = tempfile.mkdtemp(prefix="socialhub-people-")
sandbox, variables = start_sandbox(SANDBOX, os.path.join(tmp, "world.json"))
base_url = variables["SOCIALHUB_SANDBOX_URL"]
env = app_env(variables, XDG_DATA_HOME=os.path.join(tmp, "data"))


def run(*args, stdin=None):
    return subprocess.run([SOCIALHUB, *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=60)


def control(action, **form):
    return sandbox_control(base_url, action, **form)


def add(kind, person, target=None):
    form = {"kind": kind, "person": person}
    if target:
        form["target"] = target
    token = control("issue-token", **form)["token"]
    r = run("--add-token", "facebook", stdin=token + "\n")
    check(r.returncode == 0, f"a {kind} token of {person} is added ({r.returncode}, {r.stderr.strip()!r})")


def people():
    r = run("--people", "--json")
    check(r.returncode == 0, f"--people --json exits 0 ({r.returncode}, {r.stderr.strip()!r})")
    return json.loads(r.stdout)["people"] if r.returncode == 0 else []


def channels():
    """external id → the channel of `--list --json`."""
    r = run("--list", "--json")
    return {c["external_id"]: c for c in json.loads(r.stdout)["channels"]}


def token_ids(channel, owner):
    return [t["id"] for t in channel["tokens"] if t["owner"] == owner]


try:
    # Nobody yet.
    r = run("--people")
    check(r.returncode == 0 and r.stdout == "No access tokens yet, so no people.\n",
          f"--people with no tokens says so: {r.stdout!r}")
    check(people() == [], "--people --json with no tokens is an empty list")

    # The team: Alice admins Acme Coffee and Corner Bookshop, Bob Acme Coffee
    # and Bakery & Sons, Carol Bakery & Sons; two Bakery Page tokens pasted
    # without an owner (given by Bob and by Carol).
    for person in (ALICE, BOB, CAROL):
        add("fb-user", person)
    add("fb-page", BOB, BAKERY)
    add("fb-page", CAROL, BAKERY)
    r = run("--check")
    check(r.returncode == 0, f"the first check finds every token valid ({r.returncode})")
    check("1 channel hangs on one person: “socialhub --people” says who.\n" in r.stdout,
          f"--check counts the channels that hang on one person: {r.stdout!r}")

    listed = channels()
    acme, bakery, corner = listed[ACME], listed[BAKERY], listed[CORNER]
    unknown = token_ids(bakery, None)
    check(len(unknown) == 2, f"Bakery & Sons has two tokens without an owner ({len(unknown)})")
    expected = [
        {"network": "facebook", "user_id": ALICE, "name": "Alice Example",
         "tokens": token_ids(acme, "Alice Example") + token_ids(corner, "Alice Example"),
         "sole_link_channels": [corner["id"]]},
        {"network": "facebook", "user_id": BOB, "name": "Bob Sample",
         "tokens": token_ids(acme, "Bob Sample") + token_ids(bakery, "Bob Sample"),
         "sole_link_channels": []},
        {"network": "facebook", "user_id": CAROL, "name": "Carol Test",
         "tokens": token_ids(bakery, "Carol Test"), "sole_link_channels": []},
    ] + [{"network": "facebook", "user_id": None, "name": None, "tokens": [t],
          "sole_link_channels": []} for t in unknown]
    got = people()
    check(got == expected, f"--people --json: three people, then each unknown token alone\n"
                           f"  got      {got}\n  expected {expected}")
    check(all(list(p.keys()) == ["network", "user_id", "name", "tokens", "sole_link_channels"]
              for p in got), "each person has the README's fields, in its order")

    r = run("--check", "--json")
    linked = {c["external_id"]: c.get("people_linked") for c in json.loads(r.stdout)["channels"]}
    check(linked == {ACME: 2, BAKERY: 4, CORNER: 1},
          f"--check --json: people_linked per channel, each unknown token a person ({linked})")
    linked = {k: c.get("people_linked") for k, c in channels().items()}
    check(linked == {ACME: 2, BAKERY: 4, CORNER: 1}, f"--list --json has people_linked too ({linked})")

    r = run("--people")
    check(r.returncode == 0 and "Alice Example (Facebook, id 10001)\n"
          "  If Alice Example’s tokens stop working, Corner Bookshop loses its last link.\n" in r.stdout,
          f"--people names who Corner Bookshop hangs on: {r.stdout!r}")
    check("If Bob Sample’s tokens stop working, every channel keeps another link." in r.stdout,
          "--people says that nothing hangs on Bob alone")
    check(r.stdout.count("Unknown person (Facebook, a token without its owner)\n") == 2,
          "--people lists the two unknown tokens apart")

    # Bob changes his password: his tokens die, and with them the Page token
    # he pasted; Acme Coffee now hangs on Alice too.
    control("change-password", person=BOB)
    r = run("--check")
    check("2 channels hang on one person" in r.stdout, f"--check counts two now: {r.stdout!r}")
    r = run("--people")
    sentence = ("If Alice Example’s tokens stop working, Acme Coffee and 1 more channel lose "
                "their last link.")
    check(sentence in r.stdout, f"--people: {sentence!r} in {r.stdout!r}")
    check("None of Bob Sample’s tokens works now." in r.stdout, "--people: Bob's tokens are dead")
    alice = [p for p in people() if p["user_id"] == ALICE]
    check(alice and sorted(alice[0]["sole_link_channels"]) == sorted([acme["id"], corner["id"]]),
          f"Alice is the only link of Acme Coffee and Corner Bookshop ({alice})")
    linked = {c["external_id"]: c["people_linked"] for c in channels().values()}
    check(linked == {ACME: 1, BAKERY: 2, CORNER: 1}, f"people_linked follows ({linked})")

    # Wrong combinations: a message and 64, nothing run.
    for args, words in [(["--people", "--list"], "--people goes alone"),
                        (["--people", "--check", "--json"], "--people goes alone"),
                        (["--people", "--owner", "Ana"], "--owner goes with --add-token"),
                        (["--json"], "--json goes with --list, --check or --people")]:
        r = run(*args)
        check(r.returncode == 64 and r.stdout == "" and words in r.stderr,
              f"{' '.join(args)!r} is refused with 64: {r.stderr.strip()!r}")
finally:
    sandbox.terminate()
    sandbox.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)

sys.exit(1 if check.failures else 0)
