#!/usr/bin/python3
"""The tray icon (issue 16, part 5): the real `socialhub`, running in the
background (--gapplication-service), against the standalone emulator, with
shtest/fake_status_notifier_watcher.py as the panel.

With no watcher on the bus there is no item. A watcher that appears gets
the item registered: Status Active, the connected icon, "All channels
connected", a menu of Open SocialHub, Check Now and Quit. Alice's Page hit
by a checkpoint, the menu's Check Now (dbusmenu Event "clicked") makes the
app ask the emulator; the item turns NeedsAttention with the error icon and
"1 channel needs attention"; restored and checked again (a --check
forwarded to the app), it is Active and connected again. A left click
(Activate) opens the window. The watcher stopped, the item's name leaves
the bus; a new watcher gets the item registered again. show-tray-icon off
unregisters it at once, on registers it again; Quit from the menu ends
the app.

Usage: tray-icon.py SOCIALHUB SOCIALHUB_SANDBOX (inside build-aux/with-session.sh)
"""
import json
import os
import subprocess
import sys
import tempfile

from gi.repository import Gio, GLib

from shtest.sandbox import app_env, control as sandbox_control, start_sandbox
from shtest.session import (TIME_FACTOR, Checks, start_fake_notifications,
                            start_fake_status_notifier_watcher, stop, wait_until)

SOCIALHUB, SANDBOX = sys.argv[1], sys.argv[2]
APP_ID = "io.socialhub.SocialHub"
ITEM_NAME = APP_ID + ".StatusNotifierItem"
ALICE = "10001"
check = Checks()

tmp = tempfile.mkdtemp(prefix="socialhub-tray-")
sandbox, variables = start_sandbox(SANDBOX, os.path.join(tmp, "world.json"),
                                   timeout=20 * TIME_FACTOR)
base_url = variables["SOCIALHUB_SANDBOX_URL"]
# The keyfile backend, so that `gsettings set` here reaches the running app.
env = app_env(variables, XDG_DATA_HOME=os.path.join(tmp, "data"),
              GNOTIFICATION_BACKEND="freedesktop", GSETTINGS_BACKEND="keyfile")
bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
notifications = start_fake_notifications(os.path.join(tmp, "notifications.json"))


def run(*args, timeout=90):
    return subprocess.run([SOCIALHUB, *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def requests_seen():
    """How many requests the emulator has answered."""
    return len(sandbox_control(base_url, "requests")["requests"])


def has_owner(name):
    reply = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "NameHasOwner", GLib.Variant("(s)", (name,)), None,
                          Gio.DBusCallFlags.NONE, 5000, None)
    return reply.unpack()[0]


def tray_names():
    """Every name on the bus that could be a status notifier item."""
    reply = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "ListNames", None, None, Gio.DBusCallFlags.NONE, 5000, None)
    return [n for n in reply.unpack()[0] if "StatusNotifierItem" in n]


class Watcher:
    """One run of the fake watcher and what it logged."""

    def __init__(self, name):
        self.log = os.path.join(tmp, name + ".json")
        self.proc = start_fake_status_notifier_watcher(self.log)

    def read(self):
        with open(self.log) as f:
            return json.load(f)

    def events(self):
        return [(e["event"], e["service"]) for e in self.read()["events"]]

    def item(self):
        return self.read()["items"].get(ITEM_NAME)

    def wait_item(self, status, icon, tooltip):
        """The item as the host last read it, once it shows all three."""
        def shows():
            item = self.item()
            ok = (item is not None and item.get("Status") == status and
                  item.get("IconName") == icon and
                  (item.get("ToolTip") or [None] * 3)[2] == tooltip)
            return item if ok else None
        return wait_until(shows) or self.item()

    def stop(self):
        stop(self.proc)


def click_menu(label):
    """What a panel does when its menu entry @label is clicked."""
    reply = bus.call_sync(ITEM_NAME, "/StatusNotifierItem/Menu", "com.canonical.dbusmenu",
                          "GetLayout", GLib.Variant("(iias)", (0, -1, [])), None,
                          Gio.DBusCallFlags.NONE, 5000, None)
    _revision, (_root, _props, children) = reply.unpack()
    ids = [child_id for child_id, props, _ in children if props.get("label") == label]
    if not ids:
        return False
    bus.call_sync(ITEM_NAME, "/StatusNotifierItem/Menu", "com.canonical.dbusmenu", "Event",
                  GLib.Variant("(isvu)", (ids[0], "clicked", GLib.Variant("s", ""), 0)), None,
                  Gio.DBusCallFlags.NONE, 5000, None)
    return True


