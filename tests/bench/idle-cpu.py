#!/usr/bin/python3
# idle-cpu.py — issue 20's idle window: the CPU the open, idle window costs.
#
#   idle-cpu.py PATH/TO/socialhub [SECONDS]
#
# SECONDS defaults to $SH_BENCH_IDLE_SECONDS or 60. Starts an X server of its
# own (Xvfb, so that its CPU time is the window's alone) and the real binary
# on the sandbox, twice: with no channel, then with the sandbox's sample
# channels (app.sandbox-add-samples over D-Bus, as the empty window's button
# does). Once the window shows its channels and the first checks are over,
# reads utime + stime (/proc/PID/stat) of the app and of Xvfb before and
# after SECONDS of idling, and the app's main-thread wake-ups (context
# switches). Prints rows of build-aux/run-bench.sh's Markdown table. Run it
# in a session of its own (build-aux/with-session.sh): a private bus and
# keyring, fresh XDG folders.
import json
import os
import subprocess
import sys
import tempfile
import time

TICK = os.sysconf('SC_CLK_TCK')
# What an idle window may cost: about nothing, as the background service.
TARGET_PERCENT = 0.5
# After the first content frame: the start's check, the reconciliation with
# the keyring, the samples' check and their pictures. Not measured.
SETTLE_S = 8


def cpu_ticks(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return int(fields[11]) + int(fields[12])   # utime, stime (fields 14, 15)


def wakeups(pid):
    n = 0
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith(('voluntary_ctxt_switches', 'nonvoluntary_ctxt_switches')):
                n += int(line.split()[1])
    return n


def start_xvfb():
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(['Xvfb', '-displayfd', str(write_fd), '-screen', '0', '1280x800x24',
                             '-noreset', '-nolisten', 'tcp'], pass_fds=[write_fd],
                            stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    if not number:
        raise SystemExit('idle-cpu: Xvfb did not start')
    return xvfb, f':{number}'


def wait_for_content_frame(app):
    """Reads the app's stderr until the window painted its loaded list
    (SOCIALHUB_DEBUG_STARTUP's line)."""
    for line in app.stderr:
        if line.startswith('first-content-frame-ms:'):
            return
    raise SystemExit('idle-cpu: the window never showed its channels')


def n_channels(data_home):
    """How many channels the app's data file lists (the sandbox's)."""
    try:
        with open(os.path.join(data_home, 'socialhub-sandbox', 'channels.json')) as f:
            return len(json.load(f).get('channels', []))
    except (OSError, ValueError):
        return 0


def activate(action):
    subprocess.run(['gdbus', 'call', '--session', '--dest', 'io.socialhub.SocialHub',
                    '--object-path', '/io/socialhub/SocialHub',
                    '--method', 'org.gtk.Actions.Activate', action, '[]', '{}'],
                   check=True, stdout=subprocess.DEVNULL)


def measure(binary, display, xvfb, samples, seconds):
    home = tempfile.mkdtemp(prefix='idle-cpu-')
    env = dict(os.environ, DISPLAY=display, XDG_DATA_HOME=os.path.join(home, 'data'),
               XDG_CACHE_HOME=os.path.join(home, 'cache'), SOCIALHUB_DEBUG_STARTUP='1')
    app = subprocess.Popen([binary, '--sandbox'], env=env, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_content_frame(app)
        if samples:
            activate('sandbox-add-samples')
        time.sleep(SETTLE_S)
        channels = n_channels(env['XDG_DATA_HOME'])
        app_before, xvfb_before, wake_before = cpu_ticks(app.pid), cpu_ticks(xvfb.pid), wakeups(app.pid)
        start = time.monotonic()
        time.sleep(seconds)
        elapsed = time.monotonic() - start
        app_ms = (cpu_ticks(app.pid) - app_before) * 1000 / TICK
        xvfb_ms = (cpu_ticks(xvfb.pid) - xvfb_before) * 1000 / TICK
        wake = (wakeups(app.pid) - wake_before) / elapsed
    finally:
        app.terminate()
        app.communicate(timeout=30)
    return channels, app_ms / elapsed / 10, app_ms, xvfb_ms / elapsed / 10, xvfb_ms, wake


def main():
    if len(sys.argv) not in (2, 3):
        print('usage: idle-cpu.py PATH/TO/socialhub [SECONDS]', file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    seconds = float(sys.argv[2] if len(sys.argv) == 3
                    else os.environ.get('SH_BENCH_IDLE_SECONDS', '60'))
    xvfb, display = start_xvfb()
    try:
        for samples in (False, True):
            channels, app_pct, app_ms, x_pct, x_ms, wake = measure(binary, display, xvfb, samples,
                                                                   seconds)
            what = f'{channels} channels' + (' (the samples)' if samples else '')
            value = (f'app {app_pct:.2f} % ({app_ms:.0f} ms), Xvfb {x_pct:.2f} % ({x_ms:.0f} ms), '
                     f'{wake:.1f} wake-ups/s of the main thread')
            met = 'met' if max(app_pct, x_pct) < TARGET_PERCENT else '**missed**'
            print(f'| Idle window | {what} | CPU of one core over {seconds:g} s, window open '
                  f'and idle | {value} | < {TARGET_PERCENT} % each | {met} |', flush=True)
    finally:
        xvfb.terminate()
        xvfb.wait()
    return 0


if __name__ == '__main__':
    sys.exit(main())
