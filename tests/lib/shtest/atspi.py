# shtest/atspi.py — what the AT-SPI tests share: waiting for a state, finding
# things in the accessible tree, and sending a key only once its window has
# the keyboard focus.
#
# Contract:
#   - wait_for() polls a condition until it holds or a deadline passes. The
#     deadlines are generous (TIMEOUT_S, scaled by SH_TEST_TIME_FACTOR, which
#     build-aux/run-sanitizers.sh sets): a state that comes quickly costs
#     nothing, and under ASan on two busy cores everything is 5-10x slower.
#     Nothing here sleeps a fixed time to let something happen.
#   - Keyboard.press() sends a key to a window only after wait_for_focus()
#     saw the keyboard focus inside that window; a key sent earlier goes to
#     whatever X window has the focus (the main window, a Preferences window
#     being destroyed, the root) and is lost or does the wrong thing.
#   - The tests run under Xvfb with no window manager. When a window that had
#     the focus goes away (Preferences closed), nothing gives the focus back
#     to the main window, as a window manager would: focus_like_wm() does
#     that one thing, with XSetInputFocus on the window's X id.
# Used by the AT-SPI tests (tests/ui/*-atspi.py, tests/e2e/notifications.py),
# which meson runs with tests/lib on PYTHONPATH.

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pyatspi

from shtest.session import TIME_FACTOR, WAIT_S, stop

# One state (a window, a row, the focus) must come within this.
TIMEOUT_S = WAIT_S
# libatspi gives up on a call to the application after 800 ms by default
# ("Did not receive a reply"). A click that opens a window answers only once
# the window is built, which under ASan on busy cores takes seconds: a call
# may take this long before it counts as failed (milliseconds; the second
# figure is for an application that has just started).
pyatspi.setTimeout(int(20000 * TIME_FACTOR), int(60000 * TIME_FACTOR))


class Failure(Exception):
    pass


def log(message):
    print(f'# {message}', flush=True)


# The application under test (wait_for_app): a wait ends as soon as it has
# exited, saying so, rather than at its deadline.
_watched = None


def wait_for(what, func, timeout=None):
    """Returns func()'s first true result; Failure after @timeout seconds
    (TIMEOUT_S when None; always scaled by SH_TEST_TIME_FACTOR), or as soon
    as the application under test has exited."""
    timeout = TIMEOUT_S if timeout is None else timeout * TIME_FACTOR
    deadline = time.monotonic() + timeout
    while True:
        if _watched is not None and _watched.poll() is not None:
            raise Failure(f'socialhub exited with status {_watched.returncode} while the test '
                          f'waited for {what} (see what it said below)')
        result = func()
        if result:
            return result
        if time.monotonic() > deadline:
            raise Failure(f'timed out after {timeout:g} s waiting for {what}')
        time.sleep(0.1)


# --- the accessible tree ----------------------------------------------------

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


def states(node):
    try:
        return node.getState()
    except Exception:
        return None


def has_state(node, state):
    s = states(node)
    return s is not None and s.contains(state)


def is_showing(node):
    return has_state(node, pyatspi.STATE_SHOWING)


def find_all(root, predicate):
    return [node for node in walk(root) if predicate(node)]


def find_app(pid):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in children(desktop):
        try:
            if app.get_process_id() == pid:
                return app
        except Exception:
            continue
    return None


def find_toplevel(app, name):
    """A toplevel of @app named @name that is shown (GTK 4.8 sets "visible"
    and not always "showing")."""
    for node in children(app):
        if safe_name(node) == name and (has_state(node, pyatspi.STATE_VISIBLE)
                                        or has_state(node, pyatspi.STATE_SHOWING)):
            return node
    return None


def wait_for_app(process, what='SocialHub'):
    """The application of @process on the accessibility bus; from now on
    every wait fails as soon as the process exits."""
    global _watched
    _watched = process

    def app_ready():
        return find_app(process.pid)

    return wait_for(f'{what} on the accessibility bus', app_ready)


