//! Running GUI tests on a display of their own: Xvfb inside a private D-Bus session,
//! so that no window reaches the developer's desktop and no daemon outlives the test.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Command;

/// A configuration folder of the test's own, so that stored choices neither leak in from
/// the developer's settings nor out into them; removed when dropped.
pub struct ConfigHome(PathBuf);

impl ConfigHome {
    fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let serial = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("offload-test-{}-{serial}", std::process::id()));
        std::fs::create_dir_all(&path).expect("the temporary folder is writable");
        Self(path)
    }
}

impl Drop for ConfigHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `program args...` wrapped as `xvfb-run -a dbus-run-session -- program args...`, with a
/// configuration folder of its own; keep the `ConfigHome` until the command has run.
pub fn on_private_display<S: AsRef<OsStr>>(
    program: impl AsRef<OsStr>,
    args: &[S],
) -> (Command, ConfigHome) {
    let config = ConfigHome::new();
    let mut command = Command::new("xvfb-run");
    command
        .arg("-a")
        .arg("dbus-run-session")
        .arg("--")
        .arg(program)
        .args(args)
        .env("GDK_BACKEND", "x11")
        .env("GDK_DEBUG", "gl-disable")
        .env("NO_AT_BRIDGE", "0")
        .env("XDG_CONFIG_HOME", &config.0);
    (command, config)
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
