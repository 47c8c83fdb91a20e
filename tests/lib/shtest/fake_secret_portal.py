#!/usr/bin/python3
"""fake_secret_portal.py ANSWER — a tiny org.freedesktop.portal.Secret.

What libsecret's file backend asks inside Flatpak (or with SNAP_NAME set):
the interface's "version" property (1), then RetrieveSecret(h fd, a{sv})
with a handle_token; the portal answers with the Request's object path and
then its Response(u, a{sv}) signal. ANSWER is the first response: 0 writes a
64-byte key to the fd (always the same key, so that a file written with it
opens again), 1 is "the person refused", 2 "failed". A test changes it with
  io.socialhub.FakeSecretPortal.SetAnswer(u)
and reads how many keys were asked for with
  io.socialhub.FakeSecretPortal.CountRequests() -> u.
Prints "ready" on standard output once the name is owned, and leaves when
its standard input closes (the test that started it ended, however it did).
"""
import os
import sys

from gi.repository import Gio, GLib

XML = """
<node>
  <interface name="org.freedesktop.portal.Secret">
    <method name="RetrieveSecret">
      <arg type="h" direction="in"/><arg type="a{sv}" direction="in"/>
      <arg type="o" direction="out"/>
    </method>
    <property name="version" type="u" access="read"/>
  </interface>
  <interface name="io.socialhub.FakeSecretPortal">
    <method name="SetAnswer"><arg type="u" direction="in"/></method>
    <method name="CountRequests"><arg type="u" direction="out"/></method>
  </interface>
</node>
"""

PATH = "/org/freedesktop/portal/desktop"
KEY = bytes(range(64))
answer = [int(sys.argv[1]) if len(sys.argv) > 1 else 0]
requests = [0]


def respond(conn, sender, request_path, fd):
    if answer[0] == 0:
        os.write(fd, KEY)
    os.close(fd)
    # Unicast to the caller, as xdg-desktop-portal's Request does: libsecret
    # subscribes without a match rule.
    conn.emit_signal(sender, request_path, "org.freedesktop.portal.Request", "Response",
                     GLib.Variant("(ua{sv})", (answer[0], {})))
    return GLib.SOURCE_REMOVE


def on_call(conn, sender, path, interface, method, params, invocation):
    if method == "RetrieveSecret":
        index, options = params.unpack()
        fds = invocation.get_message().get_unix_fd_list()
        fd = fds.get(index)
        token = options.get("handle_token", "t")
        request_path = "%s/request/%s/%s" % (PATH, sender[1:].replace(".", "_"), token)
        requests[0] += 1
        invocation.return_value(GLib.Variant("(o)", (request_path,)))
        # A portal answers after asking the keyring; answered at once, the
        # signal sometimes reaches Debian 12's GLib (2.74) before the
        # caller's subscription knows who owns the portal's name, and is
        # dropped.
        GLib.timeout_add(200, respond, conn, sender, request_path, fd)
    elif method == "SetAnswer":
        answer[0] = params.unpack()[0]
        invocation.return_value(None)
    elif method == "CountRequests":
        invocation.return_value(GLib.Variant("(u)", (requests[0],)))
    else:
        invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod", method)


def on_get_property(conn, sender, path, interface, name):
    if name == "version":
        return GLib.Variant("u", 1)
    return None


def main():
    loop = GLib.MainLoop()
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    info = Gio.DBusNodeInfo.new_for_xml(XML)
    for iface in info.interfaces:
        bus.register_object(PATH, iface, on_call, on_get_property, None)

    def acquired(*_):
        print("ready", flush=True)

    def lost(*_):
        print("could not own org.freedesktop.portal.Desktop", file=sys.stderr)
        loop.quit()

    Gio.bus_own_name_on_connection(bus, "org.freedesktop.portal.Desktop",
                                   Gio.BusNameOwnerFlags.NONE, acquired, lost)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 15, loop.quit)
    GLib.io_add_watch(sys.stdin.fileno(), GLib.PRIORITY_DEFAULT,
                      GLib.IOCondition.IN | GLib.IOCondition.HUP, lambda *_: loop.quit())
    loop.run()


if __name__ == "__main__":
    main()