def wait_for_window(app, name):
    """The toplevel @name, mapped, with its accessible tree there (it has
    children: GTK exports a window before its contents)."""
    def ready():
        window = find_toplevel(app, name)
        return window if window is not None and children(window) else None

    return wait_for(f'the {name!r} window', ready)


# A toast sits on its window's AdwToastOverlay, its label 6 levels below the window
# (overlay, toast, bin, label); the channel list is deeper.
TOAST_DEPTH = 7


def find_toast(app, text):
    """A toast saying @text in a window of @app. Only the top levels of each
    window are read, not the lists: a toast goes after 5 s whatever the test
    does, and a walk of the whole tree takes longer than that under ASan."""
    for window in children(app):
        for node in walk(window, max_depth=TOAST_DEPTH):
            if safe_name(node) == text:
                return node
    return None


def wait_for_toast(app, text):
    """Waits for the toast @text: call it right after what makes the toast,
    before waiting for anything else, or it may be gone."""
    return wait_for(f'the toast {text!r}', lambda: find_toast(app, text))


def dump(root, out):
    for node in walk(root):
        s = states(node)
        text = ','.join(pyatspi.stateToString(x) for x in s.getStates()) if s else '?'
        out.write(f'{safe_role(node)}: {safe_name(node)} [{text}]\n')


def screenshot(directory, name):
    path = os.path.join(directory, name)
    result = subprocess.run(['import', '-window', 'root', path], capture_output=True,
                            timeout=TIMEOUT_S)
    if result.returncode != 0 or not os.path.exists(path) or os.path.getsize(path) < 8192:
        raise Failure('screenshot failed: ' + result.stderr.decode().strip())
    log(f'Screenshot: {path}')


def save_failure(app, directory, name):
    """What a person needs to see why a test of @app failed: its accessible
    tree (@name-tree.txt) and the screen (@name-failure.png) in @directory."""
    with open(os.path.join(directory, f'{name}-tree.txt'), 'w') as f:
        dump(app, f)
    log(f'Accessible tree written to {name}-tree.txt')
    screenshot(directory, f'{name}-failure.png')


def actions(node):
    try:
        action = node.queryAction()
    except NotImplementedError:
        return None, []
    return action, [action.getName(i) for i in range(action.nActions)]


def click(node, what):
    """Presses @node through its action interface (GTK 4 on X11 gives no
    screen coordinates to click at); needs no keyboard focus."""
    action, names = actions(node)
    for wanted in ('click', 'activate', 'press', 'toggle'):
        if wanted in names:
            action.doAction(names.index(wanted))
            return
    raise Failure(f'{what} has no click action (has {names})')


# --- the keyboard focus -----------------------------------------------------

def focused_in(window):
    """The focused widget inside @window (or @window itself when nothing in
    it is focused) while @window has the keyboard focus; None when keys would
    not reach it. GTK 4 sets "active" on a window only while it has the X
    keyboard focus (a FocusIn). "focused" alone says nothing: a window that
    lost the focus keeps it on the widget that will get it back (seen on the
    "Main Menu" button once its menu closed)."""
    if window is None or not has_state(window, pyatspi.STATE_ACTIVE):
        return None
    for node in walk(window):
        if has_state(node, pyatspi.STATE_FOCUSED):
            return node
    return window


def wait_for_focus(app, name):
    """Waits until the toplevel @name of @app is shown and has the keyboard
    focus; returns the window."""
    def ready():
        window = find_toplevel(app, name)
        return window if focused_in(window) is not None else None

    return wait_for(f'the keyboard focus in the {name!r} window', ready)


