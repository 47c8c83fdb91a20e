#!/usr/bin/python3
"""fake_status_notifier_watcher.py LOG.json — a tiny panel with a tray.

Owns org.kde.StatusNotifierWatcher on the session bus and plays the host
too, as KDE Plasma's or the AppIndicator extension's does: an item that
registers (by bus name, or by object path with the caller's name) is read
with Properties.GetAll, and read again after each of its New* signals; its
menu's labels are read with com.canonical.dbusmenu.GetLayout. A watched
item whose bus name vanishes is forgotten (StatusNotifierItemUnregistered).

LOG.json is rewritten after each change:
  {"events": [{"event": "registered"|"unregistered", "service": S}, …],
   "items": {S: {"bus_name", "path", "Status", "IconName", "AttentionIconName",
                 "ToolTip": [icon, title, text], "Title", "Id", "ItemIsMenu",
                 "Menu", "menu_labels": [...], "reads": N}}}
Prints "ready" on standard output once the name is owned.
"""
import json
import os
import sys

from gi.repository import Gio, GLib

XML = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
</node>
"""

WATCHER = "org.kde.StatusNotifierWatcher"
PATH = "/StatusNotifierWatcher"
ITEM = "org.kde.StatusNotifierItem"
DEFAULT_ITEM_PATH = "/StatusNotifierItem"
log_path = sys.argv[1]
events = []
items = {}      # service -> what the host read
watches = {}    # service -> (name watch id, signal subscription id)
bus = None


def save():
    tmp = log_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"events": events, "items": items}, f, indent=1)
    os.replace(tmp, log_path)


def menu_labels(bus_name, menu_path):
    """The labels of the menu's top level, as a panel shows them."""
    reply = bus.call_sync(bus_name, menu_path, "com.canonical.dbusmenu", "GetLayout",
                          GLib.Variant("(iias)", (0, -1, [])), None,
                          Gio.DBusCallFlags.NONE, 5000, None)
    _revision, (_id, _props, children) = reply.unpack()
    labels = []
    for child in children:
        child_id, props, _grandchildren = child
        if props.get("type") == "separator":
            labels.append("-")
        else:
            labels.append(props.get("label", ""))
    return labels


def read_item(service):
    item = items.get(service)
    if item is None:
        return
    try:
        reply = bus.call_sync(item["bus_name"], item["path"], "org.freedesktop.DBus.Properties",
                              "GetAll", GLib.Variant("(s)", (ITEM,)), None,
                              Gio.DBusCallFlags.NONE, 5000, None)
    except GLib.Error as error:
        item["error"] = error.message
        save()
        return
    props = reply.unpack()[0]
    for key in ("Status", "IconName", "AttentionIconName", "Title", "Id", "ItemIsMenu", "Menu"):
        item[key] = props.get(key)
    tooltip = props.get("ToolTip")
    item["ToolTip"] = [tooltip[0], tooltip[2], tooltip[3]] if tooltip else None
    if "menu_labels" not in item and props.get("Menu"):
        try:
            item["menu_labels"] = menu_labels(item["bus_name"], props["Menu"])
        except GLib.Error as error:
            item["menu_error"] = error.message
    item["reads"] = item.get("reads", 0) + 1
    save()


def forget(service):
    watch = watches.pop(service, None)
    if watch is not None:
        Gio.bus_unwatch_name(watch[0])
        bus.signal_unsubscribe(watch[1])
    if items.pop(service, None) is not None:
        events.append({"event": "unregistered", "service": service})
        save()
        bus.emit_signal(None, PATH, WATCHER, "StatusNotifierItemUnregistered",
                        GLib.Variant("(s)", (service,)))


def register(service, sender):
    if service.startswith("/"):
        bus_name, path = sender, service
        service = sender + service
    else:
        bus_name, path = service, DEFAULT_ITEM_PATH
    forget(service)
    items[service] = {"bus_name": bus_name, "path": path}
    events.append({"event": "registered", "service": service})
    save()

    def on_signal(_conn, _sender, _path, _iface, _signal, _params):
        read_item(service)

    subscription = bus.signal_subscribe(None, ITEM, None, path, None,
                                        Gio.DBusSignalFlags.NONE, on_signal)
    watch = Gio.bus_watch_name_on_connection(bus, bus_name, Gio.BusNameWatcherFlags.NONE,
                                             None, lambda *_: forget(service))
    watches[service] = (watch, subscription)
    bus.emit_signal(None, PATH, WATCHER, "StatusNotifierItemRegistered",
                    GLib.Variant("(s)", (service,)))
    GLib.idle_add(lambda: read_item(service) and False)


def on_call(conn, sender, path, interface, method, params, invocation):
    args = params.unpack()
    if method == "RegisterStatusNotifierItem":
        invocation.return_value(None)
        register(args[0], sender)
    elif method == "RegisterStatusNotifierHost":
        invocation.return_value(None)
    else:
        invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod", method)


def on_get_property(conn, sender, path, interface, name):
    if name == "RegisteredStatusNotifierItems":
        return GLib.Variant("as", list(items))
    if name == "IsStatusNotifierHostRegistered":
        return GLib.Variant("b", True)
    return GLib.Variant("i", 0)


def main():
    global bus
    save()
    loop = GLib.MainLoop()
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    info = Gio.DBusNodeInfo.new_for_xml(XML)
    bus.register_object(PATH, info.interfaces[0], on_call, on_get_property, None)

    def acquired(*_):
        print("ready", flush=True)

    def lost(*_):
        print("could not own " + WATCHER, file=sys.stderr)
        loop.quit()

    Gio.bus_own_name_on_connection(bus, WATCHER, Gio.BusNameOwnerFlags.NONE, acquired, lost)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 15, loop.quit)
    loop.run()


if __name__ == "__main__":
    main()
