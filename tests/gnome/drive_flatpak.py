#!/usr/bin/python3
"""The installed Flatpak in a real GNOME session: `flatpak run` inside headless GNOME
Shell on Wayland, read and clicked through AT-SPI with drive_session.py's checks.

    drive_flatpak.py APP_ID desktop FOLDER   counts, switches backend, a job to its
                                             result, Ctrl+? opens the shortcuts as a dialog
                                             inside the window, closes cleanly; then
                                             screenshots of the window mid-job and of its
                                             Compare page after a Quick run, light and
                                             dark, as GNOME shows them, written to FOLDER
                                             as flatpak-light.png, flatpak-dark.png,
                                             flatpak-compare-light.png and
                                             flatpak-compare-dark.png
    drive_flatpak.py APP_ID narrow           on a 360 px screen: fits through its
                                             breakpoint, closes cleanly

Run it inside tests/gnome/session.sh, with the app installed for this user. Exits
non-zero, naming the step, on a failure.
"""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

import pyatspi  # noqa: E402

import shell  # noqa: E402
from drive_session import (  # noqa: E402
    NARROW_ARGS, counts_and_switches, fits_a_phone, job_to_its_result, quick_comparison,
)
from drive_window import (  # noqa: E402
    Failure, Offload, alive, find, frame_action, press, shown, wait_for,
)

# The window's name on the accessibility bus: the sandbox hides its process id behind
# the accessibility bus proxy, so it is found by name.
ACCESSIBLE_NAME = "offload"
# Long enough to be mid-job in the screenshots, on any machine.
SCREENSHOT_JOB = ("--job", "primes", "--upto", "1e12")
# What GNOME's settings portal would tell GTK (there is none in this session): its
# default window buttons, close only. Written where GTK in the sandbox reads its settings.
GNOME_SETTINGS = "[Settings]\ngtk-decoration-layout=appmenu:close\n"
# A locale that groups digits, as a GNOME user's would.
SCREENSHOT_LOCALE = "LANG=en_US.UTF-8"


class Sandboxed(Offload):
    """Offload started with `flatpak run`; `process` is the flatpak launcher."""

    def __init__(self, app_id, *args, env=()):
        self.app_id = app_id
        super().__init__("flatpak", "run", *[f"--env={pair}" for pair in env], app_id, *args)

    def on_the_bus(self):
        if self.process.poll() is not None:
            stderr = self.process.stderr.read().strip()
            raise Failure(f"flatpak run exited with status {self.process.returncode}: {stderr}")
        apps = [app for app in pyatspi.Registry.getDesktop(0) if app is not None]
        return next((app for app in apps if app.name == ACCESSIBLE_NAME), None)

    def close_cleanly(self, during_job=False):
        """Closes the window (answering "Stop and Close" during a job); nothing of it may
        be left, inside the sandbox or out."""

        def close(root):
            frame_action(root, "win.close")
            if during_job:
                wait_for("the question", lambda: find(
                    root, "push button", lambda name: name == "Stop and Close"))
                press(root, "Stop and Close")

        elapsed = self.close_and_time(close)
        wait_for("the sandbox to end", lambda: not running_instances(self.app_id))
        left = {pid: command for pid, command in processes_of(self.app_id).items() if alive(pid)}
        if left:
            raise Failure(f"processes left after closing: {left}")
        return elapsed


def running_instances(app_id):
    listing = subprocess.run(["flatpak", "ps", "--columns=application"], check=True,
                             capture_output=True, text=True).stdout
    return [line for line in listing.split() if line == app_id]


def installed_binary(pid, app_id):
    """Whether process `pid` runs the installed app's binary: /app/bin/offload as its
    sandbox sees it, under the app's deployment in the Flatpak folder as this driver
    does."""
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return False
    return exe.startswith("/app/") or f"/app/{app_id}/" in exe


