#!/usr/bin/python3
"""Offload in a real GNOME session: the real binary in headless GNOME Shell on Wayland,
read and clicked through AT-SPI as under Xvfb (tests/e2e/drive_window.py's helpers).

    drive_session.py OFFLOAD desktop   counting, backend switch, a job to its result, close
    drive_session.py OFFLOAD narrow    on a 360 px wide screen: the window fits, nothing
                                       sticks out of it, the job row stacks, it scrolls
    drive_session.py OFFLOAD notify    a job that ends behind another window says so in a
                                       GNOME Shell notification (needs Offload's desktop
                                       file on XDG_DATA_DIRS and `offload` on PATH)
    drive_session.py OFFLOAD compare   on a 360 px wide screen: Compare, one click away,
                                       runs Quick and fills every cell; a process starts
                                       slower and costs more memory than a thread, both
                                       stop within 50 ms; the page fits

Run it inside tests/gnome/session.sh. Exits non-zero, naming the step, on a failure.
"""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

import pyatspi  # noqa: E402

import shell  # noqa: E402
from drive_window import (  # noqa: E402
    Failure, Offload, find, frame_action, press, shown, ungrouped, wait_for, worker_children,
)

CONTROL_ROLES = ("push button", "toggle button", "spin button", "label", "progress bar")


def desktop(binary):
    app = Offload(binary, "--worker-delay", "0.05", "--gui-delay", "0.05")
    shell.leave_overview()
    counts_and_switches(app)
    job_to_its_result(app)
    app.close_and_time(lambda root: frame_action(root, "win.close"))


def counts_and_switches(app, backend_role="push button"):
    """Counts in the thread, then in a worker child after the header's Process, a
    `backend_role` on the accessibility bus: GTK 4.8's toggle buttons say "push button",
    libadwaita's toggle group (the Flatpak's) "radio button"."""
    root = app.root
    wait_for("counting in the thread", lambda: shown(root) and shown(root)[0] == "thread")
    press(root, "Process", backend_role)
    wait_for("counting in the process", lambda: shown(root) and shown(root)[0] == "process")
    wait_for("a worker child", lambda: worker_children(app.process.pid))


def job_to_its_result(app):
    root = app.root
    size = find(root, "spin button", lambda name: name == "Count primes below")
    if size is None:
        raise Failure("no job size")
    size.queryValue().currentValue = 1_000_000
    press(root, "Count primes")
    wait_for("the job's result", lambda: find(
        root, "label", lambda text: ungrouped(text).startswith("78498 primes below 1000000 (")))


def extents(node):
    # On Wayland GTK knows no screen coordinates: these are the window's own.
    box = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    return box.x, box.y, box.width, box.height


# A job that ends: its bar, line and chart stay in the window to be measured.
NARROW_ARGS = ("--worker-delay", "0.05", "--gui-delay", "0.05", "--job", "primes", "--upto", "1e7")


def narrow(binary):
    app = Offload(binary, *NARROW_ARGS)
    shell.leave_overview()
    fits_a_phone(app)
    app.close_and_time(lambda root: frame_action(root, "win.close"))


def fits_a_phone(app):
    """On a 360 px screen: nothing sticks out, the job row stacks, the content scrolls."""
    root = app.root
    frame = root.getChildAtIndex(0)
    wait_for("counting", lambda: shown(root))
    size = find(root, "spin button", lambda name: name == "Count primes below")
    wait_for("the job's result", lambda: find(root, "label", lambda t: "primes below" in t))

    width, height, showing = fits_360_px(frame)

    label = find(root, "label", lambda name: name == "Count primes below")
    if extents(label)[1] >= extents(size)[1]:
        raise Failure("the job row does not stack: its label is not above the size")
    if find(frame, "scroll pane", lambda name: True) is None:
        raise Failure("the window's content cannot scroll")
    print(f"narrow: the window is {width}x{height} px; {len(showing)} controls fit")


def fits_360_px(frame):
    """The window is at most 360 px wide and no visible control sticks out of it: its
    width, height and the controls that show."""
    _, _, width, height = extents(frame)
    if width > 360:
        raise Failure(f"the window is {width} px wide on a 360 px screen")
    showing = pyatspi.findAllDescendants(frame, lambda node: node is not None
                                         and node.getRoleName() in CONTROL_ROLES
                                         and node.getState().contains(pyatspi.STATE_VISIBLE))
    cut = []
    for node in showing:
        x, _, node_width, _ = extents(node)
        if x < 0 or x + node_width > width:
            cut.append(f"{node.getRoleName()} {node.name!r} at {x}..{x + node_width}")
    if cut:
        raise Failure(f"cut off at the window's edge ({width} px): {cut}")
    return width, height, showing


