#!/usr/bin/python3
"""Pasted input is checked before it is sent (issue #13, item 2), with the
real `socialhub --add-token` binary.

A fake Graph on loopback records every request. What is piped in is judged
on its raw bytes: a NUL, an escape sequence, an invisible Unicode space, or
more than the length cap is refused with a reason that says what is wrong,
exit status 64, no request made and nothing stored. A user token whose
/me/accounts lists a Page token with a line break adds the good Page only.

Usage: token-syntax-cli.py SOCIALHUB  (inside build-aux/with-session.sh)
"""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading

from shtest.session import Checks

SOCIALHUB = sys.argv[1]
check = Checks()
requests = []


class Graph(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        requests.append(self.path)
        path = self.path.split("?")[0]
        if path == "/v24.0/me":
            body = {"id": "10001", "name": "Alice Example"}
        elif path == "/v24.0/me/accounts" and "fields=id&" in self.path:
            body = {"data": [{"id": "201"}]}
        elif path == "/v24.0/me/accounts":
            body = {"data": [
                {"id": "201", "name": "Good Page", "access_token": "EAAGoodPage1"},
                {"id": "202", "name": "Broken Page", "access_token": "EAABad\nX-Injected: 1"}]}
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Graph)
threading.Thread(target=server.serve_forever, daemon=True).start()
data_home = tempfile.mkdtemp(prefix="socialhub-syntax-")
env = dict(os.environ, XDG_DATA_HOME=data_home, LANGUAGE="C", LC_ALL="C.UTF-8",
           SOCIALHUB_GRAPH_URL=f"http://127.0.0.1:{server.server_address[1]}/v24.0",
           SOCIALHUB_X_API_URL=f"http://127.0.0.1:{server.server_address[1]}")


def add_token(network, stdin):
    return subprocess.run([SOCIALHUB, "--add-token", network], env=env, input=stdin,
                          capture_output=True, timeout=60)


def stored():
    r = subprocess.run([SOCIALHUB, "--list", "--json"], env=env, capture_output=True, timeout=60)
    return json.loads(r.stdout)["channels"]


cases = [
    ("facebook", b"abc\0def\n", "This is not a Facebook access token: it contains a control character.",
     "a NUL inside is seen, not cut off"),
    ("facebook", b"\0EAAabc\n", "This is not a Facebook access token: it contains a control character.",
     "a NUL in front is seen too"),
    ("facebook", b"EAA\x1b[2Jabc\n", "This is not a Facebook access token: it contains a control character.",
     "an escape sequence is refused"),
    ("x", "abc\u200bdef\n".encode(), "This is not an X access token: it contains a character that is not plain ASCII",
     "an invisible space is refused"),
    ("x", b"two words\n", "This is not an X access token: it contains a space.",
     "a space inside is refused"),
    ("facebook", b"A" * (70 * 1024), "This is not a Facebook access token: it is longer than 4096 characters.",
     "more than 64 KiB is refused, not cut and sent"),
    ("facebook", b"A" * 5000 + b"\n", "This is not a Facebook access token: it is longer than 4096 characters.",
     "more than the cap is refused"),
]
for network, stdin, message, what in cases:
    del requests[:]
    r = add_token(network, stdin)
    err = r.stderr.decode(errors="replace")
    check(r.returncode == 64 and message in err, f"{what} (rc {r.returncode}, {err.strip()[:160]!r})")
    check(requests == [], f"{what}: nothing was sent ({len(requests)} requests)")
check(not os.path.exists(os.path.join(data_home, "socialhub", "channels.json")) or stored() == [],
      "nothing was stored")

# A Page token with a line break in /me/accounts: that Page is left out, the
# good one of the same grant is added.
del requests[:]
r = add_token("facebook", b"EAAUserToken1\n")
check(r.returncode == 0, f"a user token with one broken Page token still adds (rc {r.returncode}, "
                         f"{r.stderr.decode(errors='replace').strip()[:200]!r})")
names = sorted(c["name"] for c in stored())
check(names == ["Good Page"], f"only the good Page is stored: {names}")

server.shutdown()
if check.failures:
    print(f"{len(check.failures)} failed")
    sys.exit(1)