class _X11:
    """Just enough of Xlib to do what a window manager does when a window
    that had the focus goes away: focus another one."""

    class WindowAttributes(ctypes.Structure):
        _fields_ = [('x', ctypes.c_int), ('y', ctypes.c_int), ('width', ctypes.c_int),
                    ('height', ctypes.c_int), ('border_width', ctypes.c_int),
                    ('depth', ctypes.c_int), ('visual', ctypes.c_void_p),
                    ('root', ctypes.c_ulong), ('class_', ctypes.c_int),
                    ('bit_gravity', ctypes.c_int), ('win_gravity', ctypes.c_int),
                    ('backing_store', ctypes.c_int), ('backing_planes', ctypes.c_ulong),
                    ('backing_pixel', ctypes.c_ulong), ('save_under', ctypes.c_int),
                    ('colormap', ctypes.c_ulong), ('map_installed', ctypes.c_int),
                    ('map_state', ctypes.c_int), ('all_event_masks', ctypes.c_long),
                    ('your_event_mask', ctypes.c_long),
                    ('do_not_propagate_mask', ctypes.c_long),
                    ('override_redirect', ctypes.c_int), ('screen', ctypes.c_void_p)]

    IS_VIEWABLE = 2
    REVERT_TO_PARENT = 2
    CURRENT_TIME = 0

    def __init__(self):
        x = ctypes.CDLL(ctypes.util.find_library('X11') or 'libX11.so.6')
        vp, ul = ctypes.c_void_p, ctypes.c_ulong
        x.XOpenDisplay.restype = vp
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ul
        x.XDefaultRootWindow.argtypes = [vp]
        x.XInternAtom.restype = ul
        x.XInternAtom.argtypes = [vp, ctypes.c_char_p, ctypes.c_int]
        x.XQueryTree.argtypes = [vp, ul, ctypes.POINTER(ul), ctypes.POINTER(ul),
                                 ctypes.POINTER(ctypes.POINTER(ul)),
                                 ctypes.POINTER(ctypes.c_uint)]
        x.XGetWindowProperty.argtypes = [vp, ul, ul, ctypes.c_long, ctypes.c_long,
                                         ctypes.c_int, ul, ctypes.POINTER(ul),
                                         ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ul),
                                         ctypes.POINTER(ul),
                                         ctypes.POINTER(ctypes.c_void_p)]
        x.XGetWindowAttributes.argtypes = [vp, ul, ctypes.POINTER(self.WindowAttributes)]
        x.XSetInputFocus.argtypes = [vp, ul, ctypes.c_int, ul]
        x.XSync.argtypes = [vp, ctypes.c_int]
        x.XFree.argtypes = [vp]
        # A window may go away between two requests: a BadWindow must not
        # end the test (Xlib's default handler exits).
        self._handler = ctypes.CFUNCTYPE(ctypes.c_int, vp, vp)(lambda d, e: 0)
        x.XSetErrorHandler(self._handler)
        self.x = x
        self.display = x.XOpenDisplay(None)
        if not self.display:
            raise Failure('cannot open the X display to give the focus')
        self.root = x.XDefaultRootWindow(self.display)

    def _property(self, window, name, kind):
        x = self.x
        actual, fmt, n, after = ctypes.c_ulong(), ctypes.c_int(), ctypes.c_ulong(), ctypes.c_ulong()
        data = ctypes.c_void_p()
        if x.XGetWindowProperty(self.display, window, x.XInternAtom(self.display, name, 0), 0,
                                1024, 0, x.XInternAtom(self.display, kind, 0),
                                ctypes.byref(actual), ctypes.byref(fmt), ctypes.byref(n),
                                ctypes.byref(after), ctypes.byref(data)) != 0 or not data:
            return None
        try:
            if n.value == 0:
                return None
            if fmt.value == 32:
                return ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))[0]
            return ctypes.string_at(data, n.value).decode('utf-8', 'replace')
        finally:
            x.XFree(data)

    def toplevels(self):
        x = self.x
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        kids, n = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
        if not x.XQueryTree(self.display, self.root, ctypes.byref(root), ctypes.byref(parent),
                            ctypes.byref(kids), ctypes.byref(n)):
            return []
        try:
            return [kids[i] for i in range(n.value)]
        finally:
            if kids:
                x.XFree(kids)

    def find(self, pid, title):
        """The viewable toplevel X window of process @pid titled @title."""
        for window in self.toplevels():
            attributes = self.WindowAttributes()
            if not self.x.XGetWindowAttributes(self.display, window, ctypes.byref(attributes)) \
                    or attributes.map_state != self.IS_VIEWABLE:
                continue
            if self._property(window, b'_NET_WM_PID', b'CARDINAL') == pid \
                    and self._property(window, b'_NET_WM_NAME', b'UTF8_STRING') == title:
                return window
        return None

    def exists(self, pid, title):
        """Whether process @pid has a toplevel X window titled @title, mapped
        or not (GTK destroys it when the window is destroyed)."""
        return any(self._property(window, b'_NET_WM_PID', b'CARDINAL') == pid
                   and self._property(window, b'_NET_WM_NAME', b'UTF8_STRING') == title
                   for window in self.toplevels())

    def focus(self, window):
        self.x.XSetInputFocus(self.display, window, self.REVERT_TO_PARENT, self.CURRENT_TIME)
        self.x.XSync(self.display, 0)


