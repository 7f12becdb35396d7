"""The screenshots themselves, inside the GNOME session that scripts/screenshots starts:
the counter mid-job, then the Compare page after a Quick run, light and dark."""

import os
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "gnome"))
sys.path.insert(0, os.path.join(here, "..", "tests", "e2e"))

import shell  # noqa: E402
from drive_session import quick_comparison  # noqa: E402
from drive_window import Offload, find, press, shown, wait_for  # noqa: E402

# Long enough to be mid-job in both shots, on any machine.
JOB = ["--job", "primes", "--upto", "1e12"]


def take(binary, folder, scheme, style):
    subprocess.run(["gsettings", "set", "org.gnome.desktop.interface", "color-scheme", style],
                   check=True)
    app = Offload(binary, "--worker-delay", "0.2", "--gui-delay", "0.1", *JOB)
    shell.leave_overview()
    wait_for("counting", lambda: shown(app.root))
    wait_for("the job's rate", lambda: find(app.root, "label", lambda text: "numbers/s" in text))
    # A few seconds of the chart; a picture, not a synchronisation.
    time.sleep(4)
    path = os.path.join(folder, f"screenshot-{scheme}.png")
    shell.window(path)
    print(f"wrote {path}")
    # The comparison measures an otherwise quiet machine: the job ends first.
    press(app.root, "Cancel")
    wait_for("the job cancelled", lambda: find(app.root, "push button", lambda t: t == "Count primes"))
    quick_comparison(app.root)
    path = os.path.join(folder, f"compare-{scheme}.png")
    shell.window(path)
    print(f"wrote {path}")
    app.process.terminate()
    app.process.wait(timeout=10)


def main():
    binary, folder = sys.argv[1], sys.argv[2]
    take(binary, folder, "light", "default")
    take(binary, folder, "dark", "prefer-dark")


if __name__ == "__main__":
    main()
