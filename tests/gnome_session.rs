//! Offload in a real GNOME session: a private, headless GNOME Shell on Wayland (no X11)
//! started by `tests/gnome/session.sh` for each run, and the real binary in it, read and
//! clicked through AT-SPI by `tests/gnome/drive_session.py`: counting, a backend switch,
//! a job to its result and a clean close on a desktop-sized screen; on a 360 px phone
//! screen, a window that fits, whose job row stacks and whose content scrolls.

use std::path::Path;
use std::process::Command;

/// Debian's interpreter: pyatspi and gi come from Debian's packages, not from pip.
const SYSTEM_PYTHON: &str = "/usr/bin/python3";

fn in_gnome_shell(screen: &str, mode: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(root.join("tests/gnome/session.sh"))
        .arg(screen)
        .arg(SYSTEM_PYTHON)
        .arg(root.join("tests/gnome/drive_session.py"))
        .arg(env!("CARGO_BIN_EXE_offload"))
        .arg(mode)
        .output()
        .expect("tests/gnome/session.sh runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let said: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("FAILED") || line.starts_with("session.sh"))
        .collect();
    assert!(
        output.status.success(),
        "{mode} on a {screen} screen failed: {said:?}\n{stdout}\n{stderr}"
    );
    print!("{stdout}");
}

#[test]
fn offload_works_in_gnome_shell_on_wayland_down_to_a_phone_screen() {
    for (tool, package) in [
        ("gnome-shell", "gnome-shell"),
        ("gdbus", "libglib2.0-bin"),
        ("dbus-run-session", "dbus"),
        ("unshare", "util-linux"),
    ] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|output| output.status.success());
        assert!(
            found,
            "{tool} is missing: install the Debian package {package}"
        );
    }
    let has_pyatspi = Command::new(SYSTEM_PYTHON)
        .args(["-c", "import pyatspi"])
        .status()
        .is_ok_and(|status| status.success());
    assert!(
        has_pyatspi,
        "{SYSTEM_PYTHON} cannot import pyatspi: install python3-pyatspi"
    );

    in_gnome_shell("1024x768", "desktop");
    in_gnome_shell("360x640", "narrow");
}
