#!/usr/bin/python3
"""fake_gtk_notifications.py LOG.json — a tiny org.gtk.Notifications (the
interface GNOME Shell serves, which GLib prefers to the freedesktop one).

Owns the name on the session bus, answers AddNotification /
RemoveNotification, and rewrites LOG.json after each call with the list of
calls: {"method": "AddNotification", "app_id", "id", "title", "body",
"default_action", "default_action_target", "buttons": [{"label",
"action", "target"}]} and {"method": "RemoveNotification", "app_id", "id"}
(targets as their printed GVariant, e.g. "'facebook:10001'").
io.socialhub.FakeNotifications.Sync() answers once every call that came
before it is in LOG.json. Prints "ready" on standard output once the name
is owned.
"""
import json
import os
import sys

from gi.repository import GLib

from fake_service import serve

XML = """
<node>
  <interface name="org.gtk.Notifications">
    <method name="AddNotification">
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="a{sv}" direction="in"/>
    </method>
    <method name="RemoveNotification">
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
    </method>
  </interface>
  <interface name="io.socialhub.FakeNotifications">
    <method name="Sync"/>
  </interface>
</node>
"""

PATH = "/org/gtk/Notifications"
log_path = sys.argv[1]
calls = []


def save():
    tmp = log_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(calls, f, indent=1)
    os.replace(tmp, log_path)


def printed(variant):
    return variant.print_(False) if variant is not None else None


def on_call(conn, sender, path, interface, method, params, invocation):
    if method == "Sync":
        invocation.return_value(None)
        return
    if method == "AddNotification":
        app_id, nid, notification = params.unpack()
        raw = params.get_child_value(2)
        target = raw.lookup_value("default-action-target", None)
        buttons = []
        for button in notification.get("buttons", []):
            buttons.append({"label": button.get("label"), "action": button.get("action"),
                            "target": str(button.get("target"))})
        calls.append({"method": method, "app_id": app_id, "id": nid,
                      "title": notification.get("title"), "body": notification.get("body"),
                      "priority": notification.get("priority"),
                      "default_action": notification.get("default-action"),
                      "default_action_target": printed(target), "buttons": buttons,
                      "sender": sender})
    elif method == "RemoveNotification":
        app_id, nid = params.unpack()
        calls.append({"method": method, "app_id": app_id, "id": nid, "sender": sender})
    else:
        invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod", method)
        return
    save()
    invocation.return_value(None)


def main():
    save()
    serve("org.gtk.Notifications", PATH, XML, on_call)


if __name__ == "__main__":
    main()
