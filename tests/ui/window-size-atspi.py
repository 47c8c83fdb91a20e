#!/usr/bin/python3
# window-size-atspi.py — the window reopens at the size and in the maximized
# state it was closed with (issue 20, item 9: GSettings window-width,
# window-height, window-maximized).
#
# Usage: /usr/bin/python3 window-size-atspi.py PATH/TO/socialhub
#
# The real binary on the sandbox, the keyfile GSettings backend (what a
# second process reads), run-in-background off so that closing the window
# ends the process. Under Xvfb there is no window manager: the test does what
# one would, on the window's X id: resizes it, maximizes it (the
# _NET_WM_STATE property and the screen's size), and closes it with Ctrl+W,
# as a person does. GTK's own size of the window is read over AT-SPI (its
# extents), so that the close comes only once GTK has taken the new size.
#   1. first start: 680 × 720, the schema's default;
#   2. resized to 500 × 450, closed, started again: 500 × 450;
#   3. maximized, closed: window-maximized true, the size kept is still
#      500 × 450 (not the screen's); started again: GTK asks for a
#      maximized window (_NET_WM_STATE);
#   4. a saved width under the window's minimum (100): opens 360 wide;
#      resized and quit with Ctrl+Q (which leaves the window open): saved.
# Every wait is for a state, bounded; none is a fixed sleep.

import ctypes
import subprocess
import sys

import pyatspi

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from shtest import atspi  # noqa: E402
from shtest.atspi import (CONTROL_MASK, TIMEOUT_S, Failure, Keyboard, log, main,  # noqa: E402
                          running_app, wait_for, wait_for_app, wait_for_window, window_env)

# Ctrl+Q (app.quit): the helper's table has the keys the other tests press.
atspi.KEYSYMS.setdefault('q', 0x71)

SCHEMA_ID = 'io.socialhub.SocialHub'
TITLE = 'SocialHub'
SCREEN = (1280, 800)


class WindowManager(atspi._X11):
    """What a window manager does to a window, on its X id."""

    PROP_MODE_REPLACE = 0
    XA_ATOM = 4

    def __init__(self):
        super().__init__()
        vp, ul = ctypes.c_void_p, ctypes.c_ulong
        self.x.XResizeWindow.argtypes = [vp, ul, ctypes.c_uint, ctypes.c_uint]
        self.x.XChangeProperty.argtypes = [vp, ul, ul, ul, ctypes.c_int, ctypes.c_int,
                                           ctypes.c_void_p, ctypes.c_int]
        self.x.XGetAtomName.restype = ctypes.c_void_p
        self.x.XGetAtomName.argtypes = [vp, ul]

    def atom(self, name):
        return self.x.XInternAtom(self.display, name.encode(), 0)

    def size(self, window):
        attributes = self.WindowAttributes()
        if not self.x.XGetWindowAttributes(self.display, window, ctypes.byref(attributes)):
            return None
        return attributes.width, attributes.height

    def resize(self, window, width, height):
        self.x.XResizeWindow(self.display, window, width, height)
        self.x.XSync(self.display, 0)

    def maximize(self, window):
        """As a window manager answers a maximize: the state, then the size."""
        atoms = (ctypes.c_ulong * 2)(self.atom('_NET_WM_STATE_MAXIMIZED_VERT'),
                                     self.atom('_NET_WM_STATE_MAXIMIZED_HORZ'))
        self.x.XChangeProperty(self.display, window, self.atom('_NET_WM_STATE'), self.XA_ATOM,
                               32, self.PROP_MODE_REPLACE, atoms, 2)
        self.resize(window, *SCREEN)

    def wm_state(self, window):
        """The atoms' names in the window's _NET_WM_STATE."""
        actual, fmt, n, after = ctypes.c_ulong(), ctypes.c_int(), ctypes.c_ulong(), ctypes.c_ulong()
        data = ctypes.c_void_p()
        if self.x.XGetWindowProperty(self.display, window, self.atom('_NET_WM_STATE'), 0, 64, 0,
                                     self.XA_ATOM, ctypes.byref(actual), ctypes.byref(fmt),
                                     ctypes.byref(n), ctypes.byref(after),
                                     ctypes.byref(data)) != 0 or not data:
            return set()
        try:
            atoms = ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))
            names = set()
            for i in range(n.value):
                name = self.x.XGetAtomName(self.display, atoms[i])
                names.add(ctypes.string_at(name).decode())
                self.x.XFree(name)
            return names
        finally:
            self.x.XFree(data)


def gsettings(env, *args):
    result = subprocess.run(['gsettings', *args[:1], SCHEMA_ID, *args[1:]], env=env,
                            capture_output=True, text=True, timeout=TIMEOUT_S)
    if result.returncode != 0:
        raise Failure(f'gsettings {" ".join(args)} failed: {result.stderr.strip()}')
    return result.stdout.strip()


