#!/usr/bin/python3
# preferences-atspi.py — Preferences and the shortcuts window in the real
# binary, driven over AT-SPI like a person with a screen reader would.
#
# Usage: /usr/bin/python3 preferences-atspi.py PATH/TO/socialhub
#
# Starts `socialhub --sandbox` in a fresh XDG folder with the keyfile
# GSettings backend (with-session.sh's memory backend lives and dies inside
# one process; the keyfile is what a second process, `gsettings`, can read)
# and checks that:
#   - the main menu has "Preferences", which opens the Preferences window;
#   - every switch, spin button and entry there has an accessible name;
#   - turning off "Access Token About to Expire" on the Notifications page,
#     then closing the window, leaves `gsettings get` saying false;
#   - Ctrl+comma opens Preferences again, Ctrl+W closes it;
#   - Ctrl+? opens the shortcuts window, which lists the shortcuts.
# Screenshots go to $SH_TEST_ARTIFACT_DIR (or the temporary folder). Needs a
# display, a session bus and an unlocked Secret Service (see tests/README.md).
# Every wait is bounded; none is a fixed sleep.

import os
import subprocess
import sys

import pyatspi

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from shtest.atspi import (main, running_app, window_env, wait_for_window_gone, CONTROL_MASK, Failure, Keyboard, TIMEOUT_S, actions, click, dump,  # noqa: E402
                        find_all, find_toplevel, focus_like_wm, has_state, log, safe_name,
                        safe_role, screenshot, wait_for, wait_for_app, wait_for_focus,
                        wait_for_window, walk, children)

SCHEMA_ID = 'io.socialhub.SocialHub'
KEY = 'notify-token-expiring'
SWITCH = 'Access Token About to Expire'


def gsettings_get(env, key):
    result = subprocess.run(['gsettings', 'get', SCHEMA_ID, key], env=env, capture_output=True,
                            text=True, timeout=TIMEOUT_S)
    if result.returncode != 0:
        raise Failure(f'gsettings get {key} failed: {result.stderr.strip()}')
    return result.stdout.strip()


