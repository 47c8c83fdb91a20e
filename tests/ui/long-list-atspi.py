#!/usr/bin/python3
# long-list-atspi.py — a channel far down a long list, opened from outside
# the window (leftover of issue 18's paced list).
#
# Usage: /usr/bin/python3 long-list-atspi.py PATH/TO/socialhub
#
# The list view gets its rows a screenful a frame (sh-paced-list.c), so
# right after the window opens only the first 24 are there. 150 channels;
# SocialHub runs in the background (--gapplication-service), as it does
# when a notification is pressed:
#   - app.show-channel on Channel 150 (a notification's default action)
#     opens the window on that channel's page, the list never painted;
#   - Escape goes back to the list with the keyboard focus on Channel 150's
#     row, although it was beyond the rows shown (the row was looked for
#     among those only, and the focus was lost);
#   - app.add-token on Channel 149 (a notification's fix button) opens the
#     "Add Access Token" dialog for that channel;
#   - the search finds a channel far down, and Enter opens it.

import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from shtest.channels import NO_NETWORK_ENV, write_store  # noqa: E402
from shtest.atspi import (KEYSYMS, Failure, Keyboard, click, find_all, find_toplevel, focus_like_wm,  # noqa: E402
                          focused_in, log, main, running_app, safe_name, safe_role,
                          save_failure, wait_for, wait_for_app, wait_for_window_gone,
                          window_env)

CHANNELS = [{'id': f'c-{i:03}', 'network': 'facebook', 'external_id': str(50000 + i),
             'name': f'Channel {i:03}', 'picture_url': None, 'tokens': []}
            for i in range(1, 151)]
WINDOW = 'SocialHub'
KEYSYMS.update({digit: ord(digit) for digit in '0123456789'})
APP_ID = 'io.socialhub.SocialHub'


def activate_action(name, target):
    """What a notification's button does: the application's action, over
    org.freedesktop.Application."""
    result = subprocess.run(
        ['gdbus', 'call', '--session', '--dest', APP_ID, '--object-path',
         '/' + APP_ID.replace('.', '/'), '--method', 'org.freedesktop.Application.ActivateAction',
         name, f"[<'{target}'>]", '{}'], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise Failure(f'ActivateAction {name}: {result.stderr.strip()}')


def name_owned():
    result = subprocess.run(
        ['gdbus', 'call', '--session', '--dest', 'org.freedesktop.DBus', '--object-path',
         '/org/freedesktop/DBus', '--method', 'org.freedesktop.DBus.NameHasOwner', APP_ID],
        capture_output=True, text=True)
    return 'true' in result.stdout


def named(app, predicate):
    return next(iter(find_all(app, lambda n: predicate(safe_name(n)))), None)


def run(binary, tmp, artifacts):
    write_store(tmp, CHANNELS)
    env = window_env(tmp, **NO_NETWORK_ENV)
    with running_app([binary, '--gapplication-service'], env, tmp) as process:
        wait_for('SocialHub in the background', name_owned)
        activate_action('show-channel', 'c-150')
        app = wait_for_app(process)
        try:
            check_far_channel(app, process.pid)
        except Failure:
            save_failure(app, artifacts, 'long-list-atspi')
            raise


def check_far_channel(app, pid):
    keys = Keyboard(app)
    # The window on Channel 150's page (its add button is named after it).
    wait_for("Channel 150's page",
             lambda: named(app, lambda s: s == 'Add Access Token to Channel 150'))

    # Back to the list: the keyboard is on that channel's row.
    keys.press(WINDOW, 'Escape')

    def on_row():
        node = focused_in(find_toplevel(app, WINDOW))
        return node if safe_name(node).startswith('Channel 150,') else None
    try:
        node = wait_for("the focus on Channel 150's row", on_row, timeout=10)
    except Failure:
        node = focused_in(find_toplevel(app, WINDOW))
        raise Failure(f'Back from Channel 150 left the focus on {safe_role(node)} '
                      f'{safe_name(node)!r}, not on its row')
    log(f'focus after Back: {safe_role(node)} {safe_name(node)!r}')

    # The fix button of another one far down: the Add dialog for it.
    activate_action('add-token', 'c-149')
    dialog = wait_for('the Add dialog for Channel 149', lambda: next(
        (w for w in find_all(app, lambda n: safe_role(n) in ('frame', 'dialog', 'window')
                             and safe_name(n) not in ('', WINDOW))
         if find_all(w, lambda n: safe_name(n) == 'Channel 149')), None))
    log(f'the dialog: {safe_name(dialog)!r}')
    click(wait_for('its Cancel', lambda: next(iter(find_all(
        dialog, lambda n: safe_name(n) == 'Cancel' and safe_role(n) == 'push button')), None)),
        'Cancel')
    wait_for_window_gone(app, pid, safe_name(dialog))
    focus_like_wm(app, pid, WINDOW)

    # The search finds one far down; Enter opens it.
    for key in '148':
        keys.press(WINDOW, key)
    keys.press(WINDOW, 'Return')
    wait_for("Channel 148's page",
             lambda: named(app, lambda s: s == 'Add Access Token to Channel 148'))


if __name__ == '__main__':
    sys.exit(main('long-list-atspi', run))