def gtk_size(window):
    """The window's size as GTK has laid it out (its AT-SPI extents)."""
    try:
        extents = window.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    except Exception:
        return None
    return extents.width, extents.height


class Session:
    def __init__(self, binary, env, tmp, wm):
        self.binary, self.env, self.tmp, self.wm = binary, env, tmp, wm

    def run(self, what, act, key='w'):
        """Starts the window, calls act(accessible window, X window), then
        closes the window with Ctrl+@key (w: the window, q: quit, which
        leaves the window open) and waits for the process to end."""
        log(f'Starting the window: {what}')
        with running_app([self.binary, '--sandbox'], self.env, self.tmp) as process:
            app = wait_for_app(process)
            window = wait_for_window(app, TITLE)
            xid = wait_for(f'the X window of {TITLE!r}', lambda: self.wm.find(process.pid, TITLE))
            result = act(window, xid)
            Keyboard(app).press(TITLE, key, CONTROL_MASK)
            # Nothing keeps it running once its window has closed: its end
            # is what is waited for now, not a failure.
            atspi._watched = None
            wait_for(f'the application to end after Ctrl+{key.upper()}',
                     lambda: process.poll() is not None)
            if process.returncode != 0:
                raise Failure(f'socialhub ended with status {process.returncode}')
        return result


# GTK's extents of the window leave out its resize borders: the X window is
# this much larger (measured at the first start, the window laid out
# before it was mapped).
_border = None


def expect_size(window, xid, wm, size, what):
    """Waits until the X window is @size and GTK has laid it out so."""
    global _border
    seen = []

    def laid_out():
        global _border
        seen[:] = [gtk_size(window), wm.size(xid)]
        if None in seen or seen[1] != size:
            return False
        if _border is None:
            _border = (size[0] - seen[0][0], size[1] - seen[0][1])
            log(f'The X window is larger than GTK\'s extents by {_border}')
        return seen[0] == (size[0] - _border[0], size[1] - _border[1])

    try:
        wait_for(f'GTK to lay the window out at {size[0]} × {size[1]} ({what})', laid_out)
    except Failure as error:
        raise Failure(f'{error}; GTK says {seen[0]}, the X server {seen[1]}') from None
    log(f'The window is {size[0]} × {size[1]}: {what}')


def run(binary, tmp, artifacts):
    env = window_env(tmp, GSETTINGS_BACKEND='keyfile')
    gsettings(env, 'set', 'run-in-background', 'false')
    session = Session(binary, env, tmp, WindowManager())
    wm = session.wm

    def first(window, xid):
        expect_size(window, xid, wm, (680, 720), 'the default size')
        wm.resize(xid, 500, 450)
        expect_size(window, xid, wm, (500, 450), 'resized as a window manager would')

    session.run('the first start', first)
    for key, value in (('window-width', '500'), ('window-height', '450'),
                       ('window-maximized', 'false')):
        if gsettings(env, 'get', key) != value:
            raise Failure(f'{key} is {gsettings(env, "get", key)} after the close, not {value}')

    def second(window, xid):
        expect_size(window, xid, wm, (500, 450), 'reopened at the size it was closed with')
        wm.maximize(xid)
        expect_size(window, xid, wm, SCREEN, 'maximized as a window manager would')

    session.run('reopened', second)
    for key, value in (('window-width', '500'), ('window-height', '450'),
                       ('window-maximized', 'true')):
        if gsettings(env, 'get', key) != value:
            raise Failure(f'{key} is {gsettings(env, "get", key)} after a close maximized, '
                          f'not {value}')
    log('Closed maximized: window-maximized true, the size kept 500 × 450')

    def third(window, xid):
        wanted = {'_NET_WM_STATE_MAXIMIZED_VERT', '_NET_WM_STATE_MAXIMIZED_HORZ'}
        state = wait_for('GTK to ask for a maximized window',
                         lambda: wanted <= wm.wm_state(xid) and wm.wm_state(xid))
        log(f'Reopened asking to be maximized: _NET_WM_STATE {sorted(state)}')

    session.run('reopened maximized', third)

    gsettings(env, 'set', 'window-maximized', 'false')
    gsettings(env, 'set', 'window-width', '100')
    def narrow(window, xid):
        expect_size(window, xid, wm, (360, 450), 'no narrower than its minimum')
        wm.resize(xid, 420, 400)
        expect_size(window, xid, wm, (420, 400), 'resized before a quit')

    session.run('with a saved width of 100, then quit with Ctrl+Q', narrow, key='q')
    if (gsettings(env, 'get', 'window-width'), gsettings(env, 'get', 'window-height')) != \
            ('420', '400'):
        raise Failure('Quit did not save the size: '
                      f'{gsettings(env, "get", "window-width")} × '
                      f'{gsettings(env, "get", "window-height")}, not 420 × 400')
    log('Quit saved the size too')


if __name__ == '__main__':
    sys.exit(main('window-size-atspi', run))
