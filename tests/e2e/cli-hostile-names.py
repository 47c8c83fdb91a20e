#!/usr/bin/python3
"""Names from the data file (or a network) that try to take over the terminal:
`socialhub --list` (and `--people`) prints none of their raw control or bidi
characters, caps a 300 KB name to one line, and `--list --json` (and
`--people --json`) still hands scripts the exact names.

Usage: cli-hostile-names.py SOCIALHUB  (inside build-aux/with-session.sh)
"""
import json
import os
import subprocess
import sys
import tempfile

from shtest.session import Checks

SOCIALHUB = sys.argv[1]
check = Checks()

OSC_TITLE = "\x1b]0;pwned\x07Acme"          # retitles the terminal
CLEAR = "Bakery\x1b[2J\x1b[H"               # clears the screen
RLO = "rtl\u202egnp.exe"                    # shows as "rtlexe.png"
FORGED = "Cafe\n  fake-id  Mallory: Valid"  # forges a line of output
C1 = "Deli\u009b31m"                        # 8-bit CSI
HUGE = "H" * (300 * 1024)
OWNER = "Eve\x1b[31m\u2067Evil\u2069\r"


def channel(n, name, owner="Alice Example"):
    return {
        "id": f"0b7d3c52-6a7e-4a8e-9a51-1d2f4c1e7a{n:02d}",
        "network": "facebook",
        "external_id": f"1048576001{n:02d}",
        "name": name,
        "tokens": [{
            "id": f"5a0f5e1c-0a7b-4d47-8a43-0b7a9c1e2f{n:02d}",
            "owner": {"id": f"100{n:02d}", "name": owner},
            "granted_at": 1763000000, "expires_at": 0,
            "state": "valid", "reason": "",
            "last_verdict": "valid", "last_verdict_reason": "",
            "checked_at": 1764000000,
        }],
    }


names = [OSC_TITLE, CLEAR, RLO, FORGED, C1, HUGE]
document = {
    "format": "io.socialhub.SocialHub/channels",
    "version": 1,
    "channels": [channel(i + 1, name, OWNER if i == 0 else "Alice Example")
                 for i, name in enumerate(names)],
}
home = tempfile.mkdtemp(prefix="socialhub-hostile-")
os.makedirs(os.path.join(home, "socialhub"))
with open(os.path.join(home, "socialhub", "channels.json"), "w") as f:
    json.dump(document, f)

env = dict(os.environ, XDG_DATA_HOME=home, LANGUAGE="C", LC_ALL="C.UTF-8")


def run(*args):
    return subprocess.run([SOCIALHUB, *args], env=env, capture_output=True, timeout=30)


r = run("--list")
out = r.stdout.decode("utf-8", errors="replace")
check(r.returncode == 0, "--list exits 0")
check(r.stdout.decode("utf-8", errors="strict") is not None, "--list prints valid UTF-8")
check(b"\x1b" not in r.stdout and b"\x1b" not in r.stderr, "no ESC reaches the terminal")
check(b"\x07" not in r.stdout and b"\r" not in r.stdout, "no BEL or CR reaches the terminal")
check("\u202e" not in out and "\u2067" not in out and "\u2069" not in out,
      "no bidi control reaches the terminal")
check("\u009b" not in out, "no C1 control reaches the terminal")
check("\u241b]0;pwned\u2407Acme (Facebook Page)" in out, "an escape sequence is shown, harmless")
check("rtlgnp.exe (Facebook Page)" in out, "the RLO name reads in its real order")
check(not any(line.startswith("  fake-id") for line in out.splitlines())
      and "Cafe   fake-id  Mallory: Valid (Facebook Page)" in out,
      "a line break in a name forges no line")
check("Eve\u241b[31mEvil " in out, "an owner's name is sanitized too")
lines = out.splitlines()
huge_lines = [line for line in lines if line.startswith("HHH")]
check(len(huge_lines) == 1 and huge_lines[0].startswith("H" * 199 + "\u2026 (Facebook Page)"),
      "a 300 KB name is cut to 200 characters with an ellipsis")
check(max(len(line) for line in lines) < 300, "every printed line is short")
# One line per channel, two per token at most: nothing was split.
channel_lines = [line for line in lines if "(Facebook Page)" in line]
check(len(channel_lines) == len(names), "one line per channel")

r = run("--list", "--json")
check(r.returncode == 0, "--list --json exits 0")
listed = json.loads(r.stdout)["channels"]
check([c["name"] for c in listed] == names, "--json keeps every name exactly")
check(listed[0]["tokens"][0]["owner"] == OWNER, "--json keeps the owner's name exactly")

# --people (issue 17) names people and channels in sentences: sanitized the
# same way, each name capped; --people --json keeps them exact.
r = run("--people")
out = r.stdout.decode("utf-8", errors="replace")
check(r.returncode == 0, "--people exits 0")
check(b"\x1b" not in r.stdout and b"\x07" not in r.stdout and b"\r" not in r.stdout
      and "\u202e" not in out and "\u2067" not in out and "\u009b" not in out,
      "--people prints no control or bidi character of a name")
check("If Eve\u241b[31mEvil ’s tokens stop working, \u241b]0;pwned\u2407Acme loses its last link."
      in out, f"--people's sentence shows the hostile names harmless (the line end a space): {out[:300]!r}")
check(max(len(line) for line in out.splitlines()) < 300, "every line --people prints is short")
r = run("--people", "--json")
people = json.loads(r.stdout)["people"] if r.returncode == 0 else []
check([p["name"] for p in people if p["user_id"] == "10001"] == [OWNER],
      "--people --json keeps the owner's name exactly")

sys.exit(1 if check.failures else 0)