def menu_call(method, signature, args):
    reply = bus.call_sync(ITEM_NAME, "/StatusNotifierItem/Menu", "com.canonical.dbusmenu", method,
                          GLib.Variant(signature, args), None, Gio.DBusCallFlags.NONE, 5000, None)
    return reply.unpack()


def window_count():
    """The windows the app has exported on the bus (GtkApplicationWindow
    exports each one's actions under /io/socialhub/SocialHub/window/)."""
    try:
        reply = bus.call_sync(APP_ID, "/io/socialhub/SocialHub/window",
                              "org.freedesktop.DBus.Introspectable", "Introspect", None, None,
                              Gio.DBusCallFlags.NONE, 5000, None)
    except GLib.Error:
        return 0
    return len(Gio.DBusNodeInfo.new_for_xml(reply.unpack()[0]).nodes)


def describe(item):
    if not item:
        return "no item"
    return f"{item.get('Status')}, {item.get('IconName')}, {(item.get('ToolTip') or [None] * 3)[2]!r}"


app = None
watcher = None
app_log = open(os.path.join(tmp, "socialhub.log"), "w")
try:
    r = run("--login", "facebook", "--channel", "Acme Coffee")
    check(r.returncode == 0, f"Alice's token is added (rc {r.returncode}, {r.stderr.strip()!r})")

    # --- no watcher, no item -----------------------------------------------------------
    before = requests_seen()
    app = subprocess.Popen([SOCIALHUB, "--gapplication-service"], env=env, stdout=app_log,
                           stderr=subprocess.STDOUT)
    check(wait_until(lambda: has_owner(APP_ID)), "the app runs in the background")
    check(wait_until(lambda: requests_seen() > before), "it checks at start")
    check(tray_names() == [], f"with no watcher on the bus there is no item ({tray_names()})")

    # --- a watcher appears: the item registers ---------------------------------------------
    watcher = Watcher("watcher-1")
    check(wait_until(lambda: ("registered", ITEM_NAME) in watcher.events()),
          f"the item registers with a watcher that appears ({watcher.events()})")
    item = watcher.wait_item("Active", "emblem-ok-symbolic", "All channels connected")
    check(item is not None and item.get("Status") == "Active"
          and item.get("IconName") == "emblem-ok-symbolic"
          and (item.get("ToolTip") or [None] * 3)[2] == "All channels connected",
          f"connected: Active, emblem-ok-symbolic, \"All channels connected\" ({describe(item)})")
    check(item is not None and item.get("menu_labels") == ["Open SocialHub", "Check Now", "-", "Quit"],
          f"its menu: Open SocialHub, Check Now, Quit ({item and item.get('menu_labels')})")
    check(item is not None and item.get("ItemIsMenu") is False,
          "a left click is the item's own (ItemIsMenu false)")
    # What other panels ask of the menu before they show it.
    check(menu_call("AboutToShow", "(i)", (0,)) == (False,), "AboutToShow: no update needed")
    labels = {i: props.get("label") for i, props in
              menu_call("GetGroupProperties", "(aias)", ([], ["label"]))[0]}
    check(labels.get(2) == "Check Now" and list(labels.values()).count("Quit") == 1,
          f"GetGroupProperties gives the labels ({labels})")
    check(menu_call("GetProperty", "(is)", (2, "label")) == ("Check Now",),
          "GetProperty gives one label")
    check(menu_call("EventGroup", "(a(isvu))", ([(99, "hovered", GLib.Variant("s", ""), 0)],)) == ([99],),
          "EventGroup names an id that is no item")

    # --- disconnected, through the menu's Check Now ---------------------------------------------
    # Check Now joins a check under way, and the one at start may still be
    # running (slow under the sanitizers): its answers predate the
    # checkpoint. A forwarded --check also joins it and returns when it is
    # over, so after it nothing is in flight.
    r = run("--check")
    check(r.returncode == 0, f"the check at start is over (rc {r.returncode})")
    sandbox_control(base_url, "checkpoint", person=ALICE)
    before = requests_seen()
    check(click_menu("Check Now"), "the menu has Check Now")
    check(wait_until(lambda: requests_seen() > before),
          "Check Now (Event \"clicked\") makes the app ask the network")
    item = watcher.wait_item("NeedsAttention", "dialog-error-symbolic", "1 channel needs attention")
    check(item is not None and item.get("Status") == "NeedsAttention"
          and item.get("IconName") == "dialog-error-symbolic"
          and (item.get("ToolTip") or [None] * 3)[2] == "1 channel needs attention",
          f"disconnected: NeedsAttention, dialog-error-symbolic, \"1 channel needs attention\" "
          f"({describe(item)})")

    # --- connected again, through a check forwarded to the app -------------------------------------
    sandbox_control(base_url, "restore", person=ALICE)
    r = run("--check")
    check(r.returncode == 0, f"Alice's token works again (rc {r.returncode})")
    item = watcher.wait_item("Active", "emblem-ok-symbolic", "All channels connected")
    check(item is not None and item.get("Status") == "Active"
          and item.get("IconName") == "emblem-ok-symbolic"
          and (item.get("ToolTip") or [None] * 3)[2] == "All channels connected",
          f"connected again: Active, emblem-ok-symbolic ({describe(item)})")

    # --- a left click opens the window ---------------------------------------------------------------------
    check(window_count() == 0, "no window while running in the background")
    bus.call_sync(ITEM_NAME, "/StatusNotifierItem", "org.kde.StatusNotifierItem", "Activate",
                  GLib.Variant("(ii)", (0, 0)), None, Gio.DBusCallFlags.NONE, 5000, None)
    check(wait_until(lambda: window_count() == 1), "a left click (Activate) opens the window")

    # --- the watcher restarts ----------------------------------------------------------------------
    watcher.stop()
    check(wait_until(lambda: not has_owner(ITEM_NAME)),
          "without a watcher the item leaves the bus")
    watcher = Watcher("watcher-2")
    check(wait_until(lambda: ("registered", ITEM_NAME) in watcher.events()),
          "a restarted watcher gets the item registered again")
    item = watcher.wait_item("Active", "emblem-ok-symbolic", "All channels connected")
    check(item is not None and item.get("IconName") == "emblem-ok-symbolic",
          f"… showing the same state ({describe(item)})")

    # --- show-tray-icon ------------------------------------------------------------------------------
    subprocess.run(["gsettings", "set", APP_ID, "show-tray-icon", "false"], env=env, check=True)
    check(wait_until(lambda: ("unregistered", ITEM_NAME) in watcher.events()),
          f"show-tray-icon off: the watcher sees the item go ({watcher.events()})")
    check(not has_owner(ITEM_NAME), "… and its name is off the bus")
    subprocess.run(["gsettings", "set", APP_ID, "show-tray-icon", "true"], env=env, check=True)
    check(wait_until(lambda: watcher.events().count(("registered", ITEM_NAME)) == 2),
          "show-tray-icon on: registered again")

    # --- Quit ----------------------------------------------------------------------------------------
    check(click_menu("Quit"), "the menu has Quit")
    try:
        app.wait(timeout=30 * TIME_FACTOR)
    except subprocess.TimeoutExpired:
        pass
    check(app.poll() == 0, f"Quit ends the app (exit {app.poll()})")
    check(wait_until(lambda: ("unregistered", ITEM_NAME) in watcher.events()),
          "… and its item goes with it")
except (GLib.Error, OSError, subprocess.SubprocessError) as error:
    check(False, f"the scenario went on to its end ({error})")
finally:
    if app is not None:
        stop(app)
    if watcher is not None:
        watcher.stop()
    stop(notifications)
    stop(sandbox)
    app_log.close()

print(f"{check.passed} passed, {len(check.failures)} failed")
if check.failures:
    with open(os.path.join(tmp, "socialhub.log")) as f:
        print("--- socialhub.log\n" + f.read())
sys.exit(1 if check.failures else 0)
