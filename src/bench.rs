//! `offload bench`: measures, on the user's machine, what the README claims: a job in the
//! window is as fast as headless, the window stays responsive under load, closing is
//! quick, flooding does not grow memory. Prints a table, or JSON with `--json`.
//!
//! It opens its own windows (in this process, and as child `offload` processes), so it
//! needs a display. Figures are measured side by side in one run and compared as ratios.

use std::cell::RefCell;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use offload_components::app::{App, AppInit, AppInput, Phase};
use offload_components::job::history::{Percentiles, PROBE_INTERVAL};
use offload_components::job::{default_parts, JobOutcome, JobPanelInput, JobRun};
use offload_components::kinds;
use offload_components::settings::{Backend, RunSettings, MAX_UPTO};
use relm4::gtk::glib;
use relm4::gtk::prelude::*;
use relm4::{adw, gtk, Component, ComponentController, Controller};
use serde::Serialize;

/// How big each scenario is.
struct Sizes {
    upto: u64,
    rounds: usize,
    lateness_for: Duration,
    close_runs: usize,
    flood_for: Duration,
}

const FULL: Sizes = Sizes {
    upto: 3_000_000_000,
    rounds: 2,
    lateness_for: Duration::from_secs(10),
    close_runs: 5,
    flood_for: Duration::from_secs(60),
};

const QUICK: Sizes = Sizes {
    upto: 100_000_000,
    rounds: 1,
    lateness_for: Duration::from_millis(500),
    close_runs: 2,
    flood_for: Duration::from_secs(2),
};

/// Let a flooding window settle before its memory is first read.
const FLOOD_WARMUP: Duration = Duration::from_secs(2);
/// Bounds every wait of the bench; only reached when something is broken.
const PATIENCE: Duration = Duration::from_secs(600);

#[derive(Serialize)]
struct Report {
    cores: usize,
    quick: bool,
    job_upto: u64,
    thread: BackendFigures,
    process: BackendFigures,
    lateness_idle_ms: LatenessMs,
    lateness_under_load_ms: LatenessMs,
}

#[derive(Serialize)]
struct BackendFigures {
    job_headless_s: f64,
    job_in_window_s: f64,
    job_window_over_headless: f64,
    close_to_gone_median_ms: f64,
    close_to_gone_max_ms: f64,
    flood_seconds: f64,
    flood_rss_start_kib: u64,
    flood_rss_end_kib: u64,
    flood_rss_growth_kib: i64,
}

#[derive(Serialize)]
struct LatenessMs {
    p50: f64,
    p99: f64,
    max: f64,
    samples: usize,
}

impl From<Percentiles> for LatenessMs {
    fn from(stats: Percentiles) -> Self {
        let ms = |duration: Duration| (duration.as_secs_f64() * 1e5).round() / 100.0;
        Self {
            p50: ms(stats.p50),
            p99: ms(stats.p99),
            max: ms(stats.max),
            samples: stats.count,
        }
    }
}

pub fn run(json: bool, quick: bool) -> Result<(), String> {
    gtk::init().map_err(|_| {
        "offload bench opens windows: run it in a graphical session, or under \
         'xvfb-run -a dbus-run-session'"
            .to_owned()
    })?;
    adw::init().map_err(|error| format!("cannot start libadwaita: {error}"))?;
    let sizes = if quick { QUICK } else { FULL };
    let program =
        std::env::current_exe().map_err(|error| format!("cannot find myself: {error}"))?;

    let (lateness_idle, lateness_load) = lateness(&sizes);
    let report = Report {
        cores: default_parts(),
        quick,
        job_upto: sizes.upto,
        thread: backend_figures(Backend::Thread, &program, &sizes)?,
        process: backend_figures(Backend::Process, &program, &sizes)?,
        lateness_idle_ms: lateness_idle.into(),
        lateness_under_load_ms: lateness_load.into(),
    };
    if json {
        let text = serde_json::to_string_pretty(&report).map_err(|error| error.to_string())?;
        println!("{text}");
    } else {
        print_table(&report);
    }
    Ok(())
}

fn backend_figures(
    backend: Backend,
    program: &Path,
    sizes: &Sizes,
) -> Result<BackendFigures, String> {
    let mut headless = Vec::new();
    let mut in_window = Vec::new();
    for _ in 0..sizes.rounds {
        headless.push(job_headless(backend, sizes.upto)?);
        in_window.push(job_in_window(backend, sizes.upto)?);
    }
    let fastest = |times: &[Duration]| {
        times
            .iter()
            .min()
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
    };
    let (job_headless_s, job_in_window_s) = (fastest(&headless), fastest(&in_window));

    let mut closes = (0..sizes.close_runs)
        .map(|_| close_to_gone(backend, program))
        .collect::<Result<Vec<_>, _>>()?;
    closes.sort_unstable();
    let (start, end) = flood_memory(backend, program, sizes.flood_for)?;
    Ok(BackendFigures {
        job_headless_s,
        job_in_window_s,
        job_window_over_headless: job_in_window_s / job_headless_s,
        close_to_gone_median_ms: closes[closes.len() / 2].as_secs_f64() * 1000.0,
        close_to_gone_max_ms: closes.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
        flood_seconds: sizes.flood_for.as_secs_f64(),
        flood_rss_start_kib: start,
        flood_rss_end_kib: end,
        flood_rss_growth_kib: end as i64 - start as i64,
    })
}

