#!/usr/bin/python3
"""The command line as a script or a person uses it: `socialhub --list`
prints the stored channels in ARCHITECTURE.md's JSON, wrong arguments are refused
with a clear message, and a command given while the window is open is
answered by that running instance. With the standalone emulator,
--add-token is idempotent (the same token twice adds nothing, names the
token there and exits 0) and --owner names the person a Page token does not.

Usage: cli.py SOCIALHUB FIXTURE [SOCIALHUB_SANDBOX]  (inside build-aux/with-session.sh)
"""
import json
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import time

from shtest.sandbox import control as sandbox_control, start_sandbox
from shtest.session import Checks

SOCIALHUB, FIXTURE = sys.argv[1], sys.argv[2]
SANDBOX = sys.argv[3] if len(sys.argv) > 3 else None
check = Checks()


def run(*args, data_home, stdin=None, timeout=20, extra_env=None, **kwargs):
    env = dict(os.environ, XDG_DATA_HOME=data_home, LANGUAGE="C", LC_ALL="C.UTF-8",
               **(extra_env or {}))
    if stdin == subprocess.DEVNULL:
        kwargs["stdin"], stdin = stdin, None
    return subprocess.run([SOCIALHUB, *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=timeout, **kwargs)


def no_token_refusal(r):
    """--add-token with nothing to read: refused, and not a crash."""
    return (r.returncode == 64 and r.stderr.startswith("socialhub: ")
            and "no access token on standard input" in r.stderr.lower()
            and "CRITICAL" not in r.stderr)


def add_token_at_terminal(data_home, keys, network="facebook"):
    """--add-token on a real terminal (a pty) where a person types @keys."""
    master, slave = pty.openpty()
    env = dict(os.environ, XDG_DATA_HOME=data_home, LANGUAGE="C", LC_ALL="C.UTF-8")
    proc = subprocess.Popen([SOCIALHUB, "--add-token", network], env=env, stdin=slave,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.close(slave)
    # The terminal's line discipline holds the keys until the program reads:
    # Ctrl+D on an empty line then reads as the end of input.
    os.write(master, keys)
    try:
        out, err = proc.communicate(timeout=20)
    finally:
        os.close(master)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def fresh_home(fixture=FIXTURE):
    home = tempfile.mkdtemp(prefix="socialhub-cli-")
    os.makedirs(os.path.join(home, "socialhub"))
    if fixture:
        shutil.copy(fixture, os.path.join(home, "socialhub", "channels.json"))
    return home


# --list --json: exactly ARCHITECTURE.md's fields, states derived from the tokens.
home = fresh_home()
r = run("--list", "--json", data_home=home)
check(r.returncode == 0, "--list --json exits 0")
out = json.loads(r.stdout)
check(list(out.keys()) == ["channels"], "top level holds only 'channels'")
check(len(out["channels"]) == 2, "both stored channels are listed")
page, account = out["channels"]
check(list(page.keys()) == ["id", "network", "external_id", "name", "state", "people_linked",
                            "tokens"],
      "channel fields are ARCHITECTURE.md's, in its order")
check(page["people_linked"] == 1 and account["people_linked"] == 1,
      "people_linked counts the people whose tokens work: Alice on the Page (Bob's is "
      "invalid), Carol on the account (not rechecked offline, her last verdict stands)")
check(page["network"] == "facebook" and page["external_id"] == "104857600123"
      and page["name"] == "Acme Coffee", "channel identity is printed as stored")
check(page["state"] == "degraded", "one valid and one invalid token make the Page degraded")
check([list(t.keys()) for t in page["tokens"]] ==
      [["id", "owner", "state", "reason", "verdict", "expires_at", "checked_at", "handouts"]] * 2,
      "token fields are ARCHITECTURE.md's, in its order")
alice, bob = page["tokens"]
check(alice["owner"] == "Alice Example" and alice["state"] == "valid" and alice["reason"] is None,
      "a valid token has no reason")
check(alice["verdict"] == {"state": "valid", "reason": None, "at": 1764000000},
      "a valid token's verdict has no reason either")
check(bob == {"id": "5a0f5e1c-0a7b-4d47-8a43-0b7a9c1e2f02", "owner": "Bob Sample",
              "state": "invalid", "reason": "password-changed",
              "verdict": {"state": "invalid", "reason": "password-changed", "at": 1764000100},
              "expires_at": 0, "checked_at": 1764000100, "handouts": []},
      "an invalid token says why, as stored")
carol = account["tokens"][0]
check(carol["state"] == "unknown" and carol["reason"] == "offline",
      "a token not checked while offline reads unknown/offline")
check(carol["verdict"] == {"state": "valid", "reason": None, "at": 1764000000},
      "a token not checked while offline keeps its last verdict")
check(account["state"] == "connected",
      "an offline check does not disconnect a channel whose last verdict was valid")

r = run("--list", data_home=home)
check(r.returncode == 0 and "Acme Coffee (Facebook Page): Degraded, 1 of 2 tokens valid" in r.stdout,
      "--list prints a readable summary")
check("changed their password" in r.stdout, "--list explains why a token died")
check("Bob Sample: invalid (password changed)\n" in r.stdout,
      f"--list gives a dead token its verdict and no expiry: {r.stdout!r}")
check("Carol Test: valid, not rechecked: offline" in r.stdout,
      f"--list gives the last verdict, then the attempt that reached none: {r.stdout!r}")

# A token never judged: "verdict" is null; one from a file written before the
# last verdict had its own field keeps its state as the verdict.
with open(FIXTURE) as f:
    older = json.load(f)
older["channels"][0]["tokens"][0].update(state="unknown", reason="offline", last_verdict="unknown",
                                         last_verdict_reason="", checked_at=0)
for t in older["channels"][0]["tokens"][1:]:
    del t["last_verdict"], t["last_verdict_reason"]
older_home = fresh_home(None)
with open(os.path.join(older_home, "socialhub", "channels.json"), "w") as f:
    json.dump(older, f)
r = run("--list", "--json", data_home=older_home)
tokens = json.loads(r.stdout)["channels"][0]["tokens"]
check(r.returncode == 0 and tokens[0]["verdict"] is None, "a token never judged has verdict null")
check(tokens[1]["verdict"] == {"state": "invalid", "reason": "password-changed", "at": 1764000100},
      "an older file's invalid token keeps its verdict")
r = run("--list", data_home=older_home)
check("Alice Example: not checked: offline\n" in r.stdout,
      f"--list says a token was never checked, and why: {r.stdout!r}")

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
# Options GLib itself parses: the same "socialhub:" and 64, as the README says.
for args, words in [(["--frobnicate"], "Unknown option --frobnicate"),
                    (["--add-token"], "Missing argument for --add-token"),
                    (["--list", "--remove-token"], "Missing argument for --remove-token")]:
    r = run(*args, data_home=home)
    check(r.returncode == 64 and r.stderr.startswith("socialhub: ") and words in r.stderr
          and r.stdout == "", f"{' '.join(args)!r} is refused with 64: {r.stderr.strip()}")
r = run("--help", data_home=home)
check(r.returncode == 0 and "--add-token" in r.stdout, "--help still lists the options")

# Nothing on standard input, however it comes: refused, never a crash.
r = run("--add-token", "facebook", data_home=home, stdin="\n")
check(no_token_refusal(r), "--add-token with an empty line on standard input says so")
r = run("--add-token", "x", data_home=home, stdin=subprocess.DEVNULL)
check(no_token_refusal(r), f"--add-token x </dev/null is refused (rc {r.returncode}): {r.stderr.strip()!r}")
r = run("--add-token", "facebook", data_home=home, stdin="")
check(no_token_refusal(r), f"printf '' | --add-token facebook is refused (rc {r.returncode}): "
                           f"{r.stderr.strip()!r}")
# <&-: descriptor 0 is closed, and the next file the process opens would
# take it; nothing may be read from that.
r = run("--add-token", "facebook", data_home=home, preexec_fn=lambda: os.close(0))
check(no_token_refusal(r) and "closed" in r.stderr,
      f"--add-token facebook <&- is refused: standard input is closed (rc {r.returncode}): "
      f"{r.stderr.strip()!r}")
r = add_token_at_terminal(home, b"\x04")
check(no_token_refusal(r), f"Ctrl+D at an empty prompt on a terminal is refused (rc {r.returncode}): "
                           f"{r.stderr.strip()!r}")

# --owner belongs to --add-token alone, and needs a name.
for args, words in [(["--list", "--owner", "Carol"], "--owner goes with --add-token"),
                    (["--login", "facebook", "--owner", "Carol"], "--owner goes with --add-token"),
                    (["--add-token", "facebook", "--owner", "  "], "--owner needs a name")]:
    r = run(*args, data_home=home, stdin="")
    check(r.returncode == 64 and words in r.stderr, f"{' '.join(args)!r} is refused: {r.stderr.strip()}")


def files_holding(folder, secret):
    """Every file under @folder that holds @secret."""
    hits = []
    for top, _, names in os.walk(folder):
        for name in names:
            with open(os.path.join(top, name), "rb") as f:
                if secret.encode() in f.read():
                    hits.append(os.path.join(top, name))
    return hits


# Adding the same token twice (issue 13): the second time nothing is added,
# the message names the token and channel there, and the exit status is 0.
# A Page token does not name its person: --owner does; a user token's /me
# does, and that name wins.
if SANDBOX is None:
    print("SKIP  adding tokens needs the emulator")
else:
    tmp = tempfile.mkdtemp(prefix="socialhub-cli-sandbox-")
    sandbox, variables = start_sandbox(SANDBOX, os.path.join(tmp, "world.json"))
    base_url = variables["SOCIALHUB_SANDBOX_URL"]
    world_env = {k: v for k, v in variables.items() if k.startswith("SOCIALHUB_")}

    def control(action, **form):
        return sandbox_control(base_url, action, **form)

    def listed(home):
        r = run("--list", "--json", data_home=home, extra_env=world_env)
        return {c["external_id"]: c for c in json.loads(r.stdout)["channels"]}

    try:
        home = fresh_home(None)
        page = control("issue-token", kind="fb-page", person="10003", target="104857600456")["token"]
        r = run("--add-token", "facebook", "--owner", " Carol Example ", data_home=home,
                stdin=page + "\n", extra_env=world_env)
        check(r.returncode == 0 and "Added the token of Carol Example to Bakery & Sons" in r.stdout,
              f"--add-token --owner names the person of a Page token ({r.returncode}, "
              f"{r.stdout.strip()!r} {r.stderr.strip()!r})")
        bakery = listed(home).get("104857600456", {})
        tokens = bakery.get("tokens", [])
        check([t["owner"] for t in tokens] == ["Carol Example"],
              f"--list shows the owner given with --owner ({tokens})")
        token_id = tokens[0]["id"] if tokens else "?"

        r = run("--add-token", "facebook", data_home=home, stdin=page + "\n", extra_env=world_env)
        check(r.returncode == 0, f"the same Page token again exits 0 ({r.returncode}, {r.stderr.strip()!r})")
        check("in SocialHub already" in r.stdout and "Carol Example" in r.stdout and
              "Bakery & Sons (Facebook Page)" in r.stdout and token_id in r.stdout,
              f"the message names the token and channel there: {r.stdout.strip()!r}")
        tokens = listed(home).get("104857600456", {}).get("tokens", [])
        check([t["id"] for t in tokens] == [token_id],
              f"the same Page token pasted twice is one token ({len(tokens)})")

        # A user token: /me names Dan; his name wins over --owner.
        user = control("issue-token", kind="fb-user", person="10004")["token"]
        r = run("--add-token", "facebook", "--owner", "Somebody Else", data_home=home,
                stdin=user + "\n", extra_env=world_env)
        check(r.returncode == 0 and "Added the token of Dan" in r.stdout and
              "--owner is not used" in r.stderr,
              f"a user token's own name wins over --owner ({r.returncode}, {r.stdout.strip()!r}, "
              f"{r.stderr.strip()!r})")
        # Again: the Graph hands out its Page tokens anew, and a person's new
        # token replaces their old one, so the Page still has one token.
        r = run("--add-token", "facebook", data_home=home, stdin=user + "\n", extra_env=world_env)
        tokens = listed(home).get("104857600789", {}).get("tokens", [])
        check(r.returncode == 0 and len(tokens) == 1,
              f"the same user token again leaves one token on its Page ({r.returncode}, "
              f"{len(tokens)} tokens)")

        # X: the same access token twice.
        x = control("issue-token", kind="x", person="10003", target="44196398")["token"]
        r = run("--add-token", "x", data_home=home, stdin=x + "\n", extra_env=world_env)
        check(r.returncode == 0 and "Added" in r.stdout, f"--add-token x adds a token ({r.returncode})")
        r = run("--add-token", "x", data_home=home, stdin=x + "\n", extra_env=world_env)
        check(r.returncode == 0 and "in SocialHub already" in r.stdout and "(X Account)" in r.stdout,
              f"the same X token again adds nothing ({r.returncode}, {r.stdout.strip()!r})")
        check(len(listed(home).get("44196398", {}).get("tokens", [])) == 1,
              "the X account has one token")

        check(not any(files_holding(home, t) for t in (page, user, x)),
              "no token is written into the data folder")
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)

# A damaged data file: the list still prints, the user is told, nothing lost.
home = fresh_home()
path = os.path.join(home, "socialhub", "channels.json")
with open(path, "w") as f:
    f.write('{"format": "io.socialhub.SocialHub/channels", "version": 1, "chan')
r = run("--list", "--json", data_home=home)
aside = [n for n in os.listdir(os.path.join(home, "socialhub")) if n.startswith("channels.json.damaged-")]
check(r.returncode == 0 and json.loads(r.stdout) == {"channels": []}, "a damaged file still lists")
check("damaged" in r.stderr and len(aside) == 1, "the damaged file is set aside and reported")

def wait_owned(seconds):
    deadline = time.monotonic() + seconds
    while True:
        q = subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
                            "--object-path", "/org/freedesktop/DBus", "--method",
                            "org.freedesktop.DBus.NameHasOwner", "io.socialhub.SocialHub"],
                           capture_output=True, text=True)
        if "true" in q.stdout:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


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
        check(wait_owned(20), "the window's instance owns io.socialhub.SocialHub")
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

        # Nothing on standard input, forwarded: the window refuses it and
        # lives on (it still answers, with what it holds).
        for label, stdin in [("</dev/null", subprocess.DEVNULL), ("an empty pipe", "")]:
            r = run("--add-token", "facebook", data_home=home, stdin=stdin)
            check(no_token_refusal(r), f"--add-token forwarded with {label} is refused "
                                       f"(rc {r.returncode}): {r.stderr.strip()!r}")
        r = add_token_at_terminal(home, b"\x04")
        check(no_token_refusal(r), f"Ctrl+D on a terminal, forwarded, is refused (rc {r.returncode})")
        r = run("--add-token", "facebook", data_home=home, preexec_fn=lambda: os.close(0))
        check(no_token_refusal(r) and "closed" in r.stderr,
              f"a closed standard input is refused before anything is forwarded (rc {r.returncode})")
        r = run("--list", "--json", data_home=home)
        names = [c["name"] for c in json.loads(r.stdout)["channels"]] if r.returncode == 0 else []
        check(gui.poll() is None and names == ["Acme Coffee", "@acmecoffee"],
              f"the window survives them and still answers --list (got {names})")

        # A refusal by the running instance is an exit status, not 0.
        r = run("--list", "--sandbox", data_home=home)
        check(r.returncode == 69 and r.stdout == "" and "quit it to use the sandbox" in r.stderr,
              f"--list --sandbox while the real window runs exits 69 (rc {r.returncode}): "
              f"{r.stderr.strip()!r}")
    finally:
        gui.terminate()
        gui.wait(timeout=10)

    # The other way round, as a cron job meets it: a sandbox window is open
    # and a plain --check must not read as "all connected".
    home = fresh_home(None)
    env = dict(os.environ, XDG_DATA_HOME=home, LANGUAGE="C", GSK_RENDERER="cairo")
    gui = subprocess.Popen([SOCIALHUB, "--sandbox"], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        # Waited for without starting an instance of our own, which would
        # take the name first and turn the window into a remote.
        check(wait_owned(60) and gui.poll() is None, "the sandbox window's instance runs")
        r = run("--check", data_home=home)
        check(r.returncode == 69 and r.stdout == "" and
              r.stderr == "socialhub: SocialHub is running with the sandbox; quit it to use the "
                          "real networks.\n",
              f"--check while a sandbox window runs exits 69 and says why (rc {r.returncode}): "
              f"{r.stderr.strip()!r}")
        r = run("--add-token", "x", "--sandbox", data_home=home, stdin=subprocess.DEVNULL)
        check(no_token_refusal(r), f"--add-token x --sandbox </dev/null, forwarded, is refused "
                                   f"(rc {r.returncode})")
        check(gui.poll() is None and run("--list", "--sandbox", data_home=home).returncode == 0,
              "the sandbox window survives it and still answers")
    finally:
        gui.terminate()
        gui.wait(timeout=10)

sys.exit(1 if check.failures else 0)
