"""GNOME Shell's own services for the GNOME-session layer and the screenshot script:
screenshots of the focused window (with its frame and shadow) or the whole screen."""

from gi.repository import Gio, GLib

# The Shell answers screenshot calls only from a caller that owns one of a few names.
SCREENSHOT_NAME = "org.gnome.Screenshot"
DO_NOT_QUEUE = 4


def _bus():
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                  "RequestName", GLib.Variant("(su)", (SCREENSHOT_NAME, DO_NOT_QUEUE)),
                  None, Gio.DBusCallFlags.NONE, -1, None)
    return bus


def _call(method, arguments, signature):
    result = _bus().call_sync("org.gnome.Shell.Screenshot", "/org/gnome/Shell/Screenshot",
                              "org.gnome.Shell.Screenshot", method,
                              GLib.Variant(signature, arguments), None,
                              Gio.DBusCallFlags.NONE, -1, None)
    success, written = result.unpack()
    if not success:
        raise RuntimeError(f"GNOME Shell's {method} failed")
    return written


def window(path):
    """The focused window, with its frame and shadow, as a PNG at `path` (absolute)."""
    return _call("ScreenshotWindow", (True, False, False, path), "(bbbs)")


def screen(path):
    """The whole screen, as a PNG at `path` (absolute)."""
    return _call("Screenshot", (False, False, path), "(bbs)")


def leave_overview(patience=10.0):
    """Shows the windows: the Shell starts in the Overview, and may enter it again as its
    start-up ends."""
    import time

    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)

    def overview(value=None):
        arguments = ("org.gnome.Shell", "OverviewActive")
        if value is None:
            result = bus.call_sync("org.gnome.Shell", "/org/gnome/Shell",
                                   "org.freedesktop.DBus.Properties", "Get",
                                   GLib.Variant("(ss)", arguments), None,
                                   Gio.DBusCallFlags.NONE, -1, None)
            return result.unpack()[0]
        bus.call_sync("org.gnome.Shell", "/org/gnome/Shell", "org.freedesktop.DBus.Properties",
                      "Set", GLib.Variant("(ssv)", (*arguments, GLib.Variant("b", value))),
                      None, Gio.DBusCallFlags.NONE, -1, None)
        return value

    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        if overview():
            overview(False)
        # The Overview's closing animation takes a moment; it is over when the value
        # stays false.
        time.sleep(0.5)
        if not overview():
            return
    raise RuntimeError("GNOME Shell stays in the Overview")