_x11 = None


def focus_like_wm(app, pid, name):
    """Gives the keyboard focus to @app's toplevel @name as a window manager
    would (after the window that had it closed), then waits until GTK says the
    window has it. Only for what a window manager does: a window the app
    itself presents must get the focus without this (wait_for_focus)."""
    global _x11
    if _x11 is None:
        _x11 = _X11()
    if wait_for_window(app, name) is not None and focused_in(find_toplevel(app, name)):
        return find_toplevel(app, name)
    window = wait_for(f'the X window of {name!r}', lambda: _x11.find(pid, name))
    log(f'No window manager: giving the keyboard focus to {name!r}')
    _x11.focus(window)
    return wait_for_focus(app, name)


def wait_for_window_gone(app, pid, name):
    """Waits until @app's toplevel @name has gone. Through X11 first, asking
    the application nothing: GTK 4.8 can crash when an AT-SPI client asks
    about a window while it is being torn down (see GTK_ATSPI_FAULT). Once
    its X window is destroyed, the accessible tree no longer lists it."""
    global _x11
    if _x11 is None:
        _x11 = _X11()
    wait_for(f'the X window of {name!r} to be destroyed', lambda: not _x11.exists(pid, name))
    wait_for(f'{name!r} to leave the accessible tree', lambda: find_toplevel(app, name) is None)


# X11 keysyms (X11/keysymdef.h) and modifier masks (X.h).
KEYSYMS = {'Return': 0xff0d, 'comma': 0x2c, 'w': 0x77, 'question': 0x3f, 'Tab': 0xff09,
           'Escape': 0xff1b, 'p': 0x70}
CONTROL_MASK = 1 << 2


class Keyboard:
    """Key presses through the registry daemon (XTest on X11), to whatever
    window has the focus, as a person's keyboard would. The daemon finds the
    key of a keysym in the server's keymap and adds Shift when the keysym
    needs it (Ctrl+? is Ctrl+Shift+slash on most keymaps)."""

    def __init__(self, app):
        self.app = app

    def press(self, window_name, keysym, modifiers=0):
        """Sends the key to the toplevel @window_name once the keyboard focus
        is in it; returns the widget that had the focus."""
        window = wait_for_focus(self.app, window_name)
        target = focused_in(window)
        if modifiers:
            pyatspi.Registry.generateKeyboardEvent(modifiers, None, pyatspi.KEY_LOCKMODIFIERS)
        try:
            pyatspi.Registry.generateKeyboardEvent(KEYSYMS[keysym], None, pyatspi.KEY_SYM)
        finally:
            if modifiers:
                pyatspi.Registry.generateKeyboardEvent(modifiers, None,
                                                       pyatspi.KEY_UNLOCKMODIFIERS)
        return target



# GTK 4.8's AT-SPI code sometimes answers a request about a toplevel whose
# accessible context has no object path (a window being hidden or torn down)
# with a reference built from NULL: "GLib-CRITICAL: g_variant_is_object_path:
# assertion 'string != NULL' failed", then a crash inside g_variant_new (seen
# under ASan: SEGV in g_variant_builder_add_value called from libgtk-4).
# Newer GTK checks for the missing path (gtk_at_spi_context_to_ref). It came
# about once in ten runs on two loaded cores, always while a test walked the
# tree as a window closed, and never with gdb attached; no code of
# SocialHub's is on that path. A test that fails with exactly that fault in
# the application's log is run once more, from scratch, and says so; any
# other failure, or the fault twice, fails the test.
GTK_ATSPI_FAULT = "g_variant_is_object_path: assertion 'string != NULL' failed"


