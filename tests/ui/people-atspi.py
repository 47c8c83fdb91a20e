#!/usr/bin/python3
# people-atspi.py — who the channels hang on, in the real window, as a
# person with a screen reader meets it (issue 17, "People").
#
# Usage: /usr/bin/python3 people-atspi.py PATH/TO/socialhub
#
# A team of two on nine Facebook Pages: Ana alone links Florist and six
# Garden Pages, Ben alone Dairy, both Bakery. Checks over AT-SPI that:
#   - Florist's row is described "Only Ana’s tokens link this channel." (its
#     "1 person" badge), Bakery's is not;
#   - the main menu's "People" opens the People page, which reads "If Ana’s
#     tokens stop working, Florist and 6 more channels lose their last link."
#     (screenshot people-atspi.png in $SH_TEST_ARTIFACT_DIR), and Escape
#     returns to the list; Ctrl+P opens it again (the list with its badges:
#     people-atspi-list.png);
#   - app.show-person("facebook:ben"), as a notification's default action
#     calls it over D-Bus, opens the page with the keyboard on Ben's row.
# Needs a display, a session bus and an unlocked Secret Service (see
# tests/README.md).

import os
import subprocess
import sys

import pyatspi

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from shtest.channels import NO_NETWORK_ENV, clear_secrets, write_store  # noqa: E402
from shtest.atspi import (main, running_app, window_env, CONTROL_MASK, Failure, Keyboard,  # noqa: E402
                          TIMEOUT_S, actions, click, find_all, focused_in, has_state, is_showing, log,
                          safe_name, safe_role, save_failure, screenshot, wait_for,
                          wait_for_app, wait_for_focus)


def token(token_id, owner, owner_id, state='valid', reason=''):
    return {'id': token_id, 'owner': owner, 'owner_id': owner_id, 'state': state,
            'reason': reason}


def channel(channel_id, name, tokens):
    return {'id': channel_id, 'network': 'facebook', 'external_id': channel_id + '-page',
            'name': name, 'picture_url': None, 'tokens': tokens}


CHANNELS = (
    [channel('c-dairy', 'Dairy', [token('t-ben-dairy', 'Ben', 'ben')]),
     channel('c-florist', 'Florist', [token('t-ana-florist', 'Ana', 'ana')])]
    + [channel(f'c-garden-{i}', f'Garden {i}', [token(f't-ana-garden-{i}', 'Ana', 'ana')])
       for i in range(1, 7)]
    + [channel('c-bakery', 'Bakery', [token('t-ana-bakery', 'Ana', 'ana'),
                                      token('t-ben-bakery', 'Ben', 'ben')])])

FLORIST_ROW = 'Florist, Facebook Page, Connected, 1 of 1 token valid'
BAKERY_ROW = 'Bakery, Facebook Page, Connected, 2 of 2 tokens valid'
ONE_PERSON = 'Only Ana’s tokens link this channel.'
ANA = 'If Ana’s tokens stop working, Florist and 6 more channels lose their last link.'
BEN = 'If Ben’s tokens stop working, Dairy loses its last link.'


def description(node):
    try:
        return node.description or ''
    except Exception:
        return ''


def check_people(process, app, artifacts):
    keyboard = Keyboard(app)

    def named(name, role=None):
        return lambda: [n for n in find_all(app, lambda n: safe_name(n) == name and
                                            (role is None or safe_role(n) == role))]

    def showing(name):
        """Nodes named @name on the page on screen: GTK 4.8 sets no
        "showing"; a widget on a hidden stack page is not "visible"."""
        return lambda: [n for n in named(name)() if is_showing(n)
                        or has_state(n, pyatspi.STATE_VISIBLE)]

    def back_hidden():
        back = named('Back to All Channels')()
        return not any(has_state(n, pyatspi.STATE_VISIBLE) for n in back)

    # The "1 person" badge: said in the row's description.
    florist = wait_for(f'the row {FLORIST_ROW!r}', named(FLORIST_ROW, 'push button'))[0]
    if description(florist) != ONE_PERSON:
        raise Failure(f'Florist\'s row is described {description(florist)!r}, not {ONE_PERSON!r}')
    bakery = wait_for(f'the row {BAKERY_ROW!r}', named(BAKERY_ROW, 'push button'))[0]
    if description(bakery):
        raise Failure(f'Bakery hangs on two people, yet its row says {description(bakery)!r}')
    log('Florist\'s row says whose it is; Bakery\'s says nothing')
    screenshot(artifacts, 'people-atspi-list.png')

    # The main menu's "People", with the mouse.
    menu = wait_for('the "Main Menu" button',
                    lambda: [n for n in named('Main Menu')() if actions(n)[1]])
    click(menu[0], '"Main Menu"')
    item = wait_for('the menu item "People"',
                    lambda: [n for n in named('People')() if 'menu' in safe_role(n)])
    click(item[0], 'the menu item "People"')
    wait_for(f'the sentence {ANA!r}', showing(ANA))
    wait_for(f'the sentence {BEN!r}', showing(BEN))
    screenshot(artifacts, 'people-atspi.png')

    # Escape goes back to the list; Ctrl+P comes back.
    keyboard.press('SocialHub', 'Escape')
    wait_for('the list after Escape', back_hidden)
    keyboard.press('SocialHub', 'p', CONTROL_MASK)
    wait_for(f'the People page after Ctrl+P ({ANA!r})', showing(ANA))
    keyboard.press('SocialHub', 'Escape')
    wait_for('the list after Escape', back_hidden)

    # A notification's default action: app.show-person over D-Bus.
    result = subprocess.run(
        ['gdbus', 'call', '--session', '--dest', 'io.socialhub.SocialHub',
         '--object-path', '/io/socialhub/SocialHub', '--method', 'org.gtk.Actions.Activate',
         'show-person', "[<'facebook:ben'>]", '{}'],
        capture_output=True, text=True, timeout=TIMEOUT_S)
    if result.returncode != 0:
        raise Failure('app.show-person could not be activated: ' + result.stderr.strip())

    def on_ben():
        window = wait_for_focus(app, 'SocialHub')
        node = focused_in(window)
        return node if node is not None and node is not window \
            and (safe_name(node).startswith('Dairy') or
                 any(safe_name(n) == 'Dairy' for n in find_all(node, lambda n: True))) else None

    node = wait_for('the keyboard on Ben\'s row (Dairy) after app.show-person', on_ben)
    log(f'app.show-person put the keyboard on {safe_role(node)} {safe_name(node)!r}')
    if back_hidden():
        raise Failure('app.show-person did not leave the list')
    screenshot(artifacts, 'people-atspi-ben.png')


def run(binary, tmp, artifacts):
    store = write_store(tmp, CHANNELS)
    env = window_env(tmp, **NO_NETWORK_ENV)
    try:
        with running_app([binary], env, tmp) as process:
            app = wait_for_app(process)
            try:
                check_people(process, app, artifacts)
            except Failure:
                save_failure(app, artifacts, 'people-atspi')
                raise
    finally:
        clear_secrets(store, CHANNELS)


if __name__ == '__main__':
    sys.exit(main('people-atspi', run))
