#!/usr/bin/python3
"""fake_portal.py LOG.json [--version N] [--answer ANSWER] — a tiny
org.freedesktop.portal.Desktop with the Background portal.

Owns the name on the session bus and serves /org/freedesktop/portal/desktop:
  org.freedesktop.portal.Background  version (property, default 2),
    RequestBackground(s parent_window, a{sv} options) -> o handle, then the
    Request's Response(u, a{sv}) signal on that handle; SetStatus(a{sv})
    (only from version 2 on, as the real one).
  io.socialhub.FakePortal.SetAnswer(s) changes the answer of the next
    requests: "allow" (response 0, background true, autostart as asked),
    "deny" (response 0, background false: a stored "no"), "cancel" (1: the
    person closed the dialog), "other" (2).
The handle follows the portal's rule: /org/freedesktop/portal/desktop/
request/SENDER/TOKEN, SENDER the caller's unique name without ':' and with
'.' made '_', TOKEN the options' handle_token.
LOG.json is rewritten after each call with the list of calls:
{"method": "RequestBackground", "parent_window", "options", "handle",
"sender"} and {"method": "SetStatus", "message"}.
Prints "ready" on standard output once the name is owned.
"""
import argparse
import json
import os

from gi.repository import GLib

from fake_service import serve

PATH = "/org/freedesktop/portal/desktop"
XML = """
<node>
  <interface name="org.freedesktop.portal.Background">
    <method name="RequestBackground">
      <arg type="s" direction="in"/><arg type="a{sv}" direction="in"/>
      <arg type="o" direction="out"/>
    </method>
    <method name="SetStatus"><arg type="a{sv}" direction="in"/></method>
    <property name="version" type="u" access="read"/>
  </interface>
  <interface name="io.socialhub.FakePortal">
    <method name="SetAnswer"><arg type="s" direction="in"/></method>
  </interface>
</node>
"""
ANSWERS = {"allow": 0, "deny": 0, "cancel": 1, "other": 2}

parser = argparse.ArgumentParser()
parser.add_argument("log")
parser.add_argument("--version", type=int, default=2)
parser.add_argument("--answer", choices=sorted(ANSWERS), default="allow")
args = parser.parse_args()
calls = []
answer = [args.answer]


def save():
    tmp = args.log + ".tmp"
    with open(tmp, "w") as f:
        json.dump(calls, f, indent=1)
    os.replace(tmp, args.log)


def respond(conn, sender, handle, autostart):
    kind = answer[0]
    results = {}
    if kind in ("allow", "deny"):
        allowed = kind == "allow"
        results = {"background": GLib.Variant("b", allowed),
                   "autostart": GLib.Variant("b", allowed and autostart)}
    conn.emit_signal(sender, handle, "org.freedesktop.portal.Request", "Response",
                     GLib.Variant("(ua{sv})", (ANSWERS[kind], results)))
    return GLib.SOURCE_REMOVE


def on_call(conn, sender, path, interface, method, params, invocation):
    unpacked = params.unpack()
    if method == "RequestBackground":
        parent_window, options = unpacked
        token = options.get("handle_token", "t%d" % len(calls))
        handle = "%s/request/%s/%s" % (PATH, sender[1:].replace(".", "_"), token)
        calls.append({"method": method, "parent_window": parent_window, "options": options,
                      "handle": handle, "sender": sender})
        save()
        invocation.return_value(GLib.Variant("(o)", (handle,)))
        # After the reply, as the real portal answers after its dialog.
        GLib.idle_add(respond, conn, sender, handle, bool(options.get("autostart", False)))
    elif method == "SetStatus" and args.version >= 2:
        calls.append({"method": method, "message": unpacked[0].get("message")})
        save()
        invocation.return_value(None)
    elif method == "SetAnswer":
        answer[0] = unpacked[0]
        invocation.return_value(None)
    else:
        invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod", method)


def get_property(conn, sender, path, interface, name):
    return GLib.Variant("u", args.version)


def main():
    save()
    serve("org.freedesktop.portal.Desktop", PATH, XML, on_call, get_property)


if __name__ == "__main__":
    main()
