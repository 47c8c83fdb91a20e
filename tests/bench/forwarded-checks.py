#!/usr/bin/python3
"""Memory of the running app over many forwarded checks (issue 20, item 8).

`socialhub --gapplication-service` against the standalone emulator, with two
Facebook Page tokens and one X token; then N times `socialhub --check`, each
forwarded to the running service (a process of its own, as a script or a
panel would run it). The service's resident memory (VmRSS) is read after a
warm-up (N/10 checks, at most 500) and after the N-th check: the growth per
check in between must be flat (under 0.1 KB a check: 1 MB over 10,000).
Before the fix it was about 4 KB a check with these three tokens: libsecret
0.20.5 never freed the keyring's GetSecrets reply (sh-secret-store.c).

Every check reads every secret from the keyring, so every check goes the
leaking way, also once the emulator's X rate limit (75 calls in 15 minutes)
leaves the X token unknown; the exit statuses are counted in a row too.

Usage (inside build-aux/with-session.sh, under xvfb-run: the service is the
GTK application):
  forwarded-checks.py SOCIALHUB SOCIALHUB_SANDBOX [N]
N defaults to $SH_BENCH_FORWARDED_CHECKS, else 10,000 (about 15 minutes).
Prints Markdown rows of build-aux/run-bench.sh's table.
"""
import collections
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from shtest.notify_log import name_owned  # noqa: E402
from shtest.sandbox import app_env, control, start_sandbox  # noqa: E402
from shtest.session import stop, wait_until  # noqa: E402

SOCIALHUB, SANDBOX = sys.argv[1], sys.argv[2]
N = int(sys.argv[3] if len(sys.argv) > 3 else os.environ.get("SH_BENCH_FORWARDED_CHECKS", "10000"))
WARM_UP = max(1, min(500, N // 10))
TARGET_KB = 0.1
ACME, X_ACME = "104857600123", "44196397"
ALICE, BOB, CAROL = "10001", "10002", "10003"


def row(measure, value, target="—", verdict="—"):
    print(f"| Forwarded checks | 3 | {measure} | {value} | {target} | {verdict} |", flush=True)


tmp = tempfile.mkdtemp(prefix="socialhub-bench-checks-")
sandbox, variables = start_sandbox(SANDBOX, os.path.join(tmp, "world.json"))
base_url = variables["SOCIALHUB_SANDBOX_URL"]
env = app_env(variables, XDG_DATA_HOME=os.path.join(tmp, "data"))
service = None


def run(*args, stdin=None):
    return subprocess.run([SOCIALHUB, *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=120)


def rss_kb():
    with open(f"/proc/{service.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SystemExit("the service has exited")


try:
    for network, form in (("facebook", dict(kind="fb-page", person=ALICE, target=ACME)),
                          ("facebook", dict(kind="fb-page", person=BOB, target=ACME)),
                          ("x", dict(kind="x", person=CAROL, target=X_ACME))):
        token = control(base_url, "issue-token", **form).get("token", "")
        r = run("--add-token", network, stdin=token + "\n")
        if r.returncode != 0:
            raise SystemExit(f"adding a {network} token failed: {r.stderr.strip()}")

    service = subprocess.Popen([SOCIALHUB, "--gapplication-service"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wait_until(lambda: name_owned("io.socialhub.SocialHub"), 60):
        raise SystemExit("the service did not start")

    statuses = collections.Counter()
    start = time.monotonic()
    for i in range(1, N + 1):
        statuses[run("--check").returncode] += 1
        if i == WARM_UP:
            warm_rss = rss_kb()
    end_rss = rss_kb()
    per_check = (end_rss - warm_rss) / max(1, N - WARM_UP)
    seconds = time.monotonic() - start

    row(f"service RSS after the warm-up ({WARM_UP:,} checks)", f"{warm_rss / 1024:.1f} MB")
    row(f"service RSS after {N:,} checks", f"{end_rss / 1024:.1f} MB")
    row("RSS growth per check after the warm-up", f"{per_check:.3f} KB",
        f"< {TARGET_KB} KB (flat)", "met" if per_check < TARGET_KB else "**missed**")
    row("exit statuses of the checks (0 all connected, 3 some unchecked)",
        ", ".join(f"{status}: {count:,}" for status, count in sorted(statuses.items())))
    row("time per forwarded check (a new process each)", f"{seconds / N * 1000:.0f} ms")
finally:
    if service is not None:
        stop(service)
    stop(sandbox)
