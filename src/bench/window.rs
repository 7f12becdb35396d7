//! The bench's windows: in this process (launched, driven by its main loop, closed) and
//! as child `offload` processes (how long closing takes, memory while flooding).

use std::cell::Cell;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use offload_components::app::{App, AppInit, AppInput, Phase};
use offload_components::choices::{Backend, BackendName, RunSettings};
use relm4::gtk::glib;
use relm4::gtk::prelude::*;
use relm4::{Component, ComponentController, Controller};

/// Let a flooding window settle before its memory is first read.
const FLOOD_WARMUP: Duration = Duration::from_secs(2);
/// Bounds every wait of the bench; only reached when something is broken.
const PATIENCE: Duration = Duration::from_secs(600);

/// A window on `backend` whose job would count the primes below `upto`, on screen:
/// returned once its first frame is under way, so that what a job started in it meets
/// is a running window (as a user's click does), not its start-up.
pub fn launch_window(backend: Backend, upto: u64) -> Controller<App> {
    let settings = RunSettings {
        backend,
        job_upto: upto,
        ..RunSettings::default()
    };
    let app = App::builder().launch(AppInit::ephemeral(settings)).detach();
    let drawing = Rc::new(Cell::new(false));
    let first_frame = Rc::clone(&drawing);
    app.widget().add_tick_callback(move |_, _| {
        first_frame.set(true);
        glib::ControlFlow::Break
    });
    app.widget().present();
    run_main_loop_until(&|| drawing.get());
    app
}

pub fn close(app: &Controller<App>) {
    app.emit(AppInput::CloseNow);
    run_main_loop_until(&|| matches!(app.model().phase(), Phase::Closed { .. }));
}

/// Runs the main loop until `done` holds; a heartbeat bounds each wait.
pub fn run_main_loop_until(done: &dyn Fn() -> bool) {
    let context = glib::MainContext::default();
    let heartbeat =
        glib::timeout_add_local(Duration::from_millis(20), || glib::ControlFlow::Continue);
    let deadline = Instant::now() + PATIENCE;
    while !done() && Instant::now() < deadline {
        context.iteration(true);
    }
    heartbeat.remove();
}

/// A real `offload` window that closes itself after `after`, flooding (delay 0).
fn spawn_window(backend: Backend, program: &Path, after: Duration) -> Result<Child, String> {
    Command::new(program)
        .args(["--worker-delay", "0", "--backend", backend.noun()])
        .arg("--close-after")
        .arg(after.as_secs_f64().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot start offload: {error}"))
}

/// From the window's close to the process (and its children) being gone.
pub fn close_to_gone(backend: Backend, program: &Path) -> Result<Duration, String> {
    let mut child = spawn_window(backend, program, Duration::from_millis(1500))?;
    let stdout = child.stdout.take().expect("stdout was piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|error| format!("cannot read from offload: {error}"))?;
    let closing = Instant::now();
    let status = child.wait().map_err(|error| error.to_string())?;
    let elapsed = closing.elapsed();
    if line.trim() != "closing" || !status.success() {
        return Err(format!("offload did not close cleanly: {line:?}, {status}"));
    }
    Ok(elapsed)
}

/// Resident memory of a flooding window, after a warm-up and `flood_for` later.
pub fn flood_memory(
    backend: Backend,
    program: &Path,
    flood_for: Duration,
) -> Result<(u64, u64), String> {
    let lifetime = FLOOD_WARMUP + flood_for + Duration::from_secs(1);
    let mut child = spawn_window(backend, program, lifetime)?;
    let pid = child.id();
    // A measurement schedule, not a synchronisation: the window floods meanwhile.
    std::thread::sleep(FLOOD_WARMUP);
    let start = resident_kib(pid)?;
    std::thread::sleep(flood_for);
    let end = resident_kib(pid)?;
    let status = child.wait().map_err(|error| error.to_string())?;
    if !status.success() {
        return Err(format!("the flooding window failed: {status}"));
    }
    Ok((start, end))
}

fn resident_kib(pid: u32) -> Result<u64, String> {
    let status = std::fs::read_to_string(PathBuf::from(format!("/proc/{pid}/status")))
        .map_err(|error| format!("cannot read the window's memory: {error}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS in /proc".to_owned())
}
