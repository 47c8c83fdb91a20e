#!/usr/bin/python3
"""Secret hygiene (issue 8): no token string anywhere it should not be.

The real `socialhub` binary runs the ordinary command-line scenarios against
the standalone emulator, with every GLib debug message on: Facebook (sign-in
with a device code, a pasted Page token with --owner and the same one
again, a pasted user token, a refused
made-up token, --list, --check through a 503 and an expired token,
--remove-token) and X (the browser sign-in, played here, a pasted access
token, a check after the access token ran out so that it is renewed, a
removal that revokes), Instagram accounts found on the Pages, unlinked and
without instagram_basic (issue 19), then the token broker of issue 17 (--print-token
with and without the app running, GetAccessToken over the session bus from
the app in the background, its output swept), then the restore offer of issue #13 (an older data
file put back: the running app offers a secret no channel lists and
restores it on app.restore-tokens) and the migration of a keyring item
written with a path before 0.3. Then every token the emulator ever issued, the
refused one, and 12-character pieces of each (a truncated print) are looked
for in:
  - every line of every command's standard output and error;
  - every file under the test's HOME, XDG_DATA_HOME, XDG_CACHE_HOME,
    XDG_CONFIG_HOME, XDG_RUNTIME_DIR and TMPDIR (the emulator's state file
    is there too);
  - every URL the emulator received (GET /control/requests: method, path and
    query, never a header or a body), raw and percent-decoded: a token goes
    in a header or a form body, never in a URL.
None may be found. A failure says where, and shows a token only redacted.

Usage: secret-sweep.py SOCIALHUB SOCIALHUB_SANDBOX  (inside build-aux/with-session.sh)
"""
import hashlib
import json
import os
import pty
import re
import secrets
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

from shtest.sandbox import app_env, control as sandbox_control, start_sandbox
from shtest.session import free_port, start_fake_notifications, stop, wait_until

SOCIALHUB, SANDBOX = sys.argv[1], sys.argv[2]
CAROL, DAN = "10003", "10004"
ACME, BAKERY, CORNER = "104857600123", "104857600456", "104857600789"
ACME_IG = "17841400000000123"
X_ACME, X_BAKERY = "44196397", "44196398"
FRAGMENT = 12

passed = 0
failures = []
outputs = []          # (label, text): every stdout and stderr the app printed
known = set()         # token strings seen so far (for redacting failure messages)


def redact(text):
    """@text with every known token (and piece of one) and every long
    token-like run replaced: failure messages quote the app's output."""
    text = str(text)
    for token in sorted(known, key=len, reverse=True):
        for piece in pieces(token):
            text = text.replace(piece, "[token]")
    return re.sub(r"[A-Za-z0-9_-]{40,}", "[long string]", text)


def check(condition, what):
    global passed
    if not condition:
        try:
            learn_tokens()
        except Exception:   # the emulator is gone: the long-run redaction still holds
            pass
    what = redact(what)
    print(("ok    " if condition else "FAIL  ") + what, flush=True)
    if condition:
        passed += 1
    else:
        failures.append(what)
    return condition


def pieces(token):
    """The token and every FRAGMENT-character piece of it."""
    return [token] + [token[i:i + FRAGMENT] for i in range(len(token) - FRAGMENT + 1)]


def shown(token):
    """A token as a failure message may show it."""
    return (f"{'EAA' if token.startswith('EAA') else ''}… ({len(token)} chars, sha256 "
            f"{hashlib.sha256(token.encode()).hexdigest()[:12]})")


def start_quiet_sandbox(state, log):
    """The emulator, its messages in @log (a swept file). No debug messages:
    GLib writes them to standard output, which is read only at the start."""
    quiet = {k: v for k, v in os.environ.items() if k != "G_MESSAGES_DEBUG"}
    with open(log, "wb") as stderr:
        return start_sandbox(SANDBOX, state, stderr=stderr, env=quiet, instagram=True)


