#!/usr/bin/python3
"""End-to-end: the real offload binary, driven the way a screen reader would.

Reads the label through AT-SPI, presses Pause, Reset and Start, closes the window with
its Close button, and checks the process exits cleanly and leaves no child behind.
Switches backend in the running window; the header's choice is remembered, Preferences
shows and changes what the window uses; signals close it cleanly; every control has a
name; survives injected faults of the worker child; kills the window with SIGKILL and
checks its child follows. Then measures close ->
process gone with the worker in each state, on each backend. Prints one JSON
line with the figures; exits non-zero, naming the step, on any failure.

Run it on a private display: xvfb-run -a dbus-run-session -- drive_window.py OFFLOAD
"""

import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time

import pyatspi

PATIENCE = 15.0
# A new session starts the accessibility bus (and maybe desktop portals) on the first
# launch; that can take long on a loaded machine.
STARTUP_PATIENCE = 60.0
POLL = 0.02


class Failure(Exception):
    pass


def wait_for(what, probe, patience=PATIENCE, poll=POLL):
    """Polls `probe` until it returns something truthy; fails naming `what`."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(poll)
    raise Failure(f"timed out waiting for {what}")


def app_of(pid):
    for app in pyatspi.Registry.getDesktop(0):
        if app is not None and app.get_process_id() == pid:
            return app
    return None


def find(root, role, predicate):
    return pyatspi.findDescendant(
        root, lambda node: node is not None and node.getRoleName() == role and predicate(node.name)
    )


def frame_action(root, name):
    """Runs one of the window's actions, as its keyboard shortcut would."""
    frame = root.getChildAtIndex(0)
    actions = frame.queryAction()
    for index in range(actions.nActions):
        if actions.getName(index) == name:
            actions.doAction(index)
            return
    raise Failure(f"the window has no action {name}")


def press(root, name, role="push button"):
    button = find(root, role, lambda text: text == name)
    if button is None:
        raise Failure(f"no '{name}' button")
    button.queryAction().doAction(0)


def shown(root):
    """(backend noun, number) from the big label, or None."""
    label = find(root, "label", lambda text: text.startswith("Number in "))
    if label is None:
        return None
    words = label.name.split()
    return words[2].rstrip(":"), int(words[3])


def shown_number(root):
    seen = shown(root)
    return seen[1] if seen else None


def ungrouped(text):
    """`text` with the thousands separators of its numbers taken out, whatever the
    locale writes them with."""
    return re.sub(r"(?<=\d)[ ,.'\u00a0\u202f](?=\d{3}(?!\d))", "", text)


def has_label(root, text):
    return find(root, "label", lambda name: name == text) is not None


def worker_children(pid):
    """Worker children below `pid`, however deep (a sandbox puts launchers between)."""
    children = []
    for child in descendants_of(pid):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as cmdline:
                if cmdline.read() == b"offload\0worker\0":
                    children.append(child)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return children


def children_of(pid):
    children = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as listing:
                children.update(int(child) for child in listing.read().split())
        except (FileNotFoundError, ProcessLookupError):
            # The thread ended after it was listed (GLib's pool threads come and go).
            pass
    return children


def descendants_of(pid):
    found, pending = set(), [pid]
    while pending:
        try:
            below = children_of(pending.pop())
        except (FileNotFoundError, ProcessLookupError):
            continue
        pending.extend(below - found)
        found |= below
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


