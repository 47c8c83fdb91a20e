# shtest/session.py — what every Python test of the real binary shares: one
# line a check ("ok    …" / "FAIL  …"), deadlines scaled for slow runs,
# waiting for a state rather than for a time, free loopback ports.
import os
import select
import signal
import socket
import subprocess
import time

# Waits are for states, with deadlines that cost nothing when the state
# comes at once; longer under the sanitizers (build-aux/run-sanitizers.sh
# sets the factor).
TIME_FACTOR = float(os.environ.get("SH_TEST_TIME_FACTOR", "1"))
# One state (a window, a row, a notification, a saved file) must come within this.
WAIT_S = 60 * TIME_FACTOR


class Checks:
    """check(condition, what) prints one line a check and remembers the
    failures; the script exits 1 if check.failures is not empty."""

    def __init__(self):
        self.passed = 0
        self.failures = []

    def __call__(self, condition, what):
        print(("ok    " if condition else "FAIL  ") + what, flush=True)
        if condition:
            self.passed += 1
        else:
            self.failures.append(what)
        return condition


def wait_until(func, timeout=None):
    """func()'s first true result, or its last (false) one after @timeout
    seconds (WAIT_S when None); polls every 0.1 s."""
    timeout = WAIT_S if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while True:
        result = func()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


def free_port():
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process):
    """Ends @process if it still runs: SIGTERM, then SIGKILL after 10 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# The fake org.freedesktop.Notifications (fake_notifications.py here).
FAKE_NOTIFICATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                  "fake_notifications.py")


def start_fake_notifications(log, program=FAKE_NOTIFICATIONS, stderr=None):
    """The fake notification server, writing every call it gets to @log,
    once it owns its name on the session bus."""
    proc = subprocess.Popen(["/usr/bin/python3", program, log], stdout=subprocess.PIPE,
                            stderr=stderr, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 20)
    if not ready or proc.stdout.readline().strip() != "ready":
        proc.kill()
        raise SystemExit("FAIL  the fake notification server did not start")
    return proc


def file_version(path):
    """Changes with every save of @path (a save renames a new file over the
    old); None while there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns)
