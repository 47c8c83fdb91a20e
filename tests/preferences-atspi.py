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
# display, a session bus and an unlocked Secret Service (see TESTING.md).
# Every wait is bounded; none is a fixed sleep.

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pyatspi

TIMEOUT_S = 30
SCHEMA_ID = 'io.socialhub.SocialHub'
KEY = 'notify-token-expiring'
SWITCH = 'Access Token About to Expire'


class Failure(Exception):
    pass


def log(message):
    print(f'# {message}', flush=True)


def wait_for(what, func, timeout=TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while True:
        result = func()
        if result:
            return result
        if time.monotonic() > deadline:
            raise Failure(f'timed out after {timeout} s waiting for {what}')
        time.sleep(0.1)


def children(node):
    try:
        return [node.getChildAtIndex(i) for i in range(node.childCount)]
    except Exception:
        return []


def walk(node, depth=0, max_depth=60):
    if node is None or depth > max_depth:
        return
    yield node
    for child in children(node):
        yield from walk(child, depth + 1, max_depth)


def safe_name(node):
    try:
        return node.name or ''
    except Exception:
        return ''


def safe_role(node):
    try:
        return node.getRoleName()
    except Exception:
        return ''


def has_state(node, state):
    try:
        return node.getState().contains(state)
    except Exception:
        return False


def find_app(pid):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in children(desktop):
        try:
            if app.get_process_id() == pid:
                return app
        except Exception:
            continue
    return None


def find_all(root, predicate):
    return [node for node in walk(root) if predicate(node)]


def focus_within(window):
    # GTK 4.8 under Xvfb (no window manager) sets no "active" on windows;
    # the focused widget is what tells where a key will go.
    return window is not None and any(has_state(n, pyatspi.STATE_FOCUSED) for n in walk(window))


def find_toplevel(app, name):
    for node in children(app):
        if safe_name(node) == name and (has_state(node, pyatspi.STATE_VISIBLE)
                                        or has_state(node, pyatspi.STATE_SHOWING)):
            return node
    return None


def dump(root, out):
    for node in walk(root):
        name = safe_name(node)
        try:
            text = ','.join(pyatspi.stateToString(s) for s in node.getState().getStates())
        except Exception:
            text = '?'
        out.write(f'{safe_role(node)}: {name} [{text}]\n')


def screenshot(directory, name):
    path = os.path.join(directory, name)
    result = subprocess.run(['import', '-window', 'root', path], capture_output=True,
                            timeout=TIMEOUT_S)
    if result.returncode != 0 or not os.path.exists(path) or os.path.getsize(path) < 8192:
        raise Failure('screenshot failed: ' + result.stderr.decode().strip())
    log(f'Screenshot: {path}')


def actions(node):
    try:
        action = node.queryAction()
    except NotImplementedError:
        return None, []
    return action, [action.getName(i) for i in range(action.nActions)]


def click(node, what):
    action, names = actions(node)
    for wanted in ('click', 'activate', 'press', 'toggle'):
        if wanted in names:
            action.doAction(names.index(wanted))
            return
    raise Failure(f'{what} has no click action (has {names})')


# X11 keysyms (X11/keysymdef.h) and modifier masks (X.h).
KEYSYMS = {'Return': 0xff0d, 'comma': 0x2c, 'w': 0x77, 'question': 0x3f}
CONTROL_MASK = 1 << 2


class Keyboard:
    """Key presses through the registry daemon (XTest on X11), to whatever
    window has the focus, as a person's keyboard would. The daemon finds the
    key of a keysym in the server's keymap and adds Shift when the keysym
    needs it (Ctrl+? is Ctrl+Shift+slash on most keymaps)."""

    def chord(self, keysym, modifiers=0):
        if modifiers:
            pyatspi.Registry.generateKeyboardEvent(modifiers, None, pyatspi.KEY_LOCKMODIFIERS)
        try:
            pyatspi.Registry.generateKeyboardEvent(KEYSYMS[keysym], None, pyatspi.KEY_SYM)
        finally:
            if modifiers:
                pyatspi.Registry.generateKeyboardEvent(modifiers, None,
                                                       pyatspi.KEY_UNLOCKMODIFIERS)


def gsettings_get(env, key):
    result = subprocess.run(['gsettings', 'get', SCHEMA_ID, key], env=env, capture_output=True,
                            text=True, timeout=TIMEOUT_S)
    if result.returncode != 0:
        raise Failure(f'gsettings get {key} failed: {result.stderr.strip()}')
    return result.stdout.strip()


def check_preferences(process, app, env, artifacts):
    keyboard = Keyboard()
    main = wait_for('the main window', lambda: find_toplevel(app, 'SocialHub'))

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
    _, names = actions(item)
    if names:
        click(item, '"Preferences"')
    else:
        # GTK 4.8 gives menu items no action interface: the menu opens with
        # the focus on its first item, Preferences; Return activates it.
        log('The menu item has no actions; pressing Return on it')
        keyboard.chord('Return')

    prefs = wait_for('the Preferences window', lambda: find_toplevel(app, 'Preferences'))
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
    wait_for('the Preferences window to close', lambda: find_toplevel(app, 'Preferences') is None)
    wait_for(f'gsettings get {KEY} to say false', lambda: gsettings_get(env, KEY) == 'false',
             timeout=10)
    log(f'gsettings get {SCHEMA_ID} {KEY}: false')

    # Ctrl+comma opens it again, showing the saved state; Ctrl+W closes it.
    keyboard.chord('comma', CONTROL_MASK)
    prefs = wait_for('Preferences after Ctrl+comma', lambda: find_toplevel(app, 'Preferences'))
    switch = wait_for(f'the "{SWITCH}" switch', expiring_switch)
    if has_state(switch, pyatspi.STATE_CHECKED):
        raise Failure(f'"{SWITCH}" shows on after it was turned off')
    # Keys go to the window that has the focus: on a slow run (the
    # sanitizers) Preferences may be mapped before it is active.
    wait_for('the keyboard focus in Preferences',
             lambda: focus_within(find_toplevel(app, 'Preferences')))
    keyboard.chord('w', CONTROL_MASK)
    wait_for('Ctrl+W to close Preferences', lambda: find_toplevel(app, 'Preferences') is None)
    if find_toplevel(app, 'SocialHub') is None:
        raise Failure('Ctrl+W in Preferences closed the main window too')

    # Ctrl+? (Shift+slash on most keymaps): the shortcuts window.
    keyboard.chord('question', CONTROL_MASK)

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
    data_home = os.path.join(tmp, 'data')
    config_home = os.path.join(tmp, 'config')
    os.makedirs(data_home)
    os.makedirs(os.path.join(config_home, 'gtk-4.0'))
    # Page transitions off, so that screenshots show one page.
    with open(os.path.join(config_home, 'gtk-4.0', 'settings.ini'), 'w') as f:
        f.write('[Settings]\ngtk-enable-animations=false\n')
    subprocess.run(['gsettings', 'set', 'org.gnome.desktop.interface',
                    'toolkit-accessibility', 'true'], capture_output=True)

    env = dict(os.environ)
    env.update({
        'XDG_DATA_HOME': data_home,
        'XDG_CONFIG_HOME': config_home,
        'GSETTINGS_BACKEND': 'keyfile',
        'GSK_RENDERER': env.get('GSK_RENDERER', 'cairo'),
    })
    env.pop('GTK_A11Y', None)
    app_log = open(os.path.join(tmp, 'socialhub.log'), 'w')
    process = subprocess.Popen([binary, '--sandbox'], env=env, stdout=app_log,
                               stderr=subprocess.STDOUT)
    app = None
    try:
        def app_ready():
            if process.poll() is not None:
                raise Failure(f'socialhub exited early with status {process.returncode}')
            return find_app(process.pid)

        app = wait_for('SocialHub on the accessibility bus', app_ready)
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
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        app_log.close()
        with open(os.path.join(tmp, 'socialhub.log'), encoding='utf-8', errors='replace') as f:
            output = f.read().strip()
        if output:
            log('SocialHub said:\n' + output)


def main():
    if len(sys.argv) != 2:
        print('usage: preferences-atspi.py PATH/TO/socialhub', file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    if not os.access(binary, os.X_OK):
        print(f'FAIL: {binary} is not an executable', file=sys.stderr)
        return 1
    artifacts = os.environ.get('SH_TEST_ARTIFACT_DIR') or tempfile.gettempdir()
    os.makedirs(artifacts, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix='preferences-atspi-')
    try:
        run(binary, tmp, artifacts)
    except Failure as error:
        print(f'FAIL: {error}', file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('PASS: preferences-atspi')
    return 0


if __name__ == '__main__':
    sys.exit(main())