tmp = tempfile.mkdtemp(prefix="socialhub-sweep-")
state_file = os.path.join(tmp, "world.json")
sandbox, variables = start_quiet_sandbox(state_file, os.path.join(tmp, "sandbox.log"))
base_url = variables["SOCIALHUB_SANDBOX_URL"]
redirect_port = free_port()
# Every GLib debug message (they go to standard output); SOCIALHUB_DEBUG_STARTUP
# is the app's only debug switch of its own (the window's first frame).
# The keyfile GSettings backend, so that `gsettings set` turns the token
# broker on for every process (its file is swept too).
env = app_env(variables, G_MESSAGES_DEBUG="all",
              SOCIALHUB_DEBUG_STARTUP="1", SOCIALHUB_X_BROWSER="none",
              SOCIALHUB_X_REDIRECT_PORT=str(redirect_port), GSETTINGS_BACKEND="keyfile")


def control(action, **form):
    """The emulator's control endpoint; tokens go in the form body, never in
    the URL (the URL sweep reads these requests too)."""
    return sandbox_control(base_url, action, **form)


def learn_tokens():
    """Every token the emulator issued so far (used for redacting)."""
    for token in control("world").get("tokens", []):
        if "token" in token:
            known.add(token["token"])


def run(label, *args, stdin=None, timeout=90):
    r = subprocess.run([SOCIALHUB, *args], env=env, input=stdin, capture_output=True,
                       text=True, timeout=timeout)
    outputs.append((f"{label}: stdout", r.stdout))
    outputs.append((f"{label}: stderr", r.stderr))
    return r


def json_of(r):
    """The JSON document on standard output, where GLib also writes its
    debug messages (G_MESSAGES_DEBUG): the first line that starts one."""
    text = r.stdout
    for match in re.finditer(r"^\{", text, re.MULTILINE):
        try:
            return json.JSONDecoder().raw_decode(text[match.start():])[0]
        except ValueError:
            continue
    return {}


def channels_of(r):
    return {c["external_id"]: c for c in json_of(r).get("channels", [])}


def add_token(label, network, token, *options):
    known.add(token)
    return run(label, "--add-token", network, *options, stdin=token + "\n")


