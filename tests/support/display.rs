//! Running GUI tests on a display of their own: Xvfb inside a private D-Bus session,
//! so that no window reaches the developer's desktop and no daemon outlives the test.
//!
//! Xvfb is started here rather than through `xvfb-run -a`: that script picks a display
//! number by looking for lock files and never waits for its server to exit, so a run
//! right after another could reach the previous, still dying server through its abstract
//! socket and be refused ("Authorization required"). With `-displayfd` the server
//! itself takes the first number whose every socket it could bind, and reports it only
//! once it accepts connections; dropping `PrivateDisplay` stops it and waits for it.
//! (With `-displayfd` Xvfb writes no lock file; the sockets it binds are what keep the
//! number its own.)

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A configuration folder of the test's own, so that stored choices neither leak in from
/// the developer's settings nor out into them; removed when dropped.
struct ConfigHome(PathBuf);

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

/// An Xvfb server of the test's own and a configuration folder; both go when dropped.
pub struct PrivateDisplay {
    server: Child,
    config: ConfigHome,
}

impl PrivateDisplay {
    /// Starts Xvfb and returns once it accepts connections, with its display name.
    fn start() -> (Self, String) {
        let mut server = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp", "-noreset"])
            .args(["-screen", "0", "1280x1024x24"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts (see README, 'Test it')");
        // Xvfb writes the number once, when it is ready, and keeps the descriptor open.
        let mut number = String::new();
        let read = BufReader::new(server.stdout.take().expect("Xvfb's output is piped"))
            .read_line(&mut number);
        let display = match (read, number.trim().parse::<u32>()) {
            (Ok(_), Ok(number)) => format!(":{number}"),
            _ => {
                let _ = server.kill();
                let _ = server.wait();
                panic!("Xvfb did not report a display; run 'Xvfb -displayfd 1' to see why");
            }
        };
        let config = ConfigHome::new();
        (Self { server, config }, display)
    }
}

impl Drop for PrivateDisplay {
    fn drop(&mut self) {
        // SIGTERM, so that the server removes its socket as it goes. `-noreset` matters
        // here: a server resetting because its last client just left (as happens right
        // after the command ends) can miss the signal. Should it still not go, SIGKILL.
        // SAFETY: kill() has no memory-safety preconditions.
        unsafe { libc::kill(self.server.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.server.try_wait(), Ok(None)) {
            if Instant::now() > deadline {
                let _ = self.server.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.server.wait();
    }
}

/// `program args...` wrapped as `dbus-run-session -- program args...` on a private
/// display, with a configuration folder of its own; keep the `PrivateDisplay` until the
/// command has run.
pub fn on_private_display<S: AsRef<OsStr>>(
    program: impl AsRef<OsStr>,
    args: &[S],
) -> (Command, PrivateDisplay) {
    let (display, name) = PrivateDisplay::start();
    let mut command = Command::new("dbus-run-session");
    command
        .arg("--")
        .arg(program)
        .args(args)
        .env("DISPLAY", name)
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("XAUTHORITY")
        .env("GDK_BACKEND", "x11")
        .env("GDK_DEBUG", "gl-disable")
        .env("NO_AT_BRIDGE", "0")
        // The window speaks the user's language; tests read English, plain numbers.
        .env("LC_ALL", "C.UTF-8")
        .env_remove("LANGUAGE")
        .env("XDG_CONFIG_HOME", &display.config.0);
    (command, display)
}

/// Fails loudly, naming the packages, when the display tools are missing.
pub fn require_display_tools() {
    for tool in ["Xvfb", "dbus-run-session"] {
        let found = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
            .unwrap_or(false);
        assert!(
            found,
            "{tool} is missing: install xvfb and dbus (see README, 'Test it')"
        );
    }
}
