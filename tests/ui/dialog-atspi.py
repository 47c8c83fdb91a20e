#!/usr/bin/python3
# dialog-atspi.py — adding channels with Login for Devices, then watching a
# token break, in the real binary on the built-in sandbox, driven over AT-SPI
# like a person with a screen reader would.
#
# Usage: /usr/bin/python3 dialog-atspi.py PATH/TO/socialhub
#
# Starts `socialhub --sandbox` in a fresh XDG_DATA_HOME and checks that:
#   - "Add Channel" opens a dialog with a user code and a QR code image;
#   - after the emulator approves the code (about 3 s) and the app's next
#     poll (every 5 s), the Pages of the person who approved are listed with
#     check boxes, all checked; "Add" files them and the channel rows appear;
#   - the Sandbox action "Alice changes their password", then "Check Now",
#     moves the channel to the top, under "Disconnected"; its row opens the
#     channel's page, where Alice's token row says Invalid with the password
#     reason;
#   - "Reconnect" on that channel opens the dialog for it; the next person
#     (Bob) approves; only that Page is chosen, marked as getting a second
#     token; after "Add" the channel is Degraded with 1 of 2 tokens valid;
#   - removing Alice's dead token there, after a confirmation that names her
#     and the channel, leaves it Connected through Bob's.
# Screenshots of each step go to $SH_TEST_ARTIFACT_DIR (or the temporary
# folder). Needs a display, a session bus and an unlocked Secret Service (see
# tests/README.md). Every wait is bounded; none is a fixed sleep.

import os
import re
import subprocess
import sys

import pyatspi

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from shtest.atspi import (main, running_app, window_env, wait_for_window_gone, Failure, TIMEOUT_S, children, click, dump, find_all,  # noqa: E402
                        find_toplevel, has_state, is_showing, log, safe_name, safe_role,
                        screenshot, wait_for, wait_for_app, wait_for_toast, walk)

# The emulator approves after ~3 s; the app polls every interval (5 s) plus
# a margin. Two polls, and slack for a slow machine (wait_for scales it by
# SH_TEST_TIME_FACTOR, as it does every deadline).
SIGN_IN_TIMEOUT_S = 60
APP_ID = 'io.socialhub.SocialHub'
USER_CODE = re.compile(r'^[A-Z0-9]{8}$')

ALICE_TOKEN_PREFIX = 'Token of Alice Example: Invalid — Its owner changed their password'


def toplevels(app):
    return children(app)


def button(root, name, icon_only=False):
    """A sensitive push button by accessible name. GTK 4.8 sets no "showing"
    state, so when several match (a hidden stack page keeps its buttons in
    the tree), @icon_only picks the one without a label child."""
    found = find_all(root, lambda n: safe_name(n) == name and safe_role(n) == 'push button'
                     and has_state(n, pyatspi.STATE_SENSITIVE))
    if icon_only:
        found = [n for n in found if n.childCount == 0]
    shown = [n for n in found if is_showing(n)]
    return (shown or found or [None])[0]


def text_of(node):
    return safe_name(node)


class Session:
    def __init__(self, process, app, artifacts):
        self.process = process
        self.app = app
        self.artifacts = artifacts

    def check_alive(self):
        if self.process.poll() is not None:
            raise Failure(f'socialhub exited early with status {self.process.returncode}')

    def fail_with_tree(self, name):
        with open(os.path.join(self.artifacts, f'{name}-tree.txt'), 'w') as f:
            dump(self.app, f)
        log(f'Accessible tree written to {name}-tree.txt')
        try:
            screenshot(self.artifacts, f'{name}-failure.png')
        except Failure as error:
            log(str(error))

    def named(self, name, role=None, root=None):
        def find():
            self.check_alive()
            nodes = find_all(root or self.app,
                             lambda n: safe_name(n) == name and (role is None or safe_role(n) == role))
            return nodes[0] if nodes else None
        return find

    def starting(self, prefix, role=None, root=None):
        def find():
            self.check_alive()
            nodes = find_all(root or self.app,
                             lambda n: safe_name(n).startswith(prefix)
                             and (role is None or safe_role(n) == role))
            return nodes[0] if nodes else None
        return find


