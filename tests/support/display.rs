//! Running GUI tests on a display of their own: Xvfb inside a private D-Bus session,
//! so that no window reaches the developer's desktop and no daemon outlives the test.

use std::ffi::OsStr;
use std::process::Command;

/// `program args...` wrapped as `xvfb-run -a dbus-run-session -- program args...`.
pub fn on_private_display<S: AsRef<OsStr>>(program: impl AsRef<OsStr>, args: &[S]) -> Command {
    let mut command = Command::new("xvfb-run");
    command
        .arg("-a")
        .arg("dbus-run-session")
        .arg("--")
        .arg(program)
        .args(args)
        .env("GDK_BACKEND", "x11")
        .env("GDK_DEBUG", "gl-disable")
        .env("NO_AT_BRIDGE", "0");
    command
}

/// Fails loudly, naming the packages, when the display tools are missing.
pub fn require_display_tools() {
    for tool in ["xvfb-run", "dbus-run-session"] {
        let found = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
            .unwrap_or(false);
        assert!(
            found,
            "{tool} is missing: install xvfb, xauth and dbus (see README, 'Test it')"
        );
    }
}
