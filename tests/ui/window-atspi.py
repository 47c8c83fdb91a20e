#!/usr/bin/python3
# window-atspi.py — the real window, driven like a person with a screen reader.
#
# Usage: /usr/bin/python3 window-atspi.py PATH/TO/socialhub
#
# Writes a data file with two channels into a temporary XDG_DATA_HOME, puts
# their tokens' secrets into the keyring (the application drops tokens whose
# secret is missing), starts SocialHub, and checks over AT-SPI that:
#   - the channel row is a push button announced with its name, network,
#     state and summary; pressing it opens the channel's page, where each
#     token row is announced with its owner, state and reason, and "Back"
#     returns to the list;
#   - searching "bak" leaves only Bakery & Sons in the list;
#   - the "Add Channel" button works through the action interface and opens
#     the dialog, which (no network reachable here) offers "Try Again".
# A screenshot of the screen goes to $SH_TEST_ARTIFACT_DIR (or the temporary
# folder). Needs a display, a session bus and an unlocked Secret Service: run
# it under xvfb-run + dbus-run-session + gnome-keyring-daemon --unlock
# (see tests/README.md). Exits non-zero with a clear message on any failure.

import os
import sys

import pyatspi

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from shtest.channels import NO_NETWORK_ENV, clear_secrets, write_store  # noqa: E402
from shtest.atspi import (main, running_app, window_env, Failure, children, click, find_all, is_showing, log, safe_name,  # noqa: E402
                        safe_role, screenshot, wait_for, wait_for_app, walk)

CHANNELS = [
    {
        'id': 'c-acme', 'network': 'facebook', 'external_id': '1001',
        'name': 'Acme Coffee', 'picture_url': None,
        'tokens': [
            {'id': 't-alice', 'owner': 'Alice Example', 'state': 'valid', 'reason': ''},
            {'id': 't-bob', 'owner': 'Bob Example', 'state': 'invalid',
             'reason': 'password-changed'},
        ],
    },
    {
        'id': 'c-bakery', 'network': 'x', 'external_id': '2002',
        'name': 'Bakery & Sons', 'picture_url': None,
        'tokens': [
            {'id': 't-carol', 'owner': 'Carol Example', 'state': 'valid', 'reason': ''},
        ],
    },
]

EXPECTED_NAMES = [
    'Acme Coffee, Facebook Page, Degraded, 1 of 2 tokens valid',
    'Bakery & Sons, X Account, Connected, 1 of 1 token valid',
    'Token of Alice Example: Valid',
]
# Bob's row: the state, then the plain-language reason.
BOB_PREFIX = 'Token of Bob Example: Invalid — Its owner changed their password'


def dump(root, out):
    for node in walk(root):
        name = safe_name(node)
        try:
            states = ','.join(pyatspi.stateToString(s) for s in node.getState().getStates())
        except Exception:
            states = '?'
        if name:
            out.write(f'{safe_role(node)}: {name} [{states}]\n')


def run(binary, tmp, artifacts):
    store = write_store(tmp, CHANNELS)
    env = window_env(tmp, **NO_NETWORK_ENV)
    try:
        with_app(binary, env, tmp, lambda p: check_window(p, tmp, artifacts))
        # The same window in German, light then dark: what a German-speaking
        # person sees, for the screenshots too.
        for scheme in ('default', 'prefer-dark'):
            german = dict(env, LANGUAGE='de', ADW_DEBUG_COLOR_SCHEME=scheme)
            with_app(binary, german, tmp,
                     lambda p, scheme=scheme: check_german(p, artifacts, scheme))
    finally:
        clear_secrets(store, CHANNELS)


def with_app(binary, env, tmp, check):
    with running_app([binary], env, tmp) as process:
        check(process)


GERMAN_ROW = 'Acme Coffee, Facebook-Seite, Eingeschränkt, 1 von 2 Token gültig'


def check_german(process, artifacts, scheme):
    app = wait_for_app(process, 'SocialHub (German)')
    suffix = '' if scheme == 'default' else '-dark'
    try:
        row = wait_for(f'a row named {GERMAN_ROW!r}',
                       lambda: find_all(app, lambda n: safe_name(n) == GERMAN_ROW))
        for name in ('Kanal hinzufügen', 'Kanäle durchsuchen'):
            if not find_all(app, lambda n, name=name: safe_name(n) == name):
                raise Failure(f'no control named {name!r} in the German window')
        screenshot(artifacts, f'window-atspi-de{suffix}.png')
        action = row[0].queryAction()
        action.doAction([action.getName(i) for i in range(action.nActions)].index('click'))
        wait_for('the German token rows',
                 lambda: find_all(app, lambda n: safe_name(n).startswith('Token von Bob Example')))
        screenshot(artifacts, f'window-atspi-de-channel{suffix}.png')
    except Failure:
        with open(os.path.join(artifacts, 'window-atspi-de-tree.txt'), 'w') as f:
            dump(app, f)
        log('Accessible tree written to window-atspi-de-tree.txt')
        screenshot(artifacts, 'window-atspi-de-failure.png')
        raise