def sign_in_and_add(session, dialog, expected_pages, expected_checked, shot, toast=None):
    """In an open dialog: chooses Facebook if asked, sees a user code and the
    QR code, waits for the grant, checks the Pages list, presses Add, and
    then sees the main window's @toast if given. Returns the user code and
    the check boxes; their descriptions, read before Add (the dialog closes
    after it), are in session.descriptions."""
    def code_or_choice():
        for n in walk(dialog):
            if safe_role(n) == 'label' and USER_CODE.match(safe_name(n)):
                return n
            if safe_role(n) == 'push button' and safe_name(n) == 'Sign In to Facebook':
                return n
        return None

    code = wait_for('a user code in the dialog', code_or_choice)
    if safe_role(code) == 'push button':
        # More than one network: the choice comes first.
        click(code, '"Sign In to Facebook"')
        code = wait_for('a user code in the dialog',
                        lambda: next((n for n in walk(dialog) if safe_role(n) == 'label'
                                      and USER_CODE.match(safe_name(n))), None))
    user_code = safe_name(code)
    log(f'User code shown: {user_code}')
    qr = wait_for('the QR code image',
                  session.named('QR code of the sign-in address', root=dialog))
    if safe_role(qr) != 'image':
        raise Failure(f'the QR code is a {safe_role(qr)!r}, not an image')
    try:
        description = qr.description
    except Exception:
        description = ''
    # The sandbox's own page, which knows the code (not facebook.com).
    if not re.match(r'^http://127\.0\.0\.1:\d+/device\?user_code=' + user_code + '&qr=1$',
                    description or ''):
        raise Failure(f'the QR code says {description!r}')
    countdown = wait_for('the countdown', session.starting('Code expires in ', root=dialog))
    log(f'Countdown: {safe_name(countdown)!r}')
    if not button(dialog, 'Copy Code') or not button(dialog, 'Copy Address'):
        raise Failure('no "Copy Code" or "Copy Address" button')
    screenshot(session.artifacts, f'{shot}-code.png')

    def pages_listed():
        session.check_alive()
        boxes = [n for n in walk(dialog) if safe_role(n) == 'check box']
        names = sorted(safe_name(n) for n in boxes)
        return boxes if names == sorted(expected_pages) else None

    boxes = wait_for(f'the Pages {expected_pages} with check boxes', pages_listed,
                     timeout=SIGN_IN_TIMEOUT_S)
    for box in boxes:
        checked = has_state(box, pyatspi.STATE_CHECKED)
        if checked != (safe_name(box) in expected_checked):
            raise Failure(f'check box {safe_name(box)!r} is '
                          f'{"checked" if checked else "not checked"}')
    screenshot(session.artifacts, f'{shot}-pages.png')
    add = wait_for('the "Add" button', lambda: button(dialog, 'Add'))
    session.descriptions = {safe_name(b): b.description for b in boxes}
    click(add, '"Add"')
    if toast is not None:
        wait_for_toast(session.app, toast)
    return user_code, boxes


