#!/usr/bin/python3
"""A stand-in GNOME session manager on the session bus, for tests: it answers
org.gnome.SessionManager's Inhibit and Uninhibit as gnome-session does, and prints one
line for each call ("Inhibit <app_id> <flags> <cookie> <reason>", "Uninhibit <cookie>"),
then "ready" once it owns its name. It stops on SIGTERM.
"""

import signal
import sys

from gi.repository import Gio, GLib

INTERFACE = """
<node>
  <interface name="org.gnome.SessionManager">
    <method name="Inhibit">
      <arg type="s" name="app_id" direction="in"/>
      <arg type="u" name="toplevel_xid" direction="in"/>
      <arg type="s" name="reason" direction="in"/>
      <arg type="u" name="flags" direction="in"/>
      <arg type="u" name="cookie" direction="out"/>
    </method>
    <method name="Uninhibit">
      <arg type="u" name="cookie" direction="in"/>
    </method>
    <method name="IsInhibited">
      <arg type="u" name="flags" direction="in"/>
      <arg type="b" name="is_inhibited" direction="out"/>
    </method>
  </interface>
</node>
"""


def main():
    loop = GLib.MainLoop()
    inhibitors = {}
    next_cookie = [1]

    def call(connection, sender, path, interface, method, parameters, invocation):
        if method == "Inhibit":
            app_id, _, reason, flags = parameters.unpack()
            cookie = next_cookie[0]
            next_cookie[0] += 1
            inhibitors[cookie] = flags
            print(f"Inhibit {app_id} {flags} {cookie} {reason}", flush=True)
            invocation.return_value(GLib.Variant("(u)", (cookie,)))
        elif method == "Uninhibit":
            (cookie,) = parameters.unpack()
            inhibitors.pop(cookie, None)
            print(f"Uninhibit {cookie}", flush=True)
            invocation.return_value(None)
        else:
            (flags,) = parameters.unpack()
            held = any(held & flags for held in inhibitors.values())
            invocation.return_value(GLib.Variant("(b)", (held,)))

    node = Gio.DBusNodeInfo.new_for_xml(INTERFACE)

    def acquired(connection, name):
        connection.register_object("/org/gnome/SessionManager", node.interfaces[0], call)

    Gio.bus_own_name(Gio.BusType.SESSION, "org.gnome.SessionManager",
                     Gio.BusNameOwnerFlags.NONE, acquired,
                     lambda connection, name: print("ready", flush=True),
                     lambda connection, name: loop.quit())
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
