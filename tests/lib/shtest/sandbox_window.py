# shtest/sandbox_window.py — how the AT-SPI tests of `socialhub --sandbox`
# start: the window in fresh folders, its empty state's "Add Sample Channels"
# pressed, and a Session that finds, presses and checks things in it.
#
# Used by tests/ui/sandbox-atspi.py (a newcomer's first --sandbox) and
# tests/ui/instagram-atspi.py (the samples' Instagram account).

import contextlib
import os
import re
import subprocess

import pyatspi

from shtest.atspi import (Failure, TIMEOUT_S, actions, click, dump, find_all, has_state,
                          is_showing, log, running_app, safe_name, safe_role, screenshot,
                          wait_for, wait_for_app, walk, window_env)

SCHEMA = 'io.socialhub.SocialHub.Token'

# The rows "Add Sample Channels" makes: one channel connected, one degraded,
# one disconnected.
CONNECTED = 'Corner Bookshop, Facebook Page, Connected, 1 of 1 token valid'
DEGRADED = 'Acme Coffee, Facebook Page, Degraded, 1 of 2 tokens valid'
DISCONNECTED = '@acmecoffee, X Account, Disconnected, 0 of 1 token valid'
SAMPLES = [CONNECTED, DEGRADED, DISCONNECTED]


class Session:
    def __init__(self, process, app, artifacts):
        self.process = process
        self.app = app
        self.artifacts = artifacts
        self.menu_shot = False

    def nodes(self, predicate, root=None):
        return find_all(root or self.app, predicate)

    def named(self, name, role=None, root=None):
        def find():
            found = self.nodes(lambda n: safe_name(n) == name
                               and (role is None or safe_role(n) == role), root)
            shown = [n for n in found if is_showing(n)]
            return (shown or found or [None])[0]
        return find

    def button(self, name, icon_only=False, root=None):
        def find():
            found = self.nodes(lambda n: safe_name(n) == name and safe_role(n) == 'push button'
                               and has_state(n, pyatspi.STATE_SENSITIVE), root)
            if icon_only:
                found = [n for n in found if n.childCount == 0]
            shown = [n for n in found if is_showing(n)]
            return (shown or found or [None])[0]
        return find

    def press(self, name, **kwargs):
        click(wait_for(f'the {name!r} button', self.button(name, **kwargs)), repr(name))

    def toasts(self):
        labels = [safe_name(n) for n in self.nodes(lambda n: safe_role(n) == 'label')]
        found = [t for t in labels if t.startswith('Checked ') or 'could not be checked' in t]
        # A check that reached no network says why in a toast, and the status
        # bar says the same under "Last checked" for as long as it holds: of
        # each such text, all but the status bar's one are toasts.
        for text in set(t for t in labels if t.startswith('Could not check')):
            found += [text] * (labels.count(text) - 1)
        return found

    def menu_item(self, label):
        """Opens the Sandbox menu and picks @label in it."""
        # GtkMenuButton carries the name; the toggle button inside it is
        # the one that can be pressed.
        outer = wait_for('the Sandbox menu button', self.named('Sandbox menu'))
        inner = next((n for n in walk(outer) if actions(n)[1]), None)
        if inner is None:
            raise Failure('the Sandbox menu button cannot be pressed')
        click(inner, 'the Sandbox menu button')
        item = wait_for(f'the menu item {label!r}',
                        lambda: next((n for n in self.nodes(lambda n: safe_name(n) == label
                                                            and 'menu item' in safe_role(n))
                                      if has_state(n, pyatspi.STATE_SENSITIVE)), None))
        if not self.menu_shot:
            screenshot(self.artifacts, 'sandbox-menu.png')
            self.menu_shot = True
        click(item, f'the menu item {label!r}')

    def rows(self):
        return sorted(safe_name(n) for n in self.nodes(
            lambda n: safe_role(n) == 'push button' and re.match(
                r'.*, (Facebook Page|X Account), ', safe_name(n))))


def keyring_items():
    """The SocialHub tokens in the keyring, from any of its collections."""
    result = subprocess.run(['secret-tool', 'search', '--all', 'xdg:schema', SCHEMA],
                            capture_output=True, timeout=TIMEOUT_S)
    return (result.stdout + result.stderr).decode().count('[/')


def add_samples(s):
    samples = wait_for('the empty state\'s "Add Sample Channels"',
                       s.button('Add Sample Channels'))
    screenshot(s.artifacts, 'sandbox-0-empty.png')
    # Counted from here: a second attempt (after GTK 4.8's AT-SPI crash)
    # runs in the same keyring as the first.
    before = keyring_items()
    click(samples, '"Add Sample Channels"')
    for name in SAMPLES:
        wait_for(f'the sample row {name!r}', s.named(name, role='push button'))
    screenshot(s.artifacts, 'sandbox-1-samples.png')
    n = keyring_items() - before
    if n != 4:
        raise Failure(f'the keyring holds {n} SocialHub tokens, not the samples\' 4')
    log('Samples added; 4 tokens in the keyring')


def check_now(s, expected, timeout=None):
    """Check Now, then waits for the check's toast matching @expected."""
    # The last check's toast may say the same: it goes first (after 5 s).
    wait_for('the last check\'s toast to go', lambda: not s.toasts())
    s.press('Check Now')
    toast = wait_for(f'a toast matching {expected!r}',
                     lambda: next((t for t in s.toasts() if re.search(expected, t)), None),
                     timeout=timeout)
    log(f'Check Now: {toast!r}')
    return toast


@contextlib.contextmanager
def sandbox_with_samples(binary, tmp, artifacts, name, failure_screenshot=False):
    """Runs `@binary --sandbox` in @tmp (no browser for X's sign-in), adds
    the sample channels and yields a Session on it. On a Failure, in the
    samples or in the with block, writes the accessible tree to
    @artifacts/@name-tree.txt (and with @failure_screenshot, the screen to
    @name-failure.png, as far as it can) before passing the Failure on."""
    env = window_env(tmp, SOCIALHUB_X_BROWSER='none')
    with running_app([binary, '--sandbox'], env, tmp) as process:
        app = wait_for_app(process)
        s = Session(process, app, artifacts)
        try:
            add_samples(s)
            yield s
        except Failure:
            with open(os.path.join(artifacts, f'{name}-tree.txt'), 'w') as f:
                dump(app, f)
            log(f'Accessible tree written to {name}-tree.txt')
            if failure_screenshot:
                try:
                    screenshot(artifacts, f'{name}-failure.png')
                except Failure as error:
                    log(str(error))
            raise
