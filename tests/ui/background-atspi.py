#!/usr/bin/python3
# background-atspi.py — "Run in Background" inside Flatpak, in the real
# binary driven over AT-SPI, against lib/shtest/fake_portal.py.
#
# Usage: /usr/bin/python3 background-atspi.py PATH/TO/socialhub
#
# Starts `socialhub` with SOCIALHUB_ASSUME_FLATPAK=1 (the Flatpak path) and
# the keyfile GSettings backend, with the fake Background portal owning
# org.freedesktop.portal.Desktop on the session bus, and checks that:
#   - the first start asks the portal (the key is on by default) with
#     autostart and `socialhub --gapplication-service`, and sets the status
#     line ("No channels yet" here);
#   - in Preferences, turning the switch off asks without autostart;
#   - turning it on while the portal refuses turns the switch off again and
#     shows why, in words, under it; `gsettings get` says false.
# Every wait is bounded; none is a fixed sleep.

import json
import os
import subprocess
import sys

import pyatspi

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import shtest  # noqa: E402
from shtest.atspi import (main, running_app, window_env, CONTROL_MASK, Failure, Keyboard,  # noqa: E402
                          TIMEOUT_S, click, dump, find_all, has_state, log, safe_name,
                          safe_role, screenshot, wait_for, wait_for_app, wait_for_focus,
                          wait_for_window)

SCHEMA_ID = 'io.socialhub.SocialHub'
KEY = 'run-in-background'
SWITCH = 'Run in Background'
REFUSAL = 'The system does not allow SocialHub to run in the background'
FAKE_PORTAL = os.path.join(os.path.dirname(shtest.__file__), 'fake_portal.py')


def calls(log_path, method):
    try:
        with open(log_path) as f:
            return [c for c in json.load(f) if c['method'] == method]
    except (OSError, ValueError):
        return []


def requests(log_path):
    return calls(log_path, 'RequestBackground')


def gsettings_get(env, key):
    result = subprocess.run(['gsettings', 'get', SCHEMA_ID, key], env=env, capture_output=True,
                            text=True, timeout=TIMEOUT_S)
    return result.stdout.strip()


def set_answer(answer):
    subprocess.run(['gdbus', 'call', '--session', '--dest', 'org.freedesktop.portal.Desktop',
                    '--object-path', '/org/freedesktop/portal/desktop', '--method',
                    'io.socialhub.FakePortal.SetAnswer', answer],
                   check=True, capture_output=True, timeout=TIMEOUT_S)


def check_background(process, app, env, log_path, artifacts):
    keyboard = Keyboard(app)
    wait_for_window(app, 'SocialHub')
    wait_for_focus(app, 'SocialHub')

    first = wait_for('the start to ask the Background portal', lambda: requests(log_path))[0]
    options = first['options']
    if options.get('autostart') is not True:
        raise Failure(f'the first request does not ask for autostart: {options}')
    if options.get('commandline') != ['socialhub', '--gapplication-service']:
        raise Failure(f'the autostart command line is {options.get("commandline")}')
    if not options.get('reason'):
        raise Failure('the request gives no reason for the person to read')
    log(f'RequestBackground: {options}')
    # The line in GNOME's Background Apps: this session has no channels.
    wait_for('SetStatus with the channels in words',
             lambda: [c for c in calls(log_path, 'SetStatus') if c['message'] == 'No channels yet'])

    keyboard.press('SocialHub', 'comma', CONTROL_MASK)
    prefs = wait_for_window(app, 'Preferences')

    def switch():
        found = find_all(prefs, lambda n: safe_name(n) == SWITCH
                         and safe_role(n) in ('switch', 'toggle button', 'check box'))
        return found[0] if found else None

    def is_on():
        node = switch()
        return node is not None and (has_state(node, pyatspi.STATE_CHECKED)
                                     or has_state(node, pyatspi.STATE_PRESSED))

    wait_for(f'the "{SWITCH}" switch, on', is_on)
    click(switch(), f'the "{SWITCH}" switch (off)')
    wait_for('the second request, without autostart',
             lambda: len(requests(log_path)) >= 2)
    if requests(log_path)[1]['options'].get('autostart') is not False:
        raise Failure('turning the switch off does not withdraw autostart')

    set_answer('deny')
    click(switch(), f'the "{SWITCH}" switch (on, refused)')
    wait_for('the third request', lambda: len(requests(log_path)) >= 3)

    def refusal():
        found = find_all(prefs, lambda n: safe_name(n).startswith(REFUSAL)
                         and has_state(n, pyatspi.STATE_VISIBLE))
        return found[0] if found else None

    label = wait_for('the reason of the refusal, shown', refusal)
    log(f'Shown: {safe_name(label)!r}')
    wait_for(f'the "{SWITCH}" switch to turn off', lambda: switch() is not None and not is_on())
    wait_for(f'gsettings get {KEY} to say false', lambda: gsettings_get(env, KEY) == 'false')
    screenshot(artifacts, 'background-atspi-refused.png')
    if len(requests(log_path)) != 3:
        raise Failure(f'the refusal was answered with another request: {requests(log_path)}')


def run(binary, tmp, artifacts):
    log_path = os.path.join(tmp, 'portal.json')
    portal = subprocess.Popen(['/usr/bin/python3', FAKE_PORTAL, log_path], stdout=subprocess.PIPE,
                              text=True)
    try:
        if portal.stdout.readline().strip() != 'ready':
            raise Failure('the fake portal did not start')
        env = window_env(tmp, GSETTINGS_BACKEND='keyfile', SOCIALHUB_ASSUME_FLATPAK='1')
        with running_app([binary], env, tmp) as process:
            app = None
            try:
                app = wait_for_app(process)
                check_background(process, app, env, log_path, artifacts)
            except Failure:
                if app is not None:
                    with open(os.path.join(artifacts, 'background-atspi-tree.txt'), 'w') as f:
                        dump(app, f)
                raise
    finally:
        portal.terminate()
        portal.wait(timeout=10)


if __name__ == '__main__':
    sys.exit(main('background-atspi', run))