class Offload:
    def __init__(self, binary, *args):
        # Its own process group, as a terminal gives it: a signal to the group reaches
        # the window and its children, not this driver.
        self.process = subprocess.Popen(
            [binary, *args], stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        self.root = wait_for(
            "the app on the accessibility bus", self.on_the_bus, STARTUP_PATIENCE
        )

    def on_the_bus(self):
        if self.process.poll() is not None:
            stderr = self.process.stderr.read().strip()
            raise Failure(f"the app exited with status {self.process.returncode}: {stderr}")
        return app_of(self.process.pid)

    def close_and_time(self, close):
        """Closes the window with `close(root)`; returns ms until the process is gone."""
        children = children_of(self.process.pid)
        started = time.monotonic()
        close(self.root)
        try:
            status = self.process.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise Failure("the app did not exit after Close")
        elapsed_ms = (time.monotonic() - started) * 1000
        stderr = self.stderr = self.process.stderr.read()
        if status != 0:
            raise Failure(f"the app exited with status {status}: {stderr.strip()}")
        if "did not stop in time" in stderr:
            raise Failure("the worker missed the shutdown handshake")
        left = [child for child in children if alive(child)]
        if left:
            raise Failure(f"children left running: {left}")
        return elapsed_ms


def walkthrough(binary):
    app = Offload(binary, "--worker-delay", "0.1", "--gui-delay", "0.1")
    root = app.root
    first = wait_for("a number in the label", lambda: shown_number(root) is not None and shown_number(root) + 1)
    wait_for("the number to grow", lambda: (shown_number(root) or 0) >= first)

    press(root, "Pause")
    wait_for("the pause to be confirmed", lambda: has_label(root, "Paused"))
    paused_at = shown_number(root)
    time.sleep(0.5)  # five worker delays: a running worker would have moved on
    if shown_number(root) != paused_at:
        raise Failure(f"counted while paused: {paused_at} -> {shown_number(root)}")

    press(root, "Reset")
    wait_for("the label to clear", lambda: has_label(root, "No number yet"))
    press(root, "Start")
    wait_for("counting again", lambda: shown_number(root) is not None)
    if shown_number(root) > 20:
        raise Failure(f"the count did not restart: {shown_number(root)}")
    # The Close button, as a user clicks it. Keyboard activation of a GTK button
    # animates for 250 ms before it fires, so this time is not the app's own.
    return app.close_and_time(lambda root: press(root, "Close"))


def switch_backend(binary):
    """Thread -> Process -> Thread in the running window: the count goes on."""
    app = Offload(binary, "--worker-delay", "0.05", "--gui-delay", "0.05")
    root, pid = app.root, app.process.pid
    before = wait_for("counting in the thread", lambda: shown(root) and shown(root)[0] == "thread" and shown(root))
    if worker_children(pid):
        raise Failure("a worker child exists on the thread backend")

    press(root, "Process")
    seen = wait_for("counting in the process", lambda: shown(root) and shown(root)[0] == "process" and shown(root))
    if seen[1] < before[1]:
        raise Failure(f"the count went back on switching: {before} -> {seen}")
    children = wait_for("a worker child", lambda: worker_children(pid))

    press(root, "Thread")
    again = wait_for("counting in the thread again", lambda: shown(root) and shown(root)[0] == "thread" and shown(root))
    if again[1] < seen[1]:
        raise Failure(f"the count went back on switching: {seen} -> {again}")
    if any(alive(child) for child in children):
        raise Failure(f"the worker child outlived the switch: {children}")
    app.close_and_time(lambda root: frame_action(root, "win.close"))


def crash_recovery(binary, backend, fault):
    """A worker that fails after five numbers: the window goes on counting from there."""
    app = Offload(binary, "--backend", backend, "--worker-delay", "0.02", "--gui-delay", "0.02",
                  "--inject-fault", f"{fault}@5")
    root = app.root
    numbers = []

    def past_the_crash():
        number = shown_number(root)
        if number is not None and (not numbers or numbers[-1] != number):
            numbers.append(number)
        return number is not None and number >= 15

    wait_for(f"counting past a {fault} fault", past_the_crash)
    if numbers != sorted(numbers):
        raise Failure(f"the count went back after a {fault} fault: {numbers}")
    if backend == "process" and not worker_children(app.process.pid):
        raise Failure("no worker child after the restart")
    app.close_and_time(lambda root: frame_action(root, "win.close"))
    # A panic is told in one line that says where, for a bug report.
    if fault == "panic" and not re.search(r"failed at \S+\.rs:\d+: ", app.stderr):
        raise Failure(f"the panic's line names no file and line: {app.stderr.strip()}")


def gui_killed(binary):
    """SIGKILL the window's process: its worker child must follow within a second."""
    app = Offload(binary, "--backend", "process")
    children = wait_for("a worker child", lambda: worker_children(app.process.pid))
    app.process.kill()
    app.process.wait()
    started = time.monotonic()
    wait_for("the orphaned child to exit", lambda: not any(alive(child) for child in children), patience=1.0)
    return (time.monotonic() - started) * 1000


def remembered_choices(binary):
    """Preferences are stored: a delay changed there is the next run's delay."""
    app = Offload(binary)
    frame_action(app.root, "win.preferences")
    spin = wait_for("the worker delay in Preferences", lambda: pyatspi.findDescendant(
        pyatspi.Registry.getDesktop(0),
        lambda node: node is not None and node.getRoleName() == "spin button"
        and node.description == "Worker delay in seconds"))
    spin.queryValue().currentValue = 0.25
    app.close_and_time(lambda root: frame_action(root, "win.quit"))

    again = Offload(binary)
    wait_for("the stored delay in use", lambda: find(
        again.root, "label", lambda text: text.startswith("One number every 0.25 s")))
    again.close_and_time(lambda root: frame_action(root, "win.quit"))


def pressed(root, name):
    button = find(root, "push button", lambda text: text == name)
    return button is not None and button.getState().contains(pyatspi.STATE_PRESSED)


def click(node):
    """A mouse click in the middle of `node`, as a user's (windows sit at 0,0 on Xvfb)."""
    extents = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    x, y = extents.x + extents.width // 2, extents.y + extents.height // 2
    pyatspi.Registry.generateMouseEvent(x, y, "b1c")


def preferences_spin(root, description):
    return wait_for(f"'{description}' in Preferences", lambda: pyatspi.findDescendant(
        root, lambda node: node is not None and node.getRoleName() == "spin button"
        and node.description == description))


def choose_in_combo(root, combo_name, item):
    """Opens the combo row `combo_name` with a click and clicks `item` in its list (not
    its current choice)."""
    combo = wait_for(f"the {combo_name} row", lambda: find(root, "combo box", lambda text: text == combo_name))
    click(combo)

    def item_in_list():
        # The row shows its current choice, which is not `item`: a label `item` outside
        # the header's buttons is the open list's.
        return pyatspi.findAllDescendants(
            combo, lambda node: node is not None and node.getRoleName() == "label"
            and node.name == item)

    click(wait_for(f"'{item}' in the {combo_name} list", item_in_list)[-1])


def counted_numbers(root, numbers):
    """Appends the label's number to `numbers` when it changed; returns the newest."""
    number = shown_number(root)
    if number is not None and (not numbers or numbers[-1] != number):
        numbers.append(number)
    return number


def choices_are_one_truth(binary):
    """The header's backend is remembered by the next run; Preferences shows what the
    window uses, the header follows a backend chosen there, and a delay changed there
    applies at once, and the count goes on without counting a number again."""
    app = Offload(binary, "--worker-delay", "0.05", "--gui-delay", "0.02")
    root = app.root
    wait_for("counting in the thread", lambda: shown(root) and shown(root)[0] == "thread")
    press(root, "Process")
    wait_for("counting in the process", lambda: shown(root) and shown(root)[0] == "process")
    app.close_and_time(lambda root: frame_action(root, "win.quit"))

    # No --backend: the header's choice was stored. The delay is this run's override.
    app = Offload(binary, "--worker-delay", "0.4", "--gui-delay", "0.02")
    root = app.root
    wait_for("the remembered backend", lambda: shown(root) and shown(root)[0] == "process")
    if not pressed(root, "Process"):
        raise Failure("the header does not show the remembered backend")
    frame_action(root, "win.preferences")
    worker_delay = preferences_spin(root, "Worker delay in seconds")
    if abs(worker_delay.queryValue().currentValue - 0.4) > 1e-9:
        raise Failure(f"Preferences shows a worker delay of {worker_delay.queryValue().currentValue}, "
                      "not the 0.4 s the window uses")
    backend_row = find(root, "combo box", lambda text: text == "Backend")
    if find(backend_row, "label", lambda text: text == "Process") is None:
        raise Failure("Preferences does not show the backend the window uses")

    choose_in_combo(root, "Backend", "Thread")
    wait_for("the header to follow Preferences", lambda: pressed(root, "Thread"))
    wait_for("counting in the thread", lambda: shown(root) and shown(root)[0] == "thread")

    numbers = []
    wait_for("a few numbers at 0.4 s", lambda: len(numbers) >= 3 if counted_numbers(root, numbers) is not None else False)
    worker_delay.queryValue().currentValue = 0.1
    changed_at = time.monotonic()
    wait_for("the new delay in the window", lambda: find(
        root, "label", lambda text: text.startswith("One number every 0.1 s")))
    wait_for("counting at the new delay", lambda: counted_numbers(root, numbers) is not None
             and numbers[-1] >= numbers[0] + 20)
    took = time.monotonic() - changed_at
    # Each refresh shows the newest number, and this reads the label when it can: a
    # number may pass unseen. One seen twice apart, or smaller than one before it,
    # would be counted again.
    if any(later <= earlier for earlier, later in zip(numbers, numbers[1:])):
        raise Failure(f"numbers counted again across the delay change: {numbers}")
    if took > 20 * 0.4:
        raise Failure(f"the new delay did not apply at once: {took:.1f} s for 20 numbers")
    app.close_and_time(lambda root: frame_action(root, "win.quit"))


def signals_close_cleanly(binary):
    """SIGTERM to the window, SIGINT to its process group (a terminal's Ctrl+C) and
    SIGHUP close it as its close button does: exit 0, no child left."""
    for backend in ["thread", "process"]:
        for name, send in [
            ("SIGTERM", lambda pid: os.kill(pid, signal.SIGTERM)),
            ("SIGINT to the group", lambda pid: os.killpg(pid, signal.SIGINT)),
            ("SIGHUP", lambda pid: os.kill(pid, signal.SIGHUP)),
        ]:
            app = Offload(binary, "--backend", backend, "--worker-delay", "0.05")
            wait_for("counting", lambda: shown_number(app.root) is not None)
            if backend == "process":
                wait_for("a worker child", lambda: worker_children(app.process.pid))
            try:
                app.close_and_time(lambda root: send(app.process.pid))
            except Failure as failure:
                raise Failure(f"{name} on {backend}: {failure}")


def unnamed_controls(window):
    """The buttons, toggles, spin buttons, menu buttons and combo rows of `window` that
    have no name a screen reader can say (none, or a GTK class name), and how many
    there are."""
    controls = pyatspi.findAllDescendants(window, lambda node: node is not None and node.getRoleName() in (
        "push button", "toggle button", "spin button", "menu button", "combo box", "check box"))
    unnamed = [f"{node.getRoleName()} {node.name!r}" for node in controls
               if not node.name or node.name.startswith(("Gtk", "Adw")) or "_" in node.name]
    return unnamed, len(controls)


def every_control_is_named(binary):
    """Every control of the main window and of Preferences has a name a screen reader
    can say, not a GTK class name; the chart is an image described with its values."""
    app = Offload(binary, "--job", "primes", "--upto", "1e12")
    frame = app.root.getChildAtIndex(0)
    wait_for("the label", lambda: find(frame, "label", lambda t: t.startswith(("Number", "No number"))))
    unnamed, count = unnamed_controls(frame)
    if count < 8 or unnamed:
        raise Failure(f"controls of the window without a spoken name: {unnamed} (of {count})")
    chart = wait_for("the chart", lambda: pyatspi.findDescendant(
        frame, lambda node: node is not None and node.getRoleName() == "image"
        and "Chart of the last minute" in node.description))
    wait_for("the chart's values", lambda: "G numbers a second" in chart.description
             and not chart.description.endswith("at most 0.00 G numbers a second"))

    frame_action(app.root, "win.preferences")
    preferences = wait_for("Preferences", lambda: next(
        (window for window in (app.root.getChildAtIndex(index) for index in range(app.root.childCount))
         if window is not None and window.name == "Preferences"), None))
    wait_for("Preferences' controls", lambda: unnamed_controls(preferences)[1] >= 5)
    unnamed, count = unnamed_controls(preferences)
    if unnamed:
        raise Failure(f"controls of Preferences without a spoken name: {unnamed} (of {count})")
    app.close_and_time(lambda root: stop_and_close(root))


def stop_and_close(root):
    """Ctrl+Q during a job, and "Stop and Close" in the question it asks."""
    frame_action(root, "win.quit")
    # libadwaita 1.2's dialog buttons are named twice over by GTK 4.8 ("_Stop and Close
    # Stop and Close"); a screen reader still says the words.
    answer = wait_for("the question closing asks", lambda: find(
        root, "push button", lambda name: "Stop and Close" in name))
    answer.queryAction().doAction(0)


def german_locale():
    """A folder with the de_DE.UTF-8 locale, made from the system's locale sources if
    the system has not got it (LOCPATH finds it there)."""
    folder = os.path.join(os.environ.get("XDG_CONFIG_HOME", "/tmp"), "locales")
    os.makedirs(folder, exist_ok=True)
    made = subprocess.run(["localedef", "-i", "de_DE", "-f", "UTF-8",
                           os.path.join(folder, "de_DE.UTF-8")], capture_output=True, text=True)
    if made.returncode not in (0, 1):  # 1: made, with warnings
        raise Failure(f"cannot make the German locale (Debian: locales): {made.stderr.strip()}")
    return folder


def in_german(binary, *args):
    """Offload started with German as the user's language."""
    locales = german_locale()
    saved = {name: os.environ.get(name) for name in ("LC_ALL", "LANG", "LANGUAGE", "LOCPATH")}
    os.environ.update(LC_ALL="de_DE.UTF-8", LANG="de_DE.UTF-8", LANGUAGE="de", LOCPATH=locales)
    try:
        return Offload(binary, *args)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def speaks_german(binary):
    """With German as the user's language the window reads in German, numbers written
    the German way, as a screen reader hears it."""
    app = in_german(binary, "--worker-delay", "0.05", "--gui-delay", "0.05",
                    "--job", "primes", "--upto", "2e6")
    root = app.root
    wait_for("the German headline", lambda: find(root, "label", lambda t: t.startswith("Zahl im Thread: ")))
    for name in ("Pause", "Zurücksetzen", "Thread", "Prozess", "Hauptmenü"):
        if find(root, "push button", lambda text: text == name) is None:
            raise Failure(f"no '{name}' button in German")
    wait_for("the German result", lambda: find(
        root, "label", lambda t: t.startswith("148.933 Primzahlen unter 2.000.000 (") and "," in t))
    if find(root, "label", lambda t: t.startswith("Eine Zahl alle 0,05 s")) is None:
        raise Failure("the delays are not written the German way")
    app.close_and_time(lambda root: frame_action(root, "win.quit"))


# The words of the English crash toast ("Worker process was killed by SIGSEGV;
# restarting in 0.1 s") that German does not share.
ENGLISH_CRASH_WORDS = {"worker", "process", "was", "killed", "by", "restarting"}


def crash_toast_in_german(binary):
    """A worker process that segfaults, in German: the toast that says so has no English
    word in it."""
    app = in_german(binary, "--backend", "process", "--worker-delay", "0.05",
                    "--gui-delay", "0.05", "--inject-fault", "segfault@3")
    toast = wait_for("the crash toast", lambda: find(app.root, "label", lambda t: "SIGSEGV" in t))
    words = set(re.findall(r"[^\W\d_]+", toast.name.lower()))
    if words & ENGLISH_CRASH_WORDS or "Neustart" not in toast.name:
        raise Failure(f"the crash toast is not German: {toast.name!r}")
    app.close_and_time(lambda root: frame_action(root, "win.quit"))


def job_keeps_the_session_up(binary):
    """While a job runs the window asks the session manager (a stand-in here) not to
    suspend or log out, with a reason, and releases it when the job ends."""
    here = os.path.dirname(os.path.abspath(__file__))
    manager = subprocess.Popen([sys.executable, os.path.join(here, "session_manager.py")],
                               stdout=subprocess.PIPE, text=True)
    try:
        if manager.stdout.readline().strip() != "ready":
            raise Failure("the stand-in session manager did not start")
        app = Offload(binary, "--job", "primes", "--upto", "2e9")
        inhibit = manager.stdout.readline().split(maxsplit=4)
        if inhibit[:2] != ["Inhibit", "io.github.offload.Offload"]:
            raise Failure(f"no Inhibit call for the job: {inhibit}")
        flags, cookie, reason = int(inhibit[2]), inhibit[3], inhibit[4].strip()
        suspend_and_logout = 4 | 1
        if flags & suspend_and_logout != suspend_and_logout or not reason:
            raise Failure(f"Inhibit should keep off suspend and logout, with a reason: {inhibit}")
        wait_for("the job's result", lambda: find(
            app.root, "label", lambda text: "primes below 2000000000" in ungrouped(text)),
            patience=60)
        released = manager.stdout.readline().split()
        if released != ["Uninhibit", cookie]:
            raise Failure(f"the inhibition was not released when the job ended: {released}")
        app.close_and_time(lambda root: frame_action(root, "win.quit"))
    finally:
        manager.terminate()
        manager.wait()


def close_times(binary, worker_delay, runs, backend="thread"):
    times = []
    for _ in range(runs):
        app = Offload(binary, "--worker-delay", worker_delay, "--backend", backend)
        wait_for("the label", lambda: find(app.root, "label", lambda t: t.startswith(("Number", "No number"))))
        # win.close is what Ctrl+W runs: the app's own close path, with no animation.
        times.append(app.close_and_time(lambda root: frame_action(root, "win.close")))
    return times


def main():
    binary = sys.argv[1]
    runs = int(os.environ.get("OFFLOAD_E2E_CLOSE_RUNS", "3"))
    try:
        figures = {"walkthrough_close_ms": round(walkthrough(binary), 1)}
        switch_backend(binary)
        remembered_choices(binary)
        choices_are_one_truth(binary)
        signals_close_cleanly(binary)
        every_control_is_named(binary)
        job_keeps_the_session_up(binary)
        speaks_german(binary)
        crash_toast_in_german(binary)
        crash_recovery(binary, "thread", "panic")
        for fault in ["panic", "abort", "segfault", "garbage"]:
            crash_recovery(binary, "process", fault)
        figures["gui_killed_child_gone_ms"] = round(gui_killed(binary), 1)
        for backend in ["thread", "process"]:
            for state, delay in [("counting", "0.01"), ("mid_delay", "3600"), ("flooding", "0")]:
                times = close_times(binary, delay, runs, backend)
                figures[f"close_ms_{backend}_{state}_median"] = round(statistics.median(times), 1)
                figures[f"close_ms_{backend}_{state}_max"] = round(max(times), 1)
    except Failure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