UNITS = {"ms": 1.0, "KiB": 1.0, "MiB": 1024.0}


def figure(text):
    """The first line of a cell, "25 ms" or "2.2 MiB", as a number in ms or KiB;
    "under 4 KiB" as 0."""
    first = text.split("\n")[0]
    if first.startswith("under "):
        return 0.0
    match = re.match(r"([\d.]+) (ms|KiB|MiB)$", first)
    if match is None:
        raise Failure(f"a cell that is no figure: {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def cells(root, counted):
    """The thread's and the process's cell of the row whose samples are `counted`, in
    that order (left to right)."""
    found = pyatspi.findAllDescendants(root, lambda node: node is not None
                                       and node.getRoleName() == "label" and node.name
                                       and node.name.endswith(" " + counted))
    if len(found) != 2:
        raise Failure(f"{len(found)} cells of {counted}, not 2")
    return [node.name for node in sorted(found, key=lambda node: extents(node)[0])]


def quick_comparison(root):
    """Opens the Compare page, runs a Quick comparison and waits for its summary."""
    press(root, "Compare Threads and Processes")

    def run_started():
        if find(root, "push button", lambda t: t == "Cancel") is not None:
            return True
        # The page slides in: its Run button may not be on the bus yet (a navigation
        # view's page joins it when pushed), and GTK ignores the click of a button not
        # yet realized. A click it takes fires after the button's 250 ms press
        # animation: clicks are spaced wider than that, and a second one that came late
        # would cancel the run, which `summary` reports.
        run = find(root, "push button", lambda t: t == "Run")
        if run is not None:
            run.queryAction().doAction(0)
        return False

    wait_for("the run to start", run_started, poll=1.0)

    def summary():
        ended = find(root, "label", lambda t: t.startswith("The comparison failed")
                     or t == "Comparison cancelled")
        if ended is not None:
            raise Failure(f"the run ended without figures (a late second click?): {ended.name}")
        return find(root, "label", lambda t: "A process survives" in t)

    wait_for("the summary", summary, patience=60)


def compare(binary):
    app = Offload(binary, "--worker-delay", "0.05", "--gui-delay", "0.05")
    shell.leave_overview()
    root = app.root
    wait_for("counting", lambda: shown(root))
    quick_comparison(root)
    empty = pyatspi.findAllDescendants(root, lambda node: node is not None
                                       and node.getRoleName() == "label" and node.name == "—")
    if empty:
        raise Failure(f"{len(empty)} cells left empty")
    starts = [figure(text) for text in cells(root, "starts")]
    stops = [figure(text) for text in cells(root, "stops")]
    memory = [figure(text) for text in cells(root, "weighings")]
    if not starts[1] > starts[0]:
        raise Failure(f"a process started no slower than a thread: {starts} ms")
    if not memory[1] > memory[0]:
        raise Failure(f"a process cost no more memory than a thread: {memory} KiB")
    if max(stops) >= 50:
        raise Failure(f"a stop took 50 ms or more: {stops} ms")
    width, height, showing = fits_360_px(root.getChildAtIndex(0))
    print(f"compare: start {starts} ms, stop {stops} ms, memory {memory} KiB; "
          f"the page fits {width}x{height} px")
    app.close_and_time(lambda root: frame_action(root, "win.close"))


def shell_says(text):
    """A label of GNOME Shell's (a notification's) that contains `text`, if any."""
    for app in pyatspi.Registry.getDesktop(0):
        if app is not None and app.name == "gnome-shell":
            found = find(app, "label", lambda name: name is not None and text in name)
            if found is not None:
                return found
    return None


def notify(binary):
    working = Offload(binary, "--job", "primes", "--upto", "3e9")
    shell.leave_overview()
    wait_for("the job runs", lambda: find(working.root, "label", lambda t: "numbers/s" in t))
    # Another window takes the focus: the job now ends behind it.
    other = Offload(binary)
    wait_for("the other window", lambda: shown(other.root))
    result = wait_for("the job's result", lambda: find(
        working.root, "label", lambda t: "primes below 3000000000" in ungrouped(t)), patience=60).name
    wait_for("GNOME Shell's notification", lambda: shell_says("Job done"), patience=20)
    wait_for("the result in the notification", lambda: shell_says(result))
    print(f"notify: GNOME Shell shows 'Job done: {result}'")
    other.close_and_time(lambda root: frame_action(root, "win.close"))
    working.close_and_time(lambda root: frame_action(root, "win.close"))


def main():
    binary, mode = sys.argv[1], sys.argv[2]
    try:
        {"desktop": desktop, "narrow": narrow, "notify": notify, "compare": compare}[mode](binary)
    except Failure as failure:
        print(f"FAILED ({mode}): {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