def check_dialog(session):
    app = session.app

    # The header bar's icon button (the empty state has a labelled one too).
    add = wait_for('the "Add Channel" button', lambda: button(app, 'Add Channel', icon_only=True))
    click(add, '"Add Channel"')
    dialog = wait_for('the "Add Channel" dialog', lambda: find_toplevel(app, 'Add Channel'))

    # Alice approves first: she manages Acme Coffee and Corner Bookshop.
    # A toast goes after 5 s: it is looked for first, as soon as Add is pressed.
    sign_in_and_add(session, dialog, ['Acme Coffee', 'Corner Bookshop'],
                    ['Acme Coffee', 'Corner Bookshop'], 'dialog-1', toast='Added 2 channels')
    descriptions = session.descriptions
    if descriptions.get('Acme Coffee') != 'New channel':
        raise Failure(f'Acme Coffee is described as {descriptions.get("Acme Coffee")!r}')

    wait_for_window_gone(app, session.process.pid, 'Add Channel')
    acme = 'Acme Coffee, Facebook Page, Connected, 1 of 1 token valid'
    wait_for(f'a row named {acme!r}', session.named(acme))
    wait_for('the Corner Bookshop row',
             session.named('Corner Bookshop, Facebook Page, Connected, 1 of 1 token valid'))
    screenshot(session.artifacts, 'dialog-2-added.png')

    # Alice changes her password on "Facebook".
    result = subprocess.run(
        ['gdbus', 'call', '--session', '--dest', APP_ID,
         '--object-path', '/io/socialhub/SocialHub',
         '--method', 'org.gtk.Actions.Activate', 'sandbox-break',
         "[<('change-password', '10001')>]", '{}'],
        capture_output=True, timeout=TIMEOUT_S)
    if result.returncode != 0:
        raise Failure('could not activate sandbox-break: ' + result.stderr.decode().strip())

    check = wait_for('the "Check Now" button', lambda: button(app, 'Check Now'))
    click(check, '"Check Now"')
    wait_for_toast(app, 'Checked 2 tokens')
    disconnected = 'Acme Coffee, Facebook Page, Disconnected, 0 of 1 token valid'
    row = wait_for(f'a row named {disconnected!r}', session.named(disconnected, role='push button'))
    # Worst first: the list opens with the "Disconnected" heading, and Acme
    # Coffee comes under it (Corner Bookshop, also Alice's, follows).
    channels = wait_for('the channel list', session.named('Channels', role='list'))
    order = [safe_name(n) for n in walk(channels)
             if safe_name(n) in ('Disconnected', 'Degraded', 'Not checked', 'Connected',
                                 disconnected)]
    if order[:2] != ['Disconnected', disconnected]:
        raise Failure(f'the list reads {order}, not Disconnected first with Acme Coffee in it')
    screenshot(session.artifacts, 'dialog-3-disconnected.png')

    # The row opens the channel's page, where Alice's token says why.
    click(row, 'the Acme Coffee row')
    alice = wait_for('Alice\'s token row to say Invalid with the password reason',
                     session.starting(ALICE_TOKEN_PREFIX))
    log(f'Token row announced as {safe_name(alice)!r}')
    screenshot(session.artifacts, 'dialog-3-channel-page.png')

    # Reconnect: Bob approves next; only Acme Coffee is chosen, and it gets
    # a second token.
    reconnect = wait_for('the "Reconnect Acme Coffee" button',
                         lambda: button(app, 'Reconnect Acme Coffee'))
    click(reconnect, '"Reconnect"')
    dialog = wait_for('the "Add Access Token" dialog',
                      lambda: find_toplevel(app, 'Add Access Token'))
    sign_in_and_add(session, dialog, ['Acme Coffee', 'Bakery & Sons'], ['Acme Coffee'],
                    'dialog-4', toast='Added 1 access token')
    descriptions = session.descriptions
    if descriptions.get('Acme Coffee') != 'In SocialHub: adds a second token':
        raise Failure(f'Acme Coffee is described as {descriptions.get("Acme Coffee")!r}')
    degraded = 'Acme Coffee, Facebook Page, Degraded, 1 of 2 tokens valid'
    wait_for(f'a row named {degraded!r}', session.named(degraded))
    if find_all(app, lambda n: safe_name(n).startswith('Bakery & Sons, ')):
        raise Failure('Bakery & Sons was added although it was not chosen')
    screenshot(session.artifacts, 'dialog-5-degraded.png')

    # Alice's dead token of Acme Coffee goes, after a confirmation; Bob's
    # keeps the channel linked. The channel's page is still open, with both.
    wait_for('Bob\'s token row on the page', session.starting('Token of Bob Sample: Valid'))
    trash = wait_for('Alice\'s "Remove" button in Acme Coffee',
                     lambda: button(app, 'Remove the access token of Alice Example'))
    click(trash, 'the token\'s "Remove" button')
    heading = 'Remove the access token of Alice Example from Acme Coffee?'
    wait_for(f'the confirmation {heading!r}', session.named(heading))
    screenshot(session.artifacts, 'dialog-6-remove.png')
    confirm = wait_for('the "Remove" response', lambda: button(app, 'Remove'))
    click(confirm, '"Remove"')
    wait_for_toast(app, 'Removed the access token of Alice Example')
    connected = 'Acme Coffee, Facebook Page, Connected, 1 of 1 token valid'
    wait_for(f'a row named {connected!r}', session.named(connected))


def run(binary, tmp, artifacts):
    with running_app([binary, '--sandbox'], window_env(tmp), tmp) as process:
        app = wait_for_app(process)
        session = Session(process, app, artifacts)
        try:
            check_dialog(session)
        except Failure:
            session.fail_with_tree('dialog-atspi')
            raise


if __name__ == '__main__':
    sys.exit(main('dialog-atspi', run))
