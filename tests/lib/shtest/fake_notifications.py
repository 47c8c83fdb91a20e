#!/usr/bin/python3
"""fake_notifications.py LOG.json — a tiny org.freedesktop.Notifications.

Owns the name on the session bus, answers Notify / CloseNotification /
GetCapabilities / GetServerInformation, and rewrites LOG.json after each
call with the list of calls: {"method": "Notify", "id", "app_name",
"replaces_id", "summary", "body", "actions", "urgency", "icon"} (the icon:
the image-path hint GLib sends a GNotification's icon in, else app_icon) and
{"method": "CloseNotification", "id"}. A test presses a button with
  gdbus call --session --dest org.freedesktop.Notifications \
    --object-path /org/freedesktop/Notifications \
    --method io.socialhub.FakeNotifications.Invoke ID ACTION-KEY
which emits ActionInvoked(ID, ACTION-KEY) as a notification server does.
io.socialhub.FakeNotifications.SetCapabilities(as) changes what
GetCapabilities answers (at first "actions", "body"; add "body-markup" to
be a server that parses bodies as markup, as GNOME Shell's and dunst do).
io.socialhub.FakeNotifications.Sync() answers once every call that came
before it is in LOG.json (calls are handled in order).
Prints "ready" on standard output once the name is owned.
"""
import json
import os
import sys

from gi.repository import GLib

from fake_service import serve

XML = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
  <interface name="io.socialhub.FakeNotifications">
    <method name="Invoke"><arg type="u" direction="in"/><arg type="s" direction="in"/></method>
    <method name="SetCapabilities"><arg type="as" direction="in"/></method>
    <method name="Sync"/>
  </interface>
</node>
"""

PATH = "/org/freedesktop/Notifications"
log_path = sys.argv[1]
calls = []
next_id = [1]
capabilities = ["actions", "body"]


def save():
    tmp = log_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(calls, f, indent=1)
    os.replace(tmp, log_path)


def on_call(conn, sender, path, interface, method, params, invocation):
    args = params.unpack()
    if method == "Notify":
        app_name, replaces_id, app_icon, summary, body, actions, hints, _timeout = args
        nid = replaces_id if replaces_id else next_id[0]
        if not replaces_id:
            next_id[0] += 1
        calls.append({"method": "Notify", "id": nid, "app_name": app_name,
                      "replaces_id": replaces_id, "summary": summary, "body": body,
                      "actions": list(actions), "urgency": int(hints.get("urgency", 1)),
                      "icon": hints.get("image-path") or app_icon,
                      "sender": sender})
        save()
        invocation.return_value(GLib.Variant("(u)", (nid,)))
    elif method == "CloseNotification":
        calls.append({"method": "CloseNotification", "id": args[0]})
        save()
        invocation.return_value(None)
        conn.emit_signal(None, PATH, "org.freedesktop.Notifications", "NotificationClosed",
                         GLib.Variant("(uu)", (args[0], 3)))
    elif method == "GetCapabilities":
        invocation.return_value(GLib.Variant("(as)", (capabilities,)))
    elif method == "GetServerInformation":
        invocation.return_value(GLib.Variant("(ssss)", ("fake", "socialhub-tests", "1", "1.2")))
    elif method == "Sync":
        invocation.return_value(None)
    elif method == "SetCapabilities":
        capabilities[:] = args[0]
        invocation.return_value(None)
    elif method == "Invoke":
        nid, key = args
        invocation.return_value(None)
        conn.emit_signal(None, PATH, "org.freedesktop.Notifications", "ActionInvoked",
                         GLib.Variant("(us)", (nid, key)))
    else:
        invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod", method)


def main():
    save()
    serve("org.freedesktop.Notifications", PATH, XML, on_call)


if __name__ == "__main__":
    main()
