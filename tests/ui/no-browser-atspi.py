#!/usr/bin/python3
# no-browser-atspi.py — an X sign-in on a computer where no browser can be
# opened (issue 15, part 5), in the real binary on the built-in sandbox,
# driven over AT-SPI like a person with a screen reader would.
#
# Usage: /usr/bin/python3 no-browser-atspi.py PATH/TO/socialhub
#
# Nothing can open a link: XDG_DATA_DIRS holds icons only (no .desktop file
# handles https, in whatever the machine has installed), XDG_DATA_HOME is
# fresh, and there is no OpenURI portal outside Flatpak. So GIO answers
# "Operation not supported" (or "no default application") the way it does on
# a server or a minimal desktop. Twice:
#   - "Add Channel", "Sign In to X": SocialHub tries to open the browser by
#     itself, fails, and says so at once;
#   - the same with SOCIALHUB_X_BROWSER=none (it does not try), then "Open
#     Sign-in Page", which fails: no GTK "Could not show link" dialog;
# and each time the view shows why, the sign-in address itself (the one
# the emulator's authorize page takes: client id, PKCE challenge, loopback
# redirect) and a "Copy Link" button, which copies it (its toast).
# Every wait is bounded; none is a fixed sleep.

import os
import sys

import pyatspi

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from shtest.atspi import (Failure, click, dump, find_all, find_toplevel, has_state, log,  # noqa: E402
                          main, running_app, safe_name, safe_role, screenshot, wait_for,
                          wait_for_app, wait_for_toast, wait_for_window, window_env, walk)


def shown_button(root, name):
    """A sensitive push button named @name that is visible (a hidden stack
    page keeps its buttons in GTK 4.8's tree)."""
    found = find_all(root, lambda n: safe_name(n) == name and safe_role(n) == 'push button'
                     and has_state(n, pyatspi.STATE_SENSITIVE)
                     and has_state(n, pyatspi.STATE_VISIBLE))
    return found[0] if found else None


def no_link_handler(tmp):
    """An XDG_DATA_DIRS with the icon themes and nothing else: no
    applications/ folder, so nothing handles x-scheme-handler/https."""
    share = os.path.join(tmp, 'share')
    os.makedirs(share)
    os.symlink('/usr/share/icons', os.path.join(share, 'icons'))
    return share


def no_raw_dialog(app):
    if any(safe_name(n) == 'Could not show link' for n in walk(app)):
        raise Failure('GTK\'s "Could not show link" dialog came up')


def sign_in_without_browser(binary, tmp, artifacts, click_open, **extra):
    """One run of the app, in its own folders under @tmp (its log in @tmp,
    where main() looks for GTK 4.8's fault)."""
    folders = os.path.join(tmp, 'clicked' if click_open else 'itself')
    env = window_env(folders, XDG_DATA_DIRS=no_link_handler(folders), LANGUAGE='C',
                     LC_ALL='C.UTF-8', **extra)
    shot = 'no-browser-open-clicked' if click_open else 'no-browser-at-once'
    with running_app([binary, '--sandbox'], env, tmp) as process:
        app = wait_for_app(process)
        window = wait_for_window(app, 'SocialHub')
        add = wait_for('the "Add Channel" button', lambda: shown_button(window, 'Add Channel'))
        click(add, '"Add Channel"')
        dialog = wait_for('the "Add Channel" dialog', lambda: find_toplevel(app, 'Add Channel'))
        x = wait_for('"Sign In to X"', lambda: shown_button(dialog, 'Sign In to X'))
        click(x, '"Sign In to X"')
        if click_open:
            open_page = wait_for('"Open Sign-in Page"',
                                 lambda: shown_button(dialog, 'Open Sign-in Page'))
            click(open_page, '"Open Sign-in Page"')

        def address():
            no_raw_dialog(app)
            return next((n for n in walk(dialog) if safe_role(n) == 'label'
                         and safe_name(n).startswith('http')
                         and 'code_challenge=' in safe_name(n)
                         and has_state(n, pyatspi.STATE_VISIBLE)), None)

        try:
            label = wait_for('the sign-in address as text', address)
        except Failure:
            with open(os.path.join(artifacts, f'{shot}-tree.txt'), 'w') as f:
                dump(app, f)
            raise
        uri = safe_name(label)
        log(f'Address shown: {uri}')
        for part in ('client_id=', 'redirect_uri=http%3A%2F%2F127.0.0.1', 'state='):
            if part not in uri:
                raise Failure(f'the address lacks {part!r}: {uri!r}')
        why = next((n for n in walk(dialog) if safe_role(n) == 'label'
                    and safe_name(n).startswith('No browser could be opened')), None)
        if why is None or 'on this computer' not in safe_name(why):
            raise Failure('no explanation of what to do with the address')
        log(f'Explanation: {safe_name(why)!r}')
        if shown_button(dialog, 'Open Sign-in Page') is not None:
            raise Failure('"Open Sign-in Page" is still offered though no browser opens')
        no_raw_dialog(app)
        screenshot(artifacts, f'{shot}.png')

        copy = wait_for('the "Copy Link" button', lambda: shown_button(dialog, 'Copy Link'))
        if copy.childCount == 0:
            raise Failure('"Copy Link" is only the small icon, not the labelled button')
        click(copy, '"Copy Link"')
        wait_for_toast(app, 'Link copied')


def run(binary, tmp, artifacts):
    log('SocialHub opens the browser itself, and cannot')
    sign_in_without_browser(binary, tmp, artifacts, click_open=False)
    log('SocialHub leaves it to "Open Sign-in Page", which cannot')
    sign_in_without_browser(binary, tmp, artifacts, click_open=True,
                            SOCIALHUB_X_BROWSER='none')


if __name__ == '__main__':
    sys.exit(main('no-browser-atspi', run))
