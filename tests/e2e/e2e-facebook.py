#!/usr/bin/python3
"""The Facebook issue's "done when", end to end: the real `socialhub` binary
against the standalone emulator, as a person at a terminal would use it.

A Page is added through the device code (Alice approves), a colleague's
token joins it (Bob approves), one token is broken (password change) and the
Page stays linked with the dead token explained, the last one is broken and
the Page is disconnected; `--check --json` shows each step with the documented
exit status (0 connected, 1 a dead token but every Page linked, 2 a Page
disconnected, 3 could not check). A 503 changes no verdict. A pasted Page token
is added from standard input, a made-up one is refused without touching the
data file, and a token is removed. No token string ever appears in an output
or in the data folder.

This is not `--sandbox`: the emulator runs on its own and the app only gets
its SOCIALHUB_* variables, so it uses the real keyring's default collection
and $XDG_DATA_HOME/socialhub, exactly as against the real Graph.

Usage: e2e-facebook.py SOCIALHUB SOCIALHUB_SANDBOX  (inside build-aux/with-session.sh)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from shtest.sandbox import app_env, control as sandbox_control, start_sandbox
from shtest.session import TIME_FACTOR, Checks, free_port, stop

SOCIALHUB, SANDBOX = sys.argv[1], sys.argv[2]
ALICE, BOB, CAROL = "10001", "10002", "10003"
ACME, BAKERY = "104857600123", "104857600456"
check = Checks()
outputs = []          # every stdout and stderr the app printed


tmp = tempfile.mkdtemp(prefix="socialhub-e2e-")
data_home = os.path.join(tmp, "data")
data_dir = os.path.join(data_home, "socialhub")
sandbox, variables = start_sandbox(SANDBOX, os.path.join(tmp, "world.json"),
                                   timeout=20 * TIME_FACTOR)
base_url = variables["SOCIALHUB_SANDBOX_URL"]
env = app_env(variables, XDG_DATA_HOME=data_home)


def control(action, **form):
    return sandbox_control(base_url, action, **form)


def run(*args, stdin=None, timeout=60):
    r = subprocess.run([SOCIALHUB, *args], env=env, input=stdin, capture_output=True,
                       text=True, timeout=timeout * TIME_FACTOR)
    outputs.append(r.stdout)
    outputs.append(r.stderr)
    return r


def check_json(what):
    r = run("--check", "--json")
    try:
        out = json.loads(r.stdout)
    except ValueError:
        check(False, f"{what}: --check --json prints JSON (got {r.stdout!r}, {r.stderr!r})")
        return r.returncode, {}
    return r.returncode, {c["external_id"]: c for c in out["channels"]}


def token_of(channel, owner):
    found = [t for t in channel.get("tokens", []) if t["owner"] == owner]
    return found[0] if len(found) == 1 else {}


def keyring_items(token_id):
    """How many keyring items hold the secret of @token_id (their text is
    read here, never printed)."""
    r = subprocess.run(["secret-tool", "search", "--all", "xdg:schema", "io.socialhub.SocialHub.Token",
                        "token-id", token_id], capture_output=True, text=True, timeout=20)
    return sum(1 for line in (r.stdout + r.stderr).splitlines() if line.startswith("[/"))


def data_file_bytes():
    path = os.path.join(data_dir, "channels.json")
    with open(path, "rb") as f:
        return f.read()


try:
    # --- the Page through the device code ---------------------------------
    r = run("--login", "facebook", "--channel", "Acme Coffee")
    check(r.returncode == 0, f"--login facebook exits 0 (rc {r.returncode}, {r.stderr.strip()!r})")
    check(base_url + "/device" in r.stdout and "enter the code" in r.stdout,
          "--login tells where to enter the code")
    check("Added the token of Alice Example to Acme Coffee" in r.stdout,
          "Alice's token is added to Acme Coffee")
    check("Corner Bookshop" not in r.stdout, "--channel keeps Alice's other Page out")

    # --- a colleague's token -----------------------------------------------
    check(control("next-device", person=BOB).get("ok") is True, "the emulator lets Bob approve next")
    r = run("--login", "facebook", "--channel", "Acme Coffee")
    check(r.returncode == 0, f"a second --login exits 0 (rc {r.returncode})")
    check("Added the token of Bob Sample to Acme Coffee" in r.stdout,
          "Bob's token joins Acme Coffee")
    check("Bakery" not in r.stdout, "--channel keeps Bob's other Page out")

    r = run("--list", "--json")
    listed = json.loads(r.stdout)["channels"] if r.returncode == 0 else []
    check(len(listed) == 1 and listed[0]["name"] == "Acme Coffee"
          and sorted(t["owner"] for t in listed[0]["tokens"]) == ["Alice Example", "Bob Sample"],
          "one Page, Acme Coffee, with Alice's and Bob's tokens")
    check(all(t["expires_at"] == 0 for c in listed for t in c["tokens"]),
          "Page tokens never expire (expires_at 0)")

    # --- all good ------------------------------------------------------------
    rc, channels = check_json("connected")
    acme = channels.get(ACME, {})
    check(rc == 0, f"--check exits 0 when every channel is connected (rc {rc})")
    check(acme.get("state") == "connected", "Acme Coffee is connected")
    check(all(t["state"] == "valid" and t["reason"] is None and t["checked_at"] > 0
              for t in acme.get("tokens", [])), "both tokens are valid and checked")

    # --- a 503 is not a verdict -------------------------------------------
    check(control("fault", network="graph", kind="status", status="503").get("ok") is True,
          "the emulator answers 503 from now on")
    rc, channels = check_json("503")
    acme = channels.get(ACME, {})
    check(rc == 3, f"--check exits 3 when the tokens could not be checked (rc {rc})")
    check(acme.get("state") == "connected", "a 503 leaves Acme Coffee connected")
    check(len(acme.get("tokens", [])) == 2 and
          all(t["state"] == "unknown" and t["reason"] == "server-error" for t in acme["tokens"]),
          "a 503 makes both tokens unknown/server-error")
    check(control("clear-faults").get("ok") is True, "the emulator answers normally again")
    rc, channels = check_json("after 503")
    check(rc == 0 and channels.get(ACME, {}).get("state") == "connected",
          f"the next good check restores the verdicts (rc {rc})")

    # --- Bob changes his password ---------------------------------------------
    check(control("change-password", person=BOB).get("ok") is True, "Bob changes his password")
    rc, channels = check_json("Bob broken")
    acme = channels.get(ACME, {})
    bob, alice = token_of(acme, "Bob Sample"), token_of(acme, "Alice Example")
    check(rc == 1, f"--check exits 1 with a dead token on a linked Page (rc {rc})")
    check(acme.get("state") == "degraded", "Acme Coffee stays linked, degraded")
    check(bob.get("state") == "invalid" and bob.get("reason") == "password-changed",
          "Bob's token is invalid: password-changed")
    check(alice.get("state") == "valid" and alice.get("reason") is None, "Alice's token is valid")
    r = run("--list")
    check(r.returncode == 0 and "Degraded" in r.stdout and "changed their password" in r.stdout,
          "--list explains the dead token in words")

    # --- honest status: an attempt that reaches no verdict keeps the last one --
    bob_verdict = {"state": "invalid", "reason": "password-changed", "at": bob.get("checked_at")}
    check(bob.get("verdict") == bob_verdict, f"--check --json gives Bob's verdict: {bob.get('verdict')}")
    check(control("fault", network="graph", kind="throttle", code="4", count="1").get("ok") is True,
          "the emulator throttles the next request")
    rc, channels = check_json("throttled")
    acme = channels.get(ACME, {})
    bob, alice = token_of(acme, "Bob Sample"), token_of(acme, "Alice Example")
    check(rc == 3, f"--check exits 3 when the Graph asks to slow down (rc {rc})")
    check(bob.get("state") == "unknown" and bob.get("reason") == "rate-limited"
          and bob.get("verdict") == bob_verdict,
          f"a rate limit keeps Bob's verdict beside the attempt: {bob}")
    check((alice.get("verdict") or {}).get("state") == "valid" and alice.get("reason") == "rate-limited",
          f"and Alice's: {alice}")
    r = run("--list")
    check("Bob Sample: invalid (password changed), not rechecked: rate limited\n" in r.stdout,
          f"--list says the last verdict, then the attempt: {r.stdout!r}")
    check("Alice Example: valid, not rechecked: rate limited, never expires" in r.stdout,
          "a token that works keeps its expiry")
    # The Graph out of reach (nobody listens on its address): the same.
    unreachable = dict(env, SOCIALHUB_GRAPH_URL=f"http://127.0.0.1:{free_port()}/v24.0")
    r = subprocess.run([SOCIALHUB, "--check"], env=unreachable, capture_output=True, text=True,
                       timeout=60 * TIME_FACTOR)
    outputs.extend([r.stdout, r.stderr])
    check(r.returncode == 3 and
          "Bob Sample: invalid (password changed), not rechecked: network unreachable" in r.stdout,
          f"--check with the Graph unreachable keeps the verdict (rc {r.returncode}): {r.stdout!r}")
    check("socialhub: Could not check: Facebook could not be reached." in r.stderr,
          f"--check says why it could not check: {r.stderr!r}")

    # --- Alice too ----------------------------------------------------------------
    check(control("change-password", person=ALICE).get("ok") is True, "Alice changes her password")
    rc, channels = check_json("Alice broken")
    acme = channels.get(ACME, {})
    check(rc == 2, f"--check exits 2 when a Page is disconnected (rc {rc})")
    check(acme.get("state") == "disconnected", "Acme Coffee is disconnected")
    check(len(acme.get("tokens", [])) == 2 and
          all(t["state"] == "invalid" and t["reason"] == "password-changed" for t in acme["tokens"]),
          "both tokens are invalid: password-changed")

    # --- a pasted Page token ------------------------------------------------------
    issued = control("issue-token", kind="fb-page", person=CAROL, target=BAKERY)
    page_token = issued.get("token", "")
    check(page_token.startswith("EAA"), "the emulator issues Carol a Page token for Bakery & Sons")
    r = run("--add-token", "facebook", stdin=page_token + "\n")
    check(r.returncode == 0 and "Bakery & Sons" in r.stdout,
          f"--add-token facebook adds the pasted Page token (rc {r.returncode}, {r.stderr.strip()!r})")
    r = run("--list", "--json")
    listed = {c["external_id"]: c for c in json.loads(r.stdout)["channels"]}
    bakery = listed.get(BAKERY, {})
    check(bakery.get("name") == "Bakery & Sons" and len(bakery.get("tokens", [])) == 1
          and bakery["tokens"][0]["state"] == "valid", "Bakery & Sons is listed with one valid token")
    added_id = bakery["tokens"][0]["id"] if bakery.get("tokens") else ""

    # A pipe may hand the token over in pieces: all of it is read. (The pause
    # between the pieces is the situation itself, not a wait for something.)
    issued = control("issue-token", kind="fb-page", person=BOB, target=BAKERY)
    slow = subprocess.Popen([SOCIALHUB, "--add-token", "facebook"], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    half = len(issued.get("token", "")) // 2
    slow.stdin.write(issued.get("token", "")[:half])
    slow.stdin.flush()
    time.sleep(0.5)
    slow_out, slow_err = slow.communicate(issued.get("token", "")[half:],
                                          timeout=60 * TIME_FACTOR)
    outputs.extend([slow_out, slow_err])
    check(slow.returncode == 0 and "Bakery & Sons" in slow_out,
          f"a token piped in two pieces is read whole (rc {slow.returncode}, {slow_err.strip()!r})")

    # --- a made-up token -------------------------------------------------------------
    before = data_file_bytes()
    before_names = sorted(os.listdir(data_dir))
    garbage = "EAAgarbage" + "x" * 150
    r = run("--add-token", "facebook", stdin=garbage)
    check(r.returncode == 70, f"a made-up token is refused with exit status 70 (rc {r.returncode})")
    check("refused" in r.stderr, f"the refusal says so: {r.stderr.strip()!r}")
    check(data_file_bytes() == before and sorted(os.listdir(data_dir)) == before_names,
          "the data folder is unchanged by the refusal")

    # --- removing ------------------------------------------------------------------------
    check(keyring_items(added_id) == 1, "the added token's secret is in the keyring")
    r = run("--remove-token", added_id)
    check(r.returncode == 0, f"--remove-token exits 0 (rc {r.returncode}, {r.stderr.strip()!r})")
    r = run("--list", "--json")
    check(r.returncode == 0 and added_id and added_id not in r.stdout,
          "the removed token is gone from --list")
    check(BAKERY in r.stdout and len(json.loads(r.stdout)["channels"]) == 2,
          "the Page keeps its other token")
    check(keyring_items(added_id) == 0, "the removed token leaves no secret in the keyring")

    # --- no secret anywhere ----------------------------------------------------------------
    world = control("world")
    secrets = [t["token"] for t in world.get("tokens", [])] + [garbage]
    check(len(secrets) >= 5, f"the emulator issued the tokens ({len(secrets) - 1})")
    leaks = []
    for secret in secrets:
        for i, text in enumerate(outputs):
            if secret in text:
                leaks.append(f"output {i}")
        for folder, _, names in os.walk(data_home):
            for name in names:
                with open(os.path.join(folder, name), "rb") as f:
                    if secret.encode() in f.read():
                        leaks.append(os.path.join(folder, name))
    check(not leaks, f"no token string in any output or in the data folder ({leaks[:3]})")
except Exception as error:  # a step that could not even run is a failure, not a crash
    check(False, f"the script stopped early: {type(error).__name__}: {error}")
finally:
    stop(sandbox)
    shutil.rmtree(tmp, ignore_errors=True)

print(f"{check.passed} passed, {len(check.failures)} failed")
sys.exit(1 if check.failures else 0)
