#!/usr/bin/python3
"""Tokens left for later within the Graph's budget, said in the window after
an AUTOMATIC check too (issue 18, item 4): the real `socialhub` window
against the standalone emulator, read over AT-SPI.

90 Facebook Page tokens, the emulator's X-App-Usage at 90 %. The window's
first check is the monitor's own (at start), no Check Now: its first batch
(50 tokens, alone, as in a new process) comes back at 90 %, so the other
40 wait for the budget, and the window's status reads "50 checked, 40 more
by HH:MM" (the monitor's "deferred" property, bound by the status bar).

Usage: deferred-window.py SOCIALHUB SOCIALHUB_SANDBOX (inside
build-aux/with-session.sh, with a display and AT-SPI)
"""
import os
import re
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from shtest.atspi import (Failure, find_all, running_app, safe_name, save_failure,  # noqa: E402
                          screenshot, wait_for, wait_for_app, window_env)
from shtest.channels import clear_secrets, write_store  # noqa: E402
from shtest.sandbox import control, start_sandbox  # noqa: E402
from shtest.session import TIME_FACTOR, stop  # noqa: E402

SOCIALHUB, SANDBOX = os.path.abspath(sys.argv[1]), sys.argv[2]
DEFERRED = re.compile(r'^50 checked, 40 more by \S.*$')


def channel(n):
    return {'id': f'c-page-{n}', 'network': 'facebook', 'external_id': f'9900{n:02}',
            'name': f'Page {n}', 'picture_url': None,
            'tokens': [{'id': f't-{n}-{i}', 'owner': f'Admin {i}', 'state': 'valid',
                        'reason': ''} for i in range(30)]}


CHANNELS = [channel(n) for n in range(3)]


def main():
    tmp = tempfile.mkdtemp(prefix='deferred-window-')
    artifacts = os.environ.get('SH_TEST_ARTIFACT_DIR') or tmp
    os.makedirs(artifacts, exist_ok=True)
    sandbox, variables = start_sandbox(SANDBOX, os.path.join(tmp, 'world.json'),
                                       timeout=20 * TIME_FACTOR)
    store = write_store(tmp, CHANNELS)
    try:
        control(variables['SOCIALHUB_SANDBOX_URL'], 'app-usage', percent='90')
        env = window_env(tmp, **{k: v for k, v in variables.items()
                                 if k.startswith('SOCIALHUB_')})
        with running_app([SOCIALHUB], env, tmp) as process:
            app = wait_for_app(process)
            try:
                shown = wait_for('the status "50 checked, 40 more by …" after the first '
                                 'automatic check',
                                 lambda: [n for n in find_all(app, lambda n: DEFERRED.match(
                                     safe_name(n)))])
                print(f'the window says {safe_name(shown[0])!r}')
                screenshot(artifacts, 'deferred-window.png')
                requests = [r for r in control(variables['SOCIALHUB_SANDBOX_URL'],
                                               'requests')['requests']
                            if '/control/' not in r]
                if len(requests) != 1:
                    raise Failure(f'{requests} reached the Graph, not the one batch the '
                                  'budget allowed')
            except Failure:
                save_failure(app, artifacts, 'deferred-window')
                raise
    except Failure as error:
        print(f'FAIL: {error}', file=sys.stderr)
        return 1
    finally:
        clear_secrets(store, CHANNELS)
        stop(sandbox)
    print('PASS: deferred-window')
    return 0


sys.exit(main())
