#!/usr/bin/python3
"""A crashed SocialHub leaves no core dump (issue 13, item 12).

The real binary, in the middle of an X sign-in (`--sandbox --login x`: it
holds the sign-in's state and PKCE verifier and waits for the browser on its
loopback port), is killed with SIGSEGV, with core dumps allowed by its
limit (`ulimit -c unlimited`) and written to its working folder if the
machine's core_pattern writes files. The kernel's own word is the wait
status's "core dumped" flag (WCOREDUMP), which it sets whatever core_pattern
does with the dump (a file, or a pipe to systemd-coredump or apport); the
test also looks for a core file.

- Control: with SOCIALHUB_ALLOW_CORE_DUMPS=1 the kernel dumps core, and the
  dump holds the sign-in's state (what a dump would leak). When the machine
  writes no dump even then (a core_pattern that discards them, a hard limit
  of 0), the test cannot tell anything and is skipped (exit 77).
- Without it: no core dumped, no core file.

Usage: core-dumps.py SOCIALHUB  (inside build-aux/with-session.sh)
"""
import glob
import os
import pty
import re
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from shtest.session import Checks, free_port

SOCIALHUB = sys.argv[1]
check = Checks()


def allow_core_dumps():
    """In the child: what `ulimit -c unlimited` does, as far as the hard
    limit lets it."""
    _, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


def crash_during_sign_in(label, allow):
    """Starts the sign-in, waits until the loopback server listens and the
    authorize address is printed, kills the process with SIGSEGV. Returns
    (core dumped, core files, the sign-in's state)."""
    work = tempfile.mkdtemp(prefix="socialhub-core-")
    port = free_port()
    env = dict(os.environ, LANGUAGE="C", LC_ALL="C.UTF-8", SOCIALHUB_X_BROWSER="none",
               SOCIALHUB_X_REDIRECT_PORT=str(port),
               XDG_DATA_HOME=os.path.join(work, "data"))
    env.pop("SOCIALHUB_ALLOW_CORE_DUMPS", None)
    if allow:
        env["SOCIALHUB_ALLOW_CORE_DUMPS"] = "1"
    # A terminal, so that the address comes at once rather than buffered.
    master, slave = pty.openpty()
    proc = subprocess.Popen([SOCIALHUB, "--sandbox", "--login", "x"], env=env, cwd=work,
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.STDOUT,
                            preexec_fn=allow_core_dumps)
    os.close(slave)
    seen, state = b"", None
    deadline = time.monotonic() + 60
    try:
        # Waiting for the browser: the address is printed and the loopback
        # server accepts connections.
        while state is None or not listening(port):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit(f"FAIL  {label}: the sign-in did not start "
                                 f"({seen.decode(errors='replace')[-400:]!r})")
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    seen += os.read(master, 4096)
                except OSError:
                    pass
                found = re.search(rb"[?&]state=([A-Za-z0-9_-]{43})", seen)
                if found:
                    state = found.group(1)
        os.kill(proc.pid, signal.SIGSEGV)
        _, status = os.waitpid(proc.pid, 0)
        proc.returncode = -1
    finally:
        os.close(master)
    check(os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGSEGV,
          f"{label}: the process ended by SIGSEGV")
    cores = [path for path in glob.glob(os.path.join(work, "core*")) if os.path.isfile(path)]
    return os.WCOREDUMP(status), cores, state, work


def listening(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def file_holds(path, needle):
    with open(path, "rb") as f:
        tail = b""
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                return False
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]


with open("/proc/sys/kernel/core_pattern") as f:
    print(f"# core_pattern: {f.read().strip()}, core limit (soft, hard): "
          f"{resource.getrlimit(resource.RLIMIT_CORE)}")

# Control: the same crash with dumps allowed.
dumped, cores, state, work = crash_during_sign_in("allowed", allow=True)
if not dumped:
    print("SKIP  this machine writes no core dump even when allowed: nothing to prove")
    shutil.rmtree(work, ignore_errors=True)
    sys.exit(77)
check(True, "allowed: SOCIALHUB_ALLOW_CORE_DUMPS=1 leaves a core dump")
if cores:
    check(any(file_holds(path, state) for path in cores),
          "allowed: the dump holds the sign-in's state (what it would leak)")
shutil.rmtree(work, ignore_errors=True)

# The real thing.
dumped, cores, state, work = crash_during_sign_in("default", allow=False)
check(not dumped, "default: the kernel dumped no core (WCOREDUMP is not set)")
check(not cores, f"default: no core file in the working folder ({cores})")
shutil.rmtree(work, ignore_errors=True)

if check.failures:
    print(f"{len(check.failures)} failure(s)")
    sys.exit(1)