def check_preferences(process, app, env, artifacts):
    keyboard = Keyboard(app)
    main = wait_for_window(app, 'SocialHub')
    # The main window is presented with the focus (nothing else would give
    # it): the menu and its keys need it.
    wait_for_focus(app, 'SocialHub')

    # The primary menu, then its first item.
    # GtkMenuButton and the toggle button inside it both carry the name;
    # only the inner one can be pressed.
    menu_button = wait_for('the "Main Menu" button',
                           lambda: next(iter(find_all(main, lambda n: safe_name(n) == 'Main Menu'
                                                      and actions(n)[1])), None))
    click(menu_button, '"Main Menu"')

    def menu_item(name):
        items = find_all(app, lambda n: safe_name(n) == name and 'menu' in safe_role(n))
        shown = [n for n in items if has_state(n, pyatspi.STATE_SHOWING)
                 or has_state(n, pyatspi.STATE_VISIBLE)]
        return (shown or items or [None])[0]

    item = wait_for('the "Preferences" menu item', lambda: menu_item('Preferences'))
    for other in ('Keyboard Shortcuts', 'About SocialHub'):
        if menu_item(other) is None:
            raise Failure(f'the main menu has no "{other}" item')
    screenshot(artifacts, 'preferences-atspi-menu.png')
    # Insensitive, it would take the click and do nothing (it is, without
    # the settings schema).
    item = wait_for('the "Preferences" menu item to be sensitive',
                    lambda: has_state(menu_item('Preferences'), pyatspi.STATE_SENSITIVE)
                    and menu_item('Preferences'))
    _, names = actions(item)
    if names:
        click(item, '"Preferences"')
    else:
        # A menu item without an action interface: the menu opens with the
        # focus on its first item, Preferences; Return activates it.
        wait_for('the keyboard focus on the "Preferences" menu item',
                 lambda: has_state(menu_item('Preferences'), pyatspi.STATE_FOCUSED))
        log('The menu item has no actions; pressing Return on it')
        keyboard.press('SocialHub', 'Return')

    prefs = wait_for_window(app, 'Preferences')
    log('Preferences opened from the main menu')

    # Every control a person can change has a name.
    nameless = []
    for node in walk(prefs):
        role = safe_role(node)
        if role in ('switch', 'toggle button', 'spin button', 'text', 'entry', 'combo box',
                    'check box', 'password text') and not safe_name(node):
            nameless.append(role)
    if nameless:
        raise Failure(f'controls without an accessible name: {nameless}')

    # To the Notifications page, as a person would, if its switcher button
    # is reachable; the switch is in the tree either way.
    tab = next(iter(find_all(prefs, lambda n: safe_name(n) == 'Notifications'
                             and safe_role(n) in ('push button', 'toggle button', 'page tab',
                                                  'radio button'))), None)
    if tab is not None:
        click(tab, 'the "Notifications" page button')

    def expiring_switch():
        found = find_all(prefs, lambda n: safe_name(n) == SWITCH
                         and safe_role(n) in ('switch', 'toggle button', 'check box'))
        return found[0] if found else None

    switch = wait_for(f'the "{SWITCH}" switch', expiring_switch)
    if gsettings_get(env, KEY) != 'true':
        raise Failure(f'{KEY} is not true before the test')
    if not has_state(switch, pyatspi.STATE_CHECKED) and not has_state(switch, pyatspi.STATE_PRESSED):
        log('warning: the switch does not report itself on (checked/pressed)')
    click(switch, f'the "{SWITCH}" switch')
    screenshot(artifacts, 'preferences-atspi.png')

    # Close the window with its own close button, then ask another process.
    close = next(iter(find_all(prefs, lambda n: safe_name(n) == 'Close'
                               and safe_role(n) == 'push button')), None)
    if close is None:
        raise Failure('the Preferences window has no "Close" button')
    click(close, 'the "Close" button')
    wait_for_window_gone(app, process.pid, 'Preferences')
    wait_for(f'gsettings get {KEY} to say false', lambda: gsettings_get(env, KEY) == 'false')
    log(f'gsettings get {SCHEMA_ID} {KEY}: false')

    # Ctrl+comma opens it again, showing the saved state; Ctrl+W closes it.
    # No window manager here gives the focus back to the main window when
    # Preferences goes: the test does, and the key waits for it.
    focus_like_wm(app, process.pid, 'SocialHub')
    keyboard.press('SocialHub', 'comma', CONTROL_MASK)
    prefs = wait_for('Preferences after Ctrl+comma', lambda: find_toplevel(app, 'Preferences'))
    switch = wait_for(f'the "{SWITCH}" switch', expiring_switch)
    if has_state(switch, pyatspi.STATE_CHECKED):
        raise Failure(f'"{SWITCH}" shows on after it was turned off')
    # Keys go to the window that has the focus: on a slow run (the
    # sanitizers) Preferences is mapped well before it is active. The app
    # presents it, so the focus must come by itself.
    keyboard.press('Preferences', 'w', CONTROL_MASK)
    wait_for_window_gone(app, process.pid, 'Preferences')
    if find_toplevel(app, 'SocialHub') is None:
        raise Failure('Ctrl+W in Preferences closed the main window too')

    # Ctrl+? (Shift+slash on most keymaps): the shortcuts window.
    focus_like_wm(app, process.pid, 'SocialHub')
    keyboard.press('SocialHub', 'question', CONTROL_MASK)

    def shortcuts():
        for node in children(app):
            if safe_name(node) == 'SocialHub' or not (has_state(node, pyatspi.STATE_VISIBLE)
                                                      or has_state(node, pyatspi.STATE_SHOWING)):
                continue
            names = {safe_name(n) for n in walk(node)}
            if {'Check Now', 'Preferences', 'Keyboard Shortcuts', 'Quit'} <= names:
                return node
        return None

    window = wait_for('the shortcuts window after Ctrl+?', shortcuts)
    log(f'Shortcuts window: {safe_role(window)} {safe_name(window)!r}')
    if safe_name(window) != 'Keyboard Shortcuts':
        raise Failure(f'the shortcuts window is announced as {safe_name(window)!r}')
    screenshot(artifacts, 'preferences-atspi-shortcuts.png')


def run(binary, tmp, artifacts):
    env = window_env(tmp, GSETTINGS_BACKEND='keyfile')
    with running_app([binary, '--sandbox'], env, tmp) as process:
        app = None
        try:
            app = wait_for_app(process)
            check_preferences(process, app, env, artifacts)
        except Failure:
            if app is not None:
                with open(os.path.join(artifacts, 'preferences-atspi-tree.txt'), 'w') as f:
                    dump(app, f)
                log('Accessible tree written to preferences-atspi-tree.txt')
                try:
                    screenshot(artifacts, 'preferences-atspi-failure.png')
                except Failure as error:
                    log(str(error))
            raise


if __name__ == '__main__':
    sys.exit(main('preferences-atspi', run))