def x_login(label):
    """--login x with the browser played here: read the address the app
    prints (on a terminal, so that it comes at once), open it (the emulator
    approves at once and redirects to the app's loopback server), wait for
    the app to finish."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([SOCIALHUB, "--login", "x"], env=env, stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    seen, address = b"", None
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:     # the app closed its terminal: it has ended
                    break
                if not chunk:
                    break
                seen += chunk
                if address is None:
                    # Whole lines only: the address may come in pieces.
                    for line in seen.decode(errors="replace").split("\n")[:-1]:
                        if line.startswith(base_url + "/x/i/oauth2/authorize?"):
                            address = line.strip()
                    if address is not None:
                        try:
                            with urllib.request.urlopen(address, timeout=20) as answer:
                                answer.read()
                        except (urllib.error.URLError, OSError) as error:
                            check(False, f"{label}: the browser's round trip failed: {error}")
            elif proc.poll() is not None:
                break
        try:
            err = proc.communicate(timeout=60)[1]
        except subprocess.TimeoutExpired:
            proc.kill()
            err = proc.communicate()[1]
    finally:
        os.close(master)
    out = seen.decode(errors="replace").replace("\r\n", "\n")
    err = err.decode(errors="replace")
    outputs.append((f"{label}: stdout", out))
    outputs.append((f"{label}: stderr", err))
    return proc.returncode, out, err, address


def read_text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def keyring_stores(token_id):
    """The "store" attribute of every item of @token_id."""
    r = subprocess.run(["secret-tool", "search", "--all", "xdg:schema",
                        "io.socialhub.SocialHub.Token", "token-id", token_id],
                       capture_output=True, text=True)
    # secret-tool prints the secret too: it is read here, never shown.
    return [line.partition(" = ")[2] for line in (r.stdout + r.stderr).splitlines()
            if line.startswith("attribute.store = ")]


def print_token(label, channel_id):
    """--print-token: one line of its standard output is a known token (the
    others are GLib's debug messages, G_MESSAGES_DEBUG being on); the other
    lines and its standard error are swept."""
    r = subprocess.run([SOCIALHUB, "--print-token", channel_id], env=env, capture_output=True,
                       text=True, timeout=90)
    learn_tokens()
    lines = r.stdout.splitlines()
    printed = [line for line in lines if line in known]
    check(r.returncode == 0 and len(printed) == 1,
          f"{label}: --print-token prints one token the emulator issued, on a line of its "
          f"own (rc {r.returncode}, {len(printed)} tokens, {r.stderr[-300:]!r})")
    outputs.append((f"{label}: stdout but the token's line",
                    "\n".join(line for line in lines if line not in printed)))
    outputs.append((f"{label}: stderr", r.stderr))


def token_broker(channel_id):
    """The token broker (issue 17, 2), turned on: --print-token with no app
    running, then GetAccessToken over the session bus and a forwarded
    --print-token from the app running in the background with every debug
    message on (its output goes to a swept file). The token goes only to
    the reply and to standard output."""
    from gi.repository import Gio, GLib

    subprocess.run(["gsettings", "set", "io.socialhub.SocialHub", "token-broker", "true"],
                   env=env, check=True)
    print_token("print-token (no app running)", channel_id)
    log = open(os.path.join(tmp, "broker-service.log"), "w")
    app = subprocess.Popen([SOCIALHUB, "--gapplication-service"], env=env, stdout=log,
                           stderr=subprocess.STDOUT)
    try:
        bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)

        def get_access_token():
            try:
                return bus.call_sync("io.socialhub.SocialHub", "/io/socialhub/SocialHub",
                                     "io.socialhub.SocialHub.Broker1", "GetAccessToken",
                                     GLib.Variant("(s)", (channel_id,)), GLib.VariantType("(sxs)"),
                                     Gio.DBusCallFlags.NONE, 60000, None).unpack()
            except GLib.Error:
                return None

        reply = wait_until(get_access_token, timeout=60)
        learn_tokens()
        check(reply is not None and reply[0] in known,
              "GetAccessToken over the session bus answers a token the emulator issued")
        print_token("print-token (forwarded to the running app)", channel_id)
    finally:
        stop(app)
        log.close()
    r = run("list --json (hand-outs)", "--list", "--json")
    handouts = [h for c in json_of(r).get("channels", []) if c["id"] == channel_id
                for t in c["tokens"] for h in t.get("handouts", [])]
    check([h["via"] for h in handouts] == ["command-line", "dbus", "command-line"],
          f"the three hand-outs are in the history ({handouts})")


def restore_offer_and_migration():
    """An older data file put back (the X account Bakery & Sons no longer
    listed, its secret still in the keyring) and a token written by
    SocialHub before 0.3 (its item named by the path of a data folder that
    has moved since). The running app, with debug messages on, offers the
    first back and restores it on app.restore-tokens, and adopts the second;
    then --check uses both. Everything they printed is swept."""
    data_dir = os.path.join(os.environ["XDG_DATA_HOME"], "socialhub")
    data_path = os.path.join(data_dir, "channels.json")
    with open(data_path) as f:
        data = json.load(f)
    check(any(c["external_id"] == X_BAKERY for c in data["channels"]),
          "the data file lists Bakery & Sons' X account before it is rolled back")
    data["channels"] = [c for c in data["channels"] if c["external_id"] != X_BAKERY]

    legacy = control("issue-token", kind="fb-page", person=CAROL, target=BAKERY).get("token", "")
    known.add(legacy)
    legacy_id = str(uuid.uuid4())
    bakery = [c for c in data["channels"] if c["external_id"] == BAKERY]
    check(len(bakery) == 1, "the data file lists the Bakery & Sons Page")
    if not bakery:
        return
    bakery[0]["tokens"].append({"id": legacy_id, "owner": {"id": CAROL, "name": "Carol"}})
    with open(data_path, "w") as f:
        json.dump(data, f)
    subprocess.run(["secret-tool", "store", "--label", "SocialHub access token",
                    "xdg:schema", "io.socialhub.SocialHub.Token", "token-id", legacy_id,
                    "channel-id", bakery[0]["id"], "network", "facebook", "format-version", "1",
                    "store", "/home/before-the-move/.local/share/socialhub"],
                   input=json.dumps({"version": 1, "access_token": legacy, "expires_at": 0}),
                   text=True, check=True)

    log_path = os.path.join(tmp, "service.log")
    with open(log_path, "w") as log:
        service = subprocess.Popen([SOCIALHUB, "--gapplication-service"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        check(wait_until(lambda: "Reconciled:" in read_text(log_path), 60),
              "the app reconciled the keyring at its start")
        check("1 secrets in the keyring that no channel lists" in read_text(log_path),
              "... and found the X account's secret that no channel lists")
        activated = subprocess.run(["gdbus", "call", "--session", "--dest", "io.socialhub.SocialHub",
                                    "--object-path", "/io/socialhub/SocialHub", "--method",
                                    "org.gtk.Actions.Activate", "restore-tokens", "[]", "{}"],
                                   capture_output=True, text=True, timeout=20)
        check(activated.returncode == 0, f"app.restore-tokens is activated ({activated.stderr.strip()})")
        check(wait_until(lambda: "Restored 1 tokens" in read_text(log_path), 60),
              "the app restored the offered token")
    finally:
        service.terminate()
        try:
            service.wait(timeout=20)
        except subprocess.TimeoutExpired:
            service.kill()
            service.wait()
    outputs.append(("gapplication-service: output", read_text(log_path)))

    r = run("list --json (restored)", "--list", "--json")
    check(X_BAKERY in channels_of(r), "--list --json shows the restored X account again")
    r = run("check --json (restored, migrated)", "--check", "--json")
    tokens = {t["id"]: t for c in json_of(r).get("channels", []) for t in c["tokens"]}
    check(legacy_id in tokens and tokens[legacy_id]["reason"] != "secret-missing",
          f"the old item's token is checked with its secret "
          f"({tokens.get(legacy_id, {}).get('reason')})")
    with open(data_path) as f:
        store_id = json.load(f).get("store_id")
    check(keyring_stores(legacy_id) == [store_id],
          "the old item now names the data file's store id, not a path")


notifications = None
# The notification server writes what it is sent inside the swept folders,
# so that notifications are swept too.
notifications_log = os.path.join(tmp, "notifications.json")
try:
    notifications = start_fake_notifications(notifications_log, stderr=subprocess.DEVNULL)
    check(control("approve-delay", seconds="0").get("ok") is True,
          "the emulator approves sign-ins at once")
    check(control("allow-redirect", uri=f"http://127.0.0.1:{redirect_port}/callback").get("ok")
          is True, "the emulator takes this test's X redirect address")

    # --- Facebook ------------------------------------------------------------
    r = run("login facebook", "--login", "facebook", "--channel", "Acme Coffee")
    check(r.returncode == 0 and "Added the token of Alice Example to Acme Coffee" in r.stdout,
          f"--login facebook adds Alice's token (rc {r.returncode}, {r.stderr[-300:]!r})")

    page = control("issue-token", kind="fb-page", person=CAROL, target=BAKERY).get("token", "")
    r = add_token("add-token facebook (Page token)", "facebook", page, "--owner", "Carol Example")
    check(r.returncode == 0 and "Added the token of Carol Example to Bakery & Sons" in r.stdout,
          f"--add-token facebook --owner adds a pasted Page token with its person (rc {r.returncode}, "
          f"{r.stderr[-300:]!r})")
    r = add_token("add-token facebook (the same Page token)", "facebook", page)
    check(r.returncode == 0 and "in SocialHub already" in r.stdout,
          f"the same Page token again adds nothing, exit status 0 (rc {r.returncode}, "
          f"{r.stderr[-300:]!r})")

    user = control("issue-token", kind="fb-user", person=DAN).get("token", "")
    r = add_token("add-token facebook (user token)", "facebook", user)
    check(r.returncode == 0 and "Corner Bookshop" in r.stdout,
          f"--add-token facebook adds a pasted user token's Page (rc {r.returncode}, "
          f"{r.stderr[-300:]!r})")

    refused = "EAA" + secrets.token_urlsafe(135)[:180]
    r = add_token("add-token facebook (refused)", "facebook", refused)
    check(r.returncode == 70 and "refused" in r.stderr,
          f"a made-up token is refused with exit status 70 (rc {r.returncode}, {r.stderr[-300:]!r})")

    r = run("list", "--list")
    check(r.returncode == 0 and "Acme Coffee" in r.stdout, f"--list (rc {r.returncode})")
    r = run("list --json", "--list", "--json")
    listed = channels_of(r)
    check(r.returncode == 0 and {ACME, BAKERY, CORNER} <= set(listed),
          f"--list --json shows the three Pages (rc {r.returncode}, {sorted(listed)})")

    r = run("check", "--check")
    check(r.returncode == 0, f"--check exits 0 with every token good (rc {r.returncode}, "
                             f"{r.stderr[-300:]!r})")
    # --- Instagram (issue 19): accounts living on their Pages' tokens --------
    r = run("list --json (instagram)", "--list", "--json")
    instagram = {c["external_id"]: c for c in json_of(r).get("channels", [])
                 if c["network"] == "instagram"}
    check(len(instagram) == 2, f"the check found the two Pages' Instagram accounts ({sorted(instagram)})")
    check(control("withhold-instagram", person=CAROL).get("ok") is True,
          "Carol withholds instagram_basic")
    check(control("unlink-instagram", page=ACME).get("ok") is True,
          "Acme Coffee's Instagram account is unlinked")
    r = run("check --json (instagram unlinked, withheld)", "--check", "--json")
    states = {k: c["state"] for k, c in channels_of(r).items() if c["network"] == "instagram"}
    check(r.returncode == 2 and set(states.values()) == {"disconnected"},
          f"both Instagram channels are disconnected (rc {r.returncode}, {states})")
    check(control("restore", person=CAROL).get("ok") is True and
          control("link-instagram", page=ACME, id=ACME_IG, username="acmecoffee").get("ok") is True,
          "Carol grants instagram_basic again and Acme's account is linked again")
    r = run("check (instagram again)", "--check")
    check(r.returncode == 0, f"--check connects both Instagram channels again (rc {r.returncode})")

    check(control("fault", network="graph", kind="status", status="503").get("ok") is True,
          "the Graph answers 503 from now on")
    r = run("check --json (503)", "--check", "--json")
    check(r.returncode == 3, f"--check --json exits 3 on a 503 (rc {r.returncode})")
    check(control("clear-faults").get("ok") is True, "the Graph answers again")
    check(control("expire-token", token=page).get("ok") is True, "the pasted Page token expires")
    r = run("check --json (expired)", "--check", "--json")
    bakery = channels_of(r).get(BAKERY, {})
    check(r.returncode == 2 and bakery.get("state") == "disconnected",
          f"--check --json: Bakery & Sons is disconnected (rc {r.returncode}, "
          f"{bakery.get('state')})")

    corner = listed.get(CORNER, {}).get("tokens", [])
    corner_id = corner[0]["id"] if corner else ""
    r = run("remove-token facebook", "--remove-token", corner_id)
    check(r.returncode == 0, f"--remove-token removes Dan's token (rc {r.returncode}, "
                             f"{r.stderr[-300:]!r})")

    # --- X --------------------------------------------------------------------
    rc, out, err, address = x_login("login x")
    check(address is not None, "--login x prints the address to open")
    check(rc == 0 and "Added the token of Acme Coffee to @acmecoffee" in out,
          f"--login x adds the account's token (rc {rc}, {err[-300:]!r})")

    issued = control("issue-token", kind="x", person=CAROL, target=X_BAKERY)
    known.add(issued.get("refresh_token", ""))
    r = add_token("add-token x", "x", issued.get("token", ""))
    check(r.returncode == 0 and "Bakery & Sons" in r.stdout,
          f"--add-token x adds a pasted access token (rc {r.returncode}, {r.stderr[-300:]!r})")

    r = run("check --json (x)", "--check", "--json")
    checked = channels_of(r)
    check(checked.get(X_ACME, {}).get("state") == "connected" and
          checked.get(X_BAKERY, {}).get("state") == "connected",
          f"--check --json: both X accounts are connected (rc {r.returncode}, "
          f"{r.stderr[-300:]!r})")
    before = len(control("world").get("tokens", []))
    # Past the X access tokens' two hours: the signed-in one is renewed with
    # its refresh token (a new pair), the pasted one has none.
    check(control("advance", seconds="7300").get("ok") is True, "two hours pass for the emulator")
    r = run("check --json (x renewed)", "--check", "--json")
    checked = channels_of(r)
    check(checked.get(X_ACME, {}).get("state") == "connected",
          f"--check --json after two hours: the signed-in X account is still connected "
          f"(rc {r.returncode}, {r.stderr[-300:]!r})")
    check("X: renewing one access token" in r.stdout + r.stderr,
          "the renewal shows in the debug messages (G_MESSAGES_DEBUG is on)")
    world = control("world")
    renewed = [t for t in world.get("tokens", [])[before:] if t["kind"] in ("x", "x-refresh")]
    check(len(renewed) >= 2, f"the X access token was renewed ({len(renewed)} new X tokens)")
    r = run("list --json (x)", "--list", "--json")
    x_ids = [t["id"] for t in channels_of(r).get(X_ACME, {}).get("tokens", [])]
    check(len(x_ids) == 1, f"--list --json shows the signed-in X account's token ({len(x_ids)})")
    r = run("remove-token x", "--remove-token", x_ids[0] if x_ids else "")
    check(r.returncode == 0, f"--remove-token revokes and removes the X token (rc {r.returncode}, "
                             f"{r.stderr[-300:]!r})")
    r = run("check (end)", "--check")
    check(r.returncode in (1, 2), f"a last --check (rc {r.returncode})")

    # --- the token broker (issue 17) ----------------------------------------------
    token_broker(listed.get(ACME, {}).get("id", "?"))
    # An Instagram channel hands out its Page's token.
    print_token("print-token (instagram)", instagram.get(ACME_IG, {}).get("id", "?"))

    # --- the restore offer and the migration of old items (issue #13) ---------
    restore_offer_and_migration()
except Exception as error:  # a step that could not run is a failure, not a crash
    check(False, f"the scenarios stopped early: {type(error).__name__}: {error}")

# --- the sweep -----------------------------------------------------------------
tokens, urls = sorted(t for t in known if t), []
try:
    world = control("world")
    issued_tokens = [t["token"] for t in world.get("tokens", []) if "token" in t]
    tokens = sorted(set(issued_tokens) | {t for t in known if t})
    known.update(tokens)
    check(len(issued_tokens) == len(world.get("tokens", [])) and len(issued_tokens) >= 12,
          f"the emulator knows every token it issued ({len(issued_tokens)})")
    kinds = {t["kind"] for t in world.get("tokens", [])}
    check({"fb-user", "fb-page", "x", "x-refresh"} <= kinds,
          f"user, Page, X access and X refresh tokens were issued ({sorted(kinds)})")
    urls = control("requests").get("requests", [])
    check(any(u.startswith("POST /x/2/oauth2/token") for u in urls) and
          any(u.startswith("POST /x/2/oauth2/revoke") for u in urls) and
          any(u.startswith("GET /graph/") for u in urls),
          f"the emulator's request log has the Graph and X requests ({len(urls)})")
except Exception as error:
    check(False, f"the emulator could not be asked: {type(error).__name__}: {error}")
finally:
    if notifications is not None:
        notifications.terminate()
        notifications.wait(timeout=10)
    sandbox.terminate()
    try:
        sandbox.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        sandbox.kill()
        sandbox.communicate()



def windows_of(tokens):
    """Every FRAGMENT-character piece of every token → that token."""
    return {token[i:i + FRAGMENT]: token for token in tokens
            for i in range(max(1, len(token) - FRAGMENT + 1))}


def found_in(data):
    """(token, whole) for the first known token found in @data (str or
    bytes), whole or as any FRAGMENT-character piece of it; None when
    there is none."""
    text = data.decode("latin-1") if isinstance(data, bytes) else data
    for i in range(len(text) - FRAGMENT + 1):
        token = windows.get(text[i:i + FRAGMENT])
        if token is not None:
            return token, token in text
    return None


def describe(where, hit):
    token, whole = hit
    return f"{where}: {shown(token)}" + ("" if whole else f" (a {FRAGMENT}-character piece)")


leaks = []
windows = windows_of(tokens)
try:
    # The sweep itself must see a leak where there is one: a whole token in
    # a line, a 12-character piece of one in a file's bytes, and one
    # percent-encoded in a URL.
    sample = tokens[0] if tokens else "EAA" + secrets.token_urlsafe(30)
    check(found_in("socialhub: got " + sample + "\n") is not None and
          found_in(b"\x00..." + sample[-FRAGMENT - 2:-2].encode() + b"...") is not None and
          found_in(urllib.parse.unquote_plus("GET /me?t=" + urllib.parse.quote(sample, safe="")))
          is not None and found_in("nothing to see here") is None,
          "the sweep finds a token, a piece of one and an encoded one where they are")

    n_lines = 0
    for label, text in outputs:
        for number, line in enumerate(text.splitlines(), 1):
            n_lines += 1
            hit = found_in(line)
            if hit:
                leaks.append(describe(f"{label}, line {number}", hit))

    check(os.path.isfile(state_file), "the emulator kept its state file")
    folders = {os.environ[name] for name in ("HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
                                               "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "TMPDIR")
               if os.environ.get(name)} | {tmp}
    swept_files = set()
    for top in sorted(folders):
        for folder, _, names in os.walk(top):
            for name in names:
                path = os.path.realpath(os.path.join(folder, name))
                if path in swept_files or not os.path.isfile(path):
                    continue
                try:
                    with open(path, "rb") as f:
                        data = f.read()
                except OSError as error:
                    check(False, f"{path} can be read for the sweep ({error})")
                    continue
                swept_files.add(path)
                hit = found_in(data)
                if hit:
                    leaks.append(describe(f"file {path}", hit))
    check(os.path.realpath(state_file) in swept_files, "the state file is among the files swept")
    check(os.path.realpath(notifications_log) in swept_files,
          "the notifications sent are among the files swept")
    home = os.environ.get("HOME", "")
    print("# files swept: " + ", ".join(sorted(os.path.relpath(p, os.path.dirname(home))
                                                for p in swept_files)), flush=True)

    for i, url in enumerate(urls):
        for text in (url, urllib.parse.unquote_plus(url)):
            hit = found_in(text)
            if hit:
                leaks.append(describe(f"URL {i} ({url.split('?')[0]})", hit))
                break

    print(f"# swept {len(outputs)} outputs ({n_lines} lines), {len(swept_files)} files, "
          f"{len(urls)} URLs for {len(tokens)} token strings: {len(leaks)} hits", flush=True)
    for leak in leaks[:20]:
        print("#   " + leak, flush=True)
    check(len(tokens) >= 12 and not leaks, f"no token string anywhere ({len(leaks)} hits)")
except Exception as error:  # a step that could not run is a failure, not a crash
    check(False, f"the sweep stopped early: {type(error).__name__}: {error}")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
