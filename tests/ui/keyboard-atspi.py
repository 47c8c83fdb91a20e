#!/usr/bin/python3
# keyboard-atspi.py — the window with the keyboard only (issue 15, part 2).
#
# Usage: /usr/bin/python3 keyboard-atspi.py PATH/TO/socialhub
#
# Three channels, one of each health, so the list has three section
# headings. Keys go in through XTest (the AT-SPI registry), and after each
# one the test reads which accessible has the keyboard focus:
#   - Tab from the window's start reaches the first channel's row, a named
#     push button; nothing on the way is unnamed (no bare scroll pane);
#   - Tab goes on to that row's "Reconnect", Shift+Tab back to the row;
#   - Down and Up move from channel to channel over the headings, and stop
#     at either end;
#   - Enter opens the channel: the focus is on its page's "Reconnect", then
#     Tab goes to adding a token, then to each token's "Remove", in order;
#   - Escape goes back to the list with the focus on that channel's row, and
#     a row opened with a click (the action interface) leaves the keys
#     working the same way once back.
# Screenshots of the focused row and page go to $SH_TEST_ARTIFACT_DIR.

import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from shtest.channels import NO_NETWORK_ENV, clear_secrets, write_store  # noqa: E402
from shtest.atspi import (KEYSYMS, Failure, Keyboard, click, find_all, focused_in, log,  # noqa: E402
                          main, running_app, safe_name, safe_role, screenshot, wait_for,
                          save_failure, wait_for_app, wait_for_focus, window_env)

SHIFT_MASK = 1 << 0
KEYSYMS.update({'Up': 0xff52, 'Down': 0xff54})


def token(token_id, owner, state, reason=''):
    return {'id': token_id, 'owner': owner, 'state': state, 'reason': reason}


CHANNELS = [
    {'id': 'c-acme', 'network': 'facebook', 'external_id': '1001', 'name': 'Acme Coffee',
     'picture_url': None,
     'tokens': [token('t-alice', 'Alice Example', 'valid'),
                token('t-bob', 'Bob Example', 'invalid', 'password-changed')]},
    {'id': 'c-bakery', 'network': 'x', 'external_id': '2002', 'name': 'Bakery & Sons',
     'picture_url': None, 'tokens': [token('t-carol', 'Carol Example', 'valid')]},
    {'id': 'c-corner', 'network': 'facebook', 'external_id': '3003', 'name': 'Corner Shop',
     'picture_url': None,
     'tokens': [token('t-dana', 'Dana Example', 'invalid', 'password-changed'),
                token('t-erin', 'Erin Example', 'invalid', 'revoked')]},
]

# The rows in the list's order: the channels needing action first.
ROWS = [
    'Corner Shop, Facebook Page, Disconnected, 0 of 2 tokens valid',
    'Acme Coffee, Facebook Page, Degraded, 1 of 2 tokens valid',
    'Bakery & Sons, X Account, Connected, 1 of 1 token valid',
]
WINDOW = 'SocialHub'


def run(binary, tmp, artifacts):
    store = write_store(tmp, CHANNELS)
    try:
        with running_app([binary], window_env(tmp, **NO_NETWORK_ENV), tmp) as process:
            app = wait_for_app(process)
            try:
                check_keyboard(app, artifacts)
            except Failure:
                save_failure(app, artifacts, 'keyboard-atspi')
                raise
    finally:
        clear_secrets(store, CHANNELS)


def describe(node):
    return f'{safe_role(node)} {safe_name(node)!r}' if node is not None else 'nothing'


def check_keyboard(app, artifacts):
    keys = Keyboard(app)
    wait_for(f'the row {ROWS[0]!r}',
             lambda: find_all(app, lambda n: safe_name(n) == ROWS[0]))

    def focus():
        return focused_in(wait_for_focus(app, WINDOW))

    def press(keysym, modifiers=0):
        before = focus()
        keys.press(WINDOW, keysym, modifiers)
        return before

    def expect(name, after, prefix=False):
        """Waits until the focus is on a push button named @name (or
        starting with it), after the key @after."""
        def there():
            node = focus()
            text = safe_name(node)
            matches = text.startswith(name) if prefix else text == name
            return node if matches and safe_role(node) == 'push button' else None
        try:
            node = wait_for(f'the focus on {name!r} after {after}', there, timeout=10)
        except Failure:
            raise Failure(f'after {after} the focus is on {describe(focus())}, '
                          f'not on the push button {name!r}')
        log(f'{after}: {describe(node)}')
        return node

    # Tab from the window's start: every stop has a name, and one of the
    # first few is the first channel's row.
    for i in range(12):
        press('Tab')
        node = wait_for('the focus to move', lambda: focus() if focus() is not None else None)
        log(f'Tab {i + 1}: {describe(node)}')
        if safe_name(node) == ROWS[0]:
            break
        if not safe_name(node):
            raise Failure(f'Tab {i + 1} landed on an unnamed {safe_role(node)}')
    else:
        raise Failure(f'12 Tabs never reached the row {ROWS[0]!r}')
    expect(ROWS[0], 'Tab')

    # Within the row: its "Reconnect", and back.
    press('Tab')
    expect('Reconnect Corner Shop', 'Tab')
    press('Tab', SHIFT_MASK)
    expect(ROWS[0], 'Shift+Tab')

    # Up and Down over the headings, stopping at either end.
    press('Up')
    expect(ROWS[0], 'Up on the first row')
    # (Taken a key later than the focus came: the ring is painted by now.)
    screenshot(artifacts, 'keyboard-atspi-row.png')
    for row in ROWS[1:]:
        press('Down')
        expect(row, 'Down')
    press('Down')
    expect(ROWS[-1], 'Down on the last row')
    for row in reversed(ROWS[:-1]):
        press('Up')
        expect(row, 'Up')

    # Enter opens the channel; on its page, Tab goes Reconnect, adding a
    # token, each token's Remove.
    press('Return')
    expect('Reconnect Corner Shop', 'Enter on the row')
    screenshot(artifacts, 'keyboard-atspi-page.png')
    press('Tab')
    expect('Add Access Token to Corner Shop', 'Tab from Reconnect')
    # However many ways to add there are, each token's Remove comes next,
    # in the order of the rows.
    while safe_name(focus()).startswith('Add Access Token'):
        press('Tab')
    for owner in ('Dana Example', 'Erin Example'):
        expect(f'Remove the access token of {owner}', 'Tab')
        press('Tab')

    # Escape: back on the list, on the row that was opened.
    press('Escape')
    expect(ROWS[0], 'Escape')

    # A row opened with a click, then Back: the keys carry on from there.
    click(wait_for('the row of Bakery & Sons',
                   lambda: next(iter(find_all(app, lambda n: safe_name(n) == ROWS[2]
                                              and safe_role(n) == 'push button')), None)),
          'the row of Bakery & Sons')
    wait_for('the page of Bakery & Sons',
             lambda: find_all(app, lambda n: safe_name(n).startswith('Token of Carol Example')))
    press('Escape')
    expect(ROWS[2], 'Escape after a click')
    press('Up')
    expect(ROWS[1], 'Up after a click')
    press('Up')
    expect(ROWS[0], 'Up after a click')


if __name__ == '__main__':
    sys.exit(main('keyboard-atspi', run))
