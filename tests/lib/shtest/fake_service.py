"""fake_service.py — what the fake D-Bus services here share.

serve(NAME, PATH, XML, on_call, get_property=None) exports every interface
of XML at PATH on the session bus, owns NAME, prints "ready" on standard
output once it is owned (the test waits for that line) and runs until
SIGTERM. on_call and get_property are Gio's method-call and get-property
callbacks.
"""
import sys

from gi.repository import Gio, GLib


def serve(name, path, xml, on_call, get_property=None):
    loop = GLib.MainLoop()
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    for iface in Gio.DBusNodeInfo.new_for_xml(xml).interfaces:
        bus.register_object(path, iface, on_call, get_property, None)

    def acquired(*_):
        print("ready", flush=True)

    def lost(*_):
        print(f"could not own {name}", file=sys.stderr)
        loop.quit()

    Gio.bus_own_name_on_connection(bus, name, Gio.BusNameOwnerFlags.NONE, acquired, lost)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 15, loop.quit)
    loop.run()