def check_window(process, tmp, artifacts):
    app = wait_for_app(process)
    log(f'Found application {safe_name(app)!r}')

    def channel_row_nodes():
        return find_all(app, lambda n: safe_name(n) == EXPECTED_NAMES[0]
                        and safe_role(n) == 'push button')

    def channel_row():
        rows = channel_row_nodes()
        return rows[0] if rows else None

    def press(name, role='push button'):
        nodes = [n for n in find_all(app, lambda n: safe_name(n) == name and safe_role(n) == role)]
        nodes = [n for n in nodes if is_showing(n)] or nodes
        if not nodes:
            raise Failure(f'no {role} named {name!r}')
        click(nodes[0], repr(name))

    def named(name):
        return lambda: find_all(app, lambda n: safe_name(n) == name)

    try:
        # The list: one push button per channel, named with all its row says.
        wait_for(f'a row named {EXPECTED_NAMES[0]!r}', channel_row)
        wait_for(f'a row named {EXPECTED_NAMES[1]!r}', named(EXPECTED_NAMES[1]))
        screenshot(artifacts, 'window-atspi.png')

        # Its tokens are on the channel's page, opened by pressing the row.
        press(EXPECTED_NAMES[0])
        wait_for(f'a token row named {EXPECTED_NAMES[2]!r}', named(EXPECTED_NAMES[2]))
        bob = wait_for(f'a token row starting with {BOB_PREFIX!r}',
                       lambda: find_all(app, lambda n: safe_name(n).startswith(BOB_PREFIX)))
        log(f'Token row announced as {safe_name(bob[0])!r}')
        wait_for('"Add Access Token to Acme Coffee"', named('Add Access Token to Acme Coffee'))
        screenshot(artifacts, 'window-atspi-channel.png')
        press('Back to All Channels')

        def back_on_list():
            # GTK 4.8 sets no "showing"; a hidden button loses "visible".
            back = find_all(app, lambda n: safe_name(n) == 'Back to All Channels')
            return not any(n.getState().contains(pyatspi.STATE_VISIBLE) for n in back)
        wait_for('the list again', back_on_list)

        # Search: only Bakery & Sons is left for "bak".
        press('Search Channels')  # a toggle button; GTK 4.8 says push button
        entry = wait_for('the search field',
                         lambda: [n for n in find_all(app, lambda n: safe_name(n) ==
                                                      'Search channels by name')
                                  if 'EditableText' in n.get_interfaces()])
        entry[0].queryEditableText().setTextContents('bak')
        wait_for('Acme Coffee to leave the list', lambda: not channel_row_nodes())
        if not find_all(app, lambda n: safe_name(n) == EXPECTED_NAMES[1]):
            raise Failure('the search hid Bakery & Sons too')
        screenshot(artifacts, 'window-atspi-search.png')
        entry[0].queryEditableText().setTextContents('')
        wait_for('Acme Coffee back in the list', channel_row)
    except Failure:
        with open(os.path.join(artifacts, 'window-atspi-tree.txt'), 'w') as f:
            dump(app, f)
        log('Accessible tree written to window-atspi-tree.txt')
        screenshot(artifacts, 'window-atspi-failure.png')
        raise

    # The header bar's icon button. (The empty state's "Add Channel" button is
    # in the tree too, on a hidden page; GTK 4.8 sets no "showing" state to
    # tell them apart, but only the icon button has no label child.)
    buttons = find_all(app, lambda n: safe_name(n) == 'Add Channel'
                       and safe_role(n) == 'push button')
    buttons = [n for n in buttons if is_showing(n)] or [n for n in buttons if n.childCount == 0]
    if not buttons:
        raise Failure('no push button named "Add Channel" in the header bar')
    action = buttons[0].queryAction()
    names = [action.getName(i) for i in range(action.nActions)]
    if 'click' not in names:
        raise Failure(f'"Add Channel" has no click action (has {names})')
    action.doAction(names.index('click'))

    def dialog():
        # A toplevel of its own, named after its title, that says it could
        # not sign in: no network is reachable here (and maybe no Facebook
        # app is configured). Its "Try Again" is in the tree in any case.
        # With more than one network it asks which first: Facebook.
        for node in children(app):
            if safe_name(node) != 'Add Channel' or safe_role(node) not in ('frame', 'dialog', 'window'):
                continue
            nodes = list(walk(node))
            if any(safe_name(n) == 'Could not sign in' for n in nodes) \
                    and any(safe_name(n) == 'Try Again' and safe_role(n) == 'push button'
                            for n in nodes):
                return node
            for n in nodes:
                if safe_name(n) == 'Sign In to Facebook' and safe_role(n) == 'push button' \
                        and n.getState().contains(pyatspi.STATE_SENSITIVE) and not chose[0]:
                    chose[0] = True
                    choice = n.queryAction()
                    choice.doAction([choice.getName(i) for i in range(choice.nActions)].index('click'))
        return None

    chose = [False]
    try:
        found = wait_for('the "Add Channel" dialog', dialog)
    except Failure:
        with open(os.path.join(artifacts, 'window-atspi-tree.txt'), 'w') as f:
            dump(app, f)
        screenshot(artifacts, 'window-atspi-failure.png')
        raise
    log(f'Dialog found: {safe_role(found)} {safe_name(found)[:60]!r}')
    screenshot(artifacts, 'window-atspi-dialog.png')


if __name__ == '__main__':
    sys.exit(main('window-atspi', run))