def processes_of(app_id):
    """The app's processes and their command lines: its binary (window and workers), the
    sandbox and its bus proxies, and a `flatpak` command naming the app (this driver
    aside)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                words = cmdline.read().split(b"\0")
        except (FileNotFoundError, ProcessLookupError):
            continue
        program = os.path.basename(words[0])
        if program == b"offload" and not installed_binary(entry, app_id):
            # Another Offload on this machine (a build of the checkout), not the app's.
            continue
        if program in (b"offload", b"bwrap", b"xdg-dbus-proxy") or (
                program == b"flatpak" and app_id.encode() in words):
            found[int(entry)] = b" ".join(words).decode(errors="replace")[:150]
    return found


def desktop(app_id, folder):
    app = Sandboxed(app_id, "--worker-delay", "0.05", "--gui-delay", "0.05")
    shell.leave_overview()
    # libadwaita's toggle group says its toggles are radio buttons.
    counts_and_switches(app, backend_role="radio button")
    job_to_its_result(app)
    shortcuts_open_inside_the_window(app)
    elapsed = app.close_cleanly()
    print(f"flatpak desktop: counted, switched to a process, ran a job, closed in {elapsed:.0f} ms")
    for scheme, env in (("light", ()), ("dark", ("ADW_DEBUG_COLOR_SCHEME=prefer-dark",))):
        screenshot(app_id, os.path.join(folder, f"flatpak-{scheme}.png"), env)
        compare_screenshot(app_id, os.path.join(folder, f"flatpak-compare-{scheme}.png"), env)


def shortcuts_open_inside_the_window(app):
    """The Keyboard Shortcuts (Ctrl+?; `window_in_process` checks the key) show as a
    dialog inside the main window: no other top-level window appears on the
    accessibility bus. The action is run through AT-SPI: a headless GNOME Shell gives no
    window the keyboard focus that typed keys would need."""
    windows = app.root.childCount
    frame_action(app.root, "win.shortcuts")
    dialog = wait_for("the shortcuts dialog", lambda: find(app.root, "dialog", lambda name: True))
    if app.root.childCount != windows:
        raise Failure(f"the shortcuts opened a window of their own: {app.root.childCount} "
                      f"top-level windows, {windows} before")
    press(dialog, "Close")
    wait_for("the shortcuts dialog closed", lambda: find(
        app.root, "dialog", lambda name: True) is None)


def screenshot(app_id, path, env):
    # The sandbox has no settings portal here: the window buttons come from GTK's
    # settings file, the colour scheme through libadwaita's own variable.
    settings = os.path.expanduser(f"~/.var/app/{app_id}/config/gtk-4.0/settings.ini")
    os.makedirs(os.path.dirname(settings), exist_ok=True)
    with open(settings, "w") as file:
        file.write(GNOME_SETTINGS)
    app = Sandboxed(app_id, "--worker-delay", "0.2", "--gui-delay", "0.1", *SCREENSHOT_JOB,
                    env=(SCREENSHOT_LOCALE, *env))
    wait_for("counting", lambda: shown(app.root))
    wait_for("the job's rate", lambda: find(app.root, "label", lambda text: "numbers/s" in text))
    # A few seconds of the chart; a picture, not a synchronisation.
    time.sleep(4)
    shell.window(path)
    app.close_cleanly(during_job=True)
    print(f"flatpak screenshot: {path}")


def compare_screenshot(app_id, path, env):
    """The Compare page after a Quick run inside the sandbox, as GNOME shows it."""
    app = Sandboxed(app_id, "--worker-delay", "0.2", "--gui-delay", "0.1",
                    env=(SCREENSHOT_LOCALE, *env))
    wait_for("counting", lambda: shown(app.root))
    quick_comparison(app.root)
    shell.window(path)
    app.close_cleanly()
    print(f"flatpak screenshot: {path}")


def narrow(app_id):
    app = Sandboxed(app_id, *NARROW_ARGS)
    shell.leave_overview()
    fits_a_phone(app)
    app.close_cleanly()


def main():
    app_id, mode = sys.argv[1], sys.argv[2]
    try:
        if mode == "desktop":
            desktop(app_id, sys.argv[3])
        else:
            narrow(app_id)
    except Failure as failure:
        print(f"FAILED (flatpak {mode}): {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
