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


# The fakes of desktop services here: org.freedesktop.Notifications and
# org.kde.StatusNotifierWatcher (the tray's).
_HERE = os.path.dirname(os.path.abspath(__file__))
FAKE_NOTIFICATIONS = os.path.join(_HERE, "fake_notifications.py")
FAKE_STATUS_NOTIFIER_WATCHER = os.path.join(_HERE, "fake_status_notifier_watcher.py")


def start_fake_service(program, log, what, stderr=None):
    """@program (one of the fakes), writing what it sees to @log, once it
    owns its name on the session bus (it prints "ready")."""
    proc = subprocess.Popen(["/usr/bin/python3", program, log], stdout=subprocess.PIPE,
                            stderr=stderr, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 20 * TIME_FACTOR)
    if not ready or proc.stdout.readline().strip() != "ready":
        proc.kill()
        raise SystemExit(f"FAIL  the fake {what} did not start")
    return proc


def start_fake_notifications(log, program=FAKE_NOTIFICATIONS, stderr=None):
    """The fake notification server, writing every call it gets to @log."""
    return start_fake_service(program, log, "notification server", stderr)


def start_fake_status_notifier_watcher(log, stderr=None):
    """The fake tray (watcher and host), writing what it sees to @log."""
    return start_fake_service(FAKE_STATUS_NOTIFIER_WATCHER, log, "StatusNotifierWatcher", stderr)


def file_version(path):
    """Changes with every save of @path (a save renames a new file over the
    old); None while there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns)