/// The job with no window: its workers, and a main loop that only takes their reports.
fn job_headless(backend: Backend, upto: u64) -> Result<Duration, String> {
    let (sender, receiver) = relm4::channel();
    let mut job = JobRun::launch(
        &kinds::placement(backend),
        upto,
        default_parts(),
        0,
        &sender,
        |part, output| (part, output),
    );
    glib::MainContext::default().block_on(async {
        while let Some((part, output)) = receiver.recv().await {
            job.handle(part, output);
            if job.all_gone() {
                break;
            }
        }
    });
    match job.state().outcome() {
        JobOutcome::Done { elapsed, .. } => Ok(*elapsed),
        other => Err(format!("the headless job did not finish: {other:?}")),
    }
}

/// A window on `backend` whose job counts the primes below `upto`, started at once if
/// `start_job`.
fn launch_window(backend: Backend, upto: u64, start_job: bool) -> Controller<App> {
    let settings = RunSettings {
        backend,
        job_upto: upto,
        ..RunSettings::default()
    };
    let init = AppInit {
        start_job,
        ..AppInit::ephemeral(settings)
    };
    let app = App::builder().launch(init).detach();
    app.widget().present();
    app
}

/// The same job, started by a window that shows its progress.
fn job_in_window(backend: Backend, upto: u64) -> Result<Duration, String> {
    let app = launch_window(backend, upto, true);
    run_main_loop_until(|| app.model().job().is_some_and(|job| !job.is_running()));
    let outcome = app.model().job().map(|job| job.outcome().clone());
    close(&app);
    match outcome {
        Some(JobOutcome::Done { elapsed, .. }) => Ok(elapsed),
        other => Err(format!("the job in the window did not finish: {other:?}")),
    }
}

/// The window's main loop, idle and then with a job on every core: how late a steady
/// timer of the bench's own, on the same main loop, fires.
fn lateness(sizes: &Sizes) -> (Percentiles, Percentiles) {
    // A job for hours: it runs on every core while the busy half is measured.
    let app = launch_window(Backend::Thread, MAX_UPTO, false);
    let idle = main_loop_lateness(sizes.lateness_for);
    app.model().job_panel().emit(JobPanelInput::StartOrCancel);
    let load = main_loop_lateness(sizes.lateness_for);
    close(&app);
    (idle, load)
}

/// Runs the main loop for `span` with a timer every `PROBE_INTERVAL`; how late it fired.
fn main_loop_lateness(span: Duration) -> Percentiles {
    let lateness = Rc::new(RefCell::new(Vec::new()));
    let record = lateness.clone();
    let mut expected = Instant::now() + PROBE_INTERVAL;
    let probe = glib::timeout_add_local(PROBE_INTERVAL, move || {
        let now = Instant::now();
        record
            .borrow_mut()
            .push(now.saturating_duration_since(expected));
        // GLib schedules the next run from this dispatch, not from the last deadline.
        expected = now + PROBE_INTERVAL;
        glib::ControlFlow::Continue
    });
    let until = Instant::now() + span;
    run_main_loop_until(|| Instant::now() >= until);
    probe.remove();
    let samples = lateness.borrow();
    Percentiles::of(samples.iter().copied())
}

fn close(app: &Controller<App>) {
    app.emit(AppInput::CloseNow);
    run_main_loop_until(|| matches!(app.model().phase(), Phase::Closed { .. }));
}

/// Runs the main loop until `done` holds; a heartbeat bounds each wait.
fn run_main_loop_until(done: impl Fn() -> bool) {
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
fn close_to_gone(backend: Backend, program: &Path) -> Result<Duration, String> {
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
fn flood_memory(
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

fn print_table(report: &Report) {
    let (thread, process) = (&report.thread, &report.process);
    let lateness =
        |stats: &LatenessMs| format!("{:.2} / {:.2} / {:.2} ms", stats.p50, stats.p99, stats.max);
    println!(
        "Offload bench: {} cores, primes below {}{}",
        report.cores,
        report.job_upto,
        if report.quick { " (quick)" } else { "" }
    );
    println!("{:<44} {:>12} {:>12}   target", "", "thread", "process");
    println!(
        "{:<44} {:>11.2}s {:>11.2}s",
        "job headless", thread.job_headless_s, process.job_headless_s
    );
    println!(
        "{:<44} {:>11.2}s {:>11.2}s",
        "job in the window", thread.job_in_window_s, process.job_in_window_s
    );
    println!(
        "{:<44} {:>12.3} {:>12.3}   <= 1.02",
        "window / headless", thread.job_window_over_headless, process.job_window_over_headless
    );
    println!(
        "{:<44} {:>10.1}ms {:>10.1}ms   < 50 ms",
        "close -> process gone (median)",
        thread.close_to_gone_median_ms,
        process.close_to_gone_median_ms
    );
    println!(
        "{:<44} {:>10.1}ms {:>10.1}ms",
        "close -> process gone (max)", thread.close_to_gone_max_ms, process.close_to_gone_max_ms
    );
    println!(
        "{:<44} {:>9}KiB {:>9}KiB   < 1024 KiB/min",
        format!("RSS growth, {:.0} s of flooding", thread.flood_seconds),
        thread.flood_rss_growth_kib,
        process.flood_rss_growth_kib
    );
    println!(
        "main loop lateness p50 / p99 / max, idle:       {}",
        lateness(&report.lateness_idle_ms)
    );
    println!(
        "main loop lateness p50 / p99 / max, job on all cores: {}   (p99 <= idle + 2 ms)",
        lateness(&report.lateness_under_load_ms)
    );
}
