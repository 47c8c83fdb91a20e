#!/usr/bin/python3
"""The data file and the keyring through the real binary (issue #13, items 6
and 11): a FIFO or a symlink to /dev/zero in place of channels.json does not
hang or eat memory, a hand-edited token id can be removed, a token whose
secret is missing reads "secret-missing" (unknown, never invalid), and a
data folder that moved (another XDG_DATA_HOME) loses nothing.

Usage: store-cli.py SOCIALHUB FIXTURE  (inside build-aux/with-session.sh)
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

from shtest.session import Checks

SOCIALHUB, FIXTURE = sys.argv[1], sys.argv[2]
check = Checks()


def run(*args, data_home, stdin=None, timeout=20):
    env = dict(os.environ, XDG_DATA_HOME=data_home, LANGUAGE="C", LC_ALL="C.UTF-8")
    try:
        return subprocess.run([SOCIALHUB, *args], env=env, input=stdin, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def fresh_home(fixture=FIXTURE):
    home = tempfile.mkdtemp(prefix="socialhub-store-cli-")
    os.makedirs(os.path.join(home, "socialhub"))
    if fixture:
        shutil.copy(fixture, os.path.join(home, "socialhub", "channels.json"))
    return home


def keyring_items(token_id):
    """The attributes of every SocialHub item of @token_id, whatever its store."""
    r = subprocess.run(["secret-tool", "search", "--all", "--unlock",
                        "xdg:schema", "io.socialhub.SocialHub.Token", "token-id", token_id],
                       capture_output=True, text=True)
    items, current = [], None
    for line in (r.stdout + r.stderr).splitlines():
        if line.startswith("["):
            current = {}
            items.append(current)
        elif line.startswith("attribute.") and current is not None:
            key, _, value = line[len("attribute."):].partition(" = ")
            current[key] = value
    return items


# A FIFO: the old loader blocked in open() forever.
home = fresh_home(None)
path = os.path.join(home, "socialhub", "channels.json")
os.mkfifo(path)
r = run("--list", "--json", data_home=home)
check(r is not None, "--list returns with a FIFO as the data file")
if r is not None:
    check(json.loads(r.stdout or "null") == {"channels": []} and "not a regular file" in r.stderr,
          f"... lists nothing and says why: {r.stderr.strip()}")
check(stat.S_ISFIFO(os.lstat(path).st_mode), "... and the FIFO is left as it is")

# A symlink to /dev/zero: the old loader read until memory ran out. A
# watchdog kills the process once it holds more than 1 GiB, so that a
# regression fails instead of taking the machine down. (Not `ulimit -v`:
# the sanitizer build reserves terabytes of address space for its shadow.)
home = fresh_home(None)
path = os.path.join(home, "socialhub", "channels.json")
os.symlink("/dev/zero", path)
env = dict(os.environ, XDG_DATA_HOME=home, LANGUAGE="C", LC_ALL="C.UTF-8")


def resident_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


proc = subprocess.Popen([SOCIALHUB, "--list", "--json"], env=env, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, text=True)
deadline, peak = time.monotonic() + 60, 0
while proc.poll() is None and time.monotonic() < deadline:
    peak = max(peak, resident_kib(proc.pid))
    if peak > 1024 * 1024:
        break
    time.sleep(0.01)
if proc.poll() is None:
    proc.kill()
out, err = proc.communicate()
check(proc.returncode == 0 and "not a regular file" in err and peak <= 1024 * 1024,
      f"--list refuses a symlink to /dev/zero at once (rc {proc.returncode}, peak {peak} KiB): "
      f"{err.strip()}")
check(os.readlink(path) == "/dev/zero", "... and leaves the link alone")

# A hand-edited token id (not a UUID) can still be removed; an id with a
# control character is still refused.
home = fresh_home()
path = os.path.join(home, "socialhub", "channels.json")
with open(path) as f:
    data = json.load(f)
data["channels"][0]["tokens"][0]["id"] = "my-own-token-1"
with open(path, "w") as f:
    json.dump(data, f)
r = run("--remove-token", "my-own-token-1", data_home=home)
check(r is not None and r.returncode == 0,
      "--remove-token removes a token whose id is not a UUID"
      + (f" (exit {r.returncode}: {r.stderr.strip()})" if r is not None else ""))
r = run("--list", "--json", data_home=home)
ids = [t["id"] for c in json.loads(r.stdout)["channels"] for t in c["tokens"]]
check("my-own-token-1" not in ids and len(ids) == 2, f"... and it is gone from the list ({ids})")
r = run("--remove-token", "bad\x01id", data_home=home)
check(r is not None and r.returncode == 64 and "not a token id" in r.stderr,
      "an id with a control character is refused")

# Tokens without a secret: --check reads them "secret-missing", unknown,
# never invalid, and keeps them.
home = fresh_home()
r = run("--check", "--json", data_home=home, timeout=60)
check(r is not None and r.stdout.strip().startswith("{"), "--check --json answers")
if r is not None and r.stdout.strip().startswith("{"):
    tokens = [t for c in json.loads(r.stdout)["channels"] for t in c["tokens"]]
    check(len(tokens) == 3 and all(t["state"] == "unknown" and t["reason"] == "secret-missing"
                                    for t in tokens),
          f"every token without a secret reads unknown/secret-missing ({[(t['state'], t['reason']) for t in tokens]})")
r = run("--list", "--json", data_home=home)
tokens = [t for c in json.loads(r.stdout)["channels"] for t in c["tokens"]]
check(len(tokens) == 3 and all(t["reason"] == "secret-missing" for t in tokens),
      "--list shows them as secret-missing, all three kept")

# The data folder moves (another XDG_DATA_HOME): items written the old way,
# with the folder's path, are found and moved to the file's store id.
home = fresh_home()
store_dir = os.path.join(home, "socialhub")
with open(FIXTURE) as f:
    fixture = json.load(f)
token_ids = []
for channel in fixture["channels"]:
    for token in channel["tokens"]:
        token_ids.append(token["id"])
        subprocess.run(["secret-tool", "store", "--label", "SocialHub test token",
                        "xdg:schema", "io.socialhub.SocialHub.Token",
                        "token-id", token["id"], "channel-id", channel["id"],
                        "network", channel["network"], "format-version", "1",
                        "store", store_dir],
                       input='{"version":1,"access_token":"store-cli-test","expires_at":0}',
                       text=True, check=True)
moved = tempfile.mkdtemp(prefix="socialhub-moved-")
os.rmdir(moved)
shutil.move(home, moved)
r = run("--check", "--json", data_home=moved, timeout=60)
if r is not None and r.stdout.strip().startswith("{"):
    tokens = [t for c in json.loads(r.stdout)["channels"] for t in c["tokens"]]
    check(len(tokens) == 3 and not any(t["reason"] in ("secret-missing", "keyring-locked")
                                        for t in tokens),
          f"after the move every token still has its secret ({[t['reason'] for t in tokens]})")
else:
    check(False, "--check --json answers after the move")
with open(os.path.join(moved, "socialhub", "channels.json")) as f:
    store_id = json.load(f).get("store_id")
check(store_id is not None, "the data file now names its store")
stores = [item.get("store") for tid in token_ids for item in keyring_items(tid)]
check(stores == [store_id] * 3, f"each item now carries the store id, not a path ({stores})")

sys.exit(1 if check.failures else 0)
