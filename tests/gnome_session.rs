//! Offload in a real GNOME session: a private, headless GNOME Shell on Wayland (no X11)
//! started by `tests/gnome/session.sh` for each run, and the real binary in it, read and
//! clicked through AT-SPI by `tests/gnome/drive_session.py`: counting, a backend switch,
//! a job to its result and a clean close on a desktop-sized screen; on a 360 px phone
//! screen, a window that fits, whose job row stacks and whose content scrolls; a
//! notification when a job ends behind another window; and there too, a Quick
//! comparison on the Compare page, read cell by cell.

#[path = "support/atspi.rs"]
mod atspi;

use std::path::{Path, PathBuf};
use std::process::Command;

use atspi::SYSTEM_PYTHON;

/// Offload installed as GNOME Shell finds apps: its desktop file under
/// `XDG_DATA_DIRS/applications`, and its `Exec` on `PATH` (GLib skips a desktop file
/// whose program it cannot find). Removed when dropped.
struct Installed(PathBuf);

impl Installed {
    fn new() -> Self {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("gnome-session-{}", std::process::id()));
        let applications = root.join("share/applications");
        std::fs::create_dir_all(&applications).expect("the target folder is writable");
        std::fs::create_dir_all(root.join("bin")).expect("the target folder is writable");
        let desktop = "io.github.offload.Offload.desktop";
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data")
            .join(desktop);
        std::fs::copy(source, applications.join(desktop)).expect("the desktop file copies");
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_offload"), root.join("bin/offload"))
            .expect("a link to the binary");
        Self(root)
    }

    fn path(&self) -> std::ffi::OsString {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let dirs = std::iter::once(self.0.join("bin")).chain(std::env::split_paths(&path));
        std::env::join_paths(dirs).expect("paths join")
    }

    fn data_dirs(&self) -> std::ffi::OsString {
        let system = std::env::var("XDG_DATA_DIRS")
            .unwrap_or_else(|_| "/usr/local/share:/usr/share".to_owned());
        let mut dirs = self.0.join("share").into_os_string();
        dirs.push(":");
        dirs.push(system);
        dirs
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn in_gnome_shell(screen: &str, mode: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let installed = Installed::new();
    let output = Command::new(root.join("tests/gnome/session.sh"))
        .env("PATH", installed.path())
        .env("XDG_DATA_DIRS", installed.data_dirs())
        .env("LC_ALL", "C.UTF-8")
        .env_remove("LANGUAGE")
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
fn offload_works_in_gnome_shell_on_wayland_down_to_a_phone_screen_notifies_and_compares() {
    for (tool, package) in [
        ("gnome-shell", "gnome-shell"),
        // GNOME Shell's notification service runs on gjs.
        ("gjs", "gjs"),
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
    atspi::require_pyatspi();

    in_gnome_shell("1024x768", "desktop");
    in_gnome_shell("360x640", "narrow");
    in_gnome_shell("1024x768", "notify");
    in_gnome_shell("360x640", "compare");
}
