# shtest/sandbox.py — the standalone emulator (socialhub-sandbox, src/sandbox)
# for the tests of the real binary: start it, hand its variables to the app,
# drive its faults over /control (the list: src/sandbox/sh-sandbox-control.h).
import json
import os
import select
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

# The control endpoints that are read (GET); the others take a form (POST).
_READ_ONLY = ("world", "requests")


def start_sandbox(program, state, stderr=subprocess.DEVNULL, env=None, timeout=20,
                  instagram=False):
    """Starts @program --state @state and returns it with the variables it
    prints once it listens (NAME=VALUE lines, SOCIALHUB_X_CLIENT_ID last).
    Exits the test with a FAIL line if that takes over @timeout seconds.
    Without @instagram, the seeded Pages' Instagram accounts are unlinked
    first: the channels of the tests written before them stay the Pages and
    X accounts they count (instagram-cli.py and secret-sweep.py keep them)."""
    proc = subprocess.Popen([program, "--state", state], stdout=subprocess.PIPE,
                            stderr=stderr, env=env)
    variables, buffered = {}, b""
    deadline = time.monotonic() + timeout
    while "SOCIALHUB_X_CLIENT_ID" not in variables:
        left = deadline - time.monotonic()
        if left <= 0 or proc.poll() is not None:
            proc.kill()
            raise SystemExit("FAIL  the emulator did not start")
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if ready:
            buffered += os.read(proc.stdout.fileno(), 4096)
            *lines, buffered = buffered.split(b"\n")
            for line in lines:
                name, _, value = line.decode().partition("=")
                variables[name] = value
    if not instagram:
        base_url = variables["SOCIALHUB_SANDBOX_URL"]
        for page in control(base_url, "world").get("pages", []):
            if "instagram_id" in page:
                control(base_url, "unlink-instagram", page=page["id"])
    return proc, variables


def app_env(variables, **extra):
    """The environment for the app under test: this one, the C locale,
    @extra, and the emulator's SOCIALHUB_* variables (its URLs and ids)."""
    env = dict(os.environ, LANGUAGE="C", LC_ALL="C.UTF-8", **extra)
    env.update({k: v for k, v in variables.items() if k.startswith("SOCIALHUB_")})
    return env


def control(base_url, action, **form):
    """POST /control/@action with @form (GET for world and requests); the
    emulator's JSON answer, also for an HTTP error."""
    data = urllib.parse.urlencode(form).encode() if action not in _READ_ONLY else None
    request = urllib.request.Request(base_url + "/control/" + action, data=data)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read() or b"{}")


def requests_seen(base_url):
    """How many requests the emulator has answered (GET /control/requests)."""
    return len(control(base_url, "requests")["requests"])