def gtk_atspi_fault_in(log_path):
    """Whether the application's log at @log_path shows GTK 4.8's fault."""
    try:
        with open(log_path, errors='replace') as f:
            return GTK_ATSPI_FAULT in f.read()
    except OSError:
        return False


def run_with_one_retry_on_gtk_fault(run_once, new_tmp):
    """run_once(tmp) in a fresh folder from new_tmp(); once more if it failed
    with GTK 4.8's AT-SPI fault (see GTK_ATSPI_FAULT) and nothing else."""
    tmp = new_tmp()
    try:
        run_once(tmp)
        return
    except Failure:
        if not gtk_atspi_fault_in(os.path.join(tmp, 'socialhub.log')):
            raise
    log('The application crashed in GTK 4.8\'s AT-SPI code (g_variant_is_object_path on '
        'a closing window, a GTK bug fixed in later versions); running the test once more')
    run_once(new_tmp())


# --- one test's run -----------------------------------------------------------

def window_env(tmp, **extra):
    """The environment of the window under test in @tmp: its own data and
    configuration folders, page transitions off (a screenshot taken once a
    page's rows are there shows that page alone, not two crossfading: a GTK
    setting, in the test's own configuration folder), AT-SPI on, @extra."""
    data_home = os.path.join(tmp, 'data')
    config_home = os.path.join(tmp, 'config')
    os.makedirs(data_home, exist_ok=True)
    os.makedirs(os.path.join(config_home, 'gtk-4.0'))
    with open(os.path.join(config_home, 'gtk-4.0', 'settings.ini'), 'w') as f:
        f.write('[Settings]\ngtk-enable-animations=false\n')
    # dogtail and some toolkits look at this key; GTK 4 speaks AT-SPI anyway.
    subprocess.run(['gsettings', 'set', 'org.gnome.desktop.interface',
                    'toolkit-accessibility', 'true'], capture_output=True)
    env = dict(os.environ)
    env.update({
        'XDG_DATA_HOME': data_home,
        'XDG_CONFIG_HOME': config_home,
        'GSK_RENDERER': env.get('GSK_RENDERER', 'cairo'),
    })
    env.update(extra)
    env.pop('GTK_A11Y', None)
    return env


@contextlib.contextmanager
def running_app(argv, env, tmp):
    """Runs @argv with its output in @tmp/socialhub.log (where
    run_with_one_retry_on_gtk_fault looks for GTK's fault); on the way out
    stops it and logs what it said."""
    log_path = os.path.join(tmp, 'socialhub.log')
    app_log = open(log_path, 'w')
    process = subprocess.Popen(argv, env=env, stdout=app_log, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        stop(process)
        app_log.close()
        with open(log_path, encoding='utf-8', errors='replace') as f:
            output = f.read().strip()
        if output:
            log('SocialHub said:\n' + output)


def main(name, run):
    """The main() of an AT-SPI test @name.py PATH/TO/socialhub: run(binary,
    tmp, artifacts) in a fresh folder (once more on GTK's fault, see
    run_with_one_retry_on_gtk_fault); PASS or FAIL, and the exit status."""
    if len(sys.argv) != 2:
        print(f'usage: {name}.py PATH/TO/socialhub', file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    if not os.access(binary, os.X_OK):
        print(f'FAIL: {binary} is not an executable', file=sys.stderr)
        return 1
    artifacts = os.environ.get('SH_TEST_ARTIFACT_DIR') or tempfile.gettempdir()
    os.makedirs(artifacts, exist_ok=True)
    folders = []

    def new_tmp():
        folders.append(tempfile.mkdtemp(prefix=f'{name}-'))
        return folders[-1]

    try:
        run_with_one_retry_on_gtk_fault(lambda tmp: run(binary, tmp, artifacts), new_tmp)
    except Failure as error:
        print(f'FAIL: {error}', file=sys.stderr)
        return 1
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    print(f'PASS: {name}')
    return 0
