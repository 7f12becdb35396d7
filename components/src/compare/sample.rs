//! One sample of what a worker costs on a backend: its start, a command's round trip,
//! its stop, the memory it adds, and how soon a crashed one is replaced. Each is async
//! on the main context that awaits it: a window measures while it goes on drawing and
//! counting, and the command line blocks on the same code.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use relm4::gtk::glib;
use thread_or_process::{
    Command, CrashReason, Kind, Launch, Launcher, OwnedSource, Report, WorkerHandle,
};

use super::memory::tree_pss_kib;
use crate::choices::{Backend, BackendName};
use crate::counter::fault::{FaultKind, FaultPlan, FaultyCount};
use crate::counter::Count;
use crate::job::{JobOutcome, JobRun, NICENESS_BESIDE_THE_WINDOW};

/// Generous: only reached when a worker stopped answering.
const PATIENCE: Duration = Duration::from_secs(10);
/// The sampled workers count one number per millisecond: busy enough to be mid-work
/// when commanded, idle most of the time.
const COUNT_DELAY: Duration = Duration::from_millis(1);
/// The worker whose memory is weighed counts slowly: it holds what a worker needs, and
/// nothing a fast count would have queued.
const WEIGHED_DELAY: Duration = Duration::from_millis(20);

/// A worker the comparison launched, and its reports. One given up on (a sample that
/// failed) is shut down and retired when dropped.
struct Probe {
    worker: Option<WorkerHandle>,
    reports: relm4::Receiver<Report<u64>>,
    backend: Backend,
}

impl Drop for Probe {
    fn drop(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.emit(Command::Shutdown);
            worker.retire();
        }
    }
}

impl Probe {
    fn launch<K: Kind<News = u64>>(launcher: &Launcher, kind: K, backend: Backend) -> Self {
        let (sender, reports) = relm4::channel();
        // Every news at once: a round trip waits for one.
        let launch = Launch::running(backend, Duration::ZERO);
        let worker = launcher.launch(kind, launch, &sender, |report| report);
        Self {
            worker: Some(worker),
            reports,
            backend,
        }
    }

    fn counting(launcher: &Launcher, backend: Backend, delay: Duration) -> Self {
        Self::launch(launcher, Count::from(delay, 0), backend)
    }

    async fn next(&self) -> Result<Report<u64>, String> {
        match glib::future_with_timeout(PATIENCE, self.reports.recv()).await {
            Ok(Some(report)) => Ok(report),
            _ => Err(format!(
                "a {} worker stopped answering",
                self.backend.noun()
            )),
        }
    }

    /// Waits for the report `wanted` picks; a crash on the way is an error.
    async fn until(&self, wanted: impl Fn(&Report<u64>) -> bool) -> Result<(), String> {
        loop {
            match self.next().await? {
                report if wanted(&report) => return Ok(()),
                Report::Crashed(reason) => {
                    return Err(format!(
                        "a {} worker crashed: {reason}",
                        self.backend.noun()
                    ))
                }
                _ => {}
            }
        }
    }

    fn emit(&self, command: Command) {
        if let Some(worker) = &self.worker {
            worker.emit(command);
        }
    }

    /// Shutdown, then the worker joined (its thread ended, its child reaped): how long.
    async fn stop(mut self) -> Result<Duration, String> {
        let asked = Instant::now();
        self.emit(Command::Shutdown);
        self.until(|report| matches!(report, Report::Stopped(_)))
            .await?;
        let joined = self.worker.take().is_some_and(WorkerHandle::retire);
        if !joined {
            return Err(format!("a {} worker did not end", self.backend.noun()));
        }
        Ok(asked.elapsed())
    }

    /// After a crash: its thread ended, its child reaped.
    fn retire(mut self) {
        if let Some(worker) = self.worker.take() {
            worker.retire();
        }
    }
}

/// From asking for a counting worker to its first report, `Started` (its thread, or its
/// child, runs the task); then from Shutdown to the worker joined.
pub async fn start_and_stop(
    launcher: &Launcher,
    backend: Backend,
) -> Result<(Duration, Duration), String> {
    let asked = Instant::now();
    let probe = Probe::counting(launcher, backend, COUNT_DELAY);
    probe
        .until(|report| matches!(report, Report::Started))
        .await?;
    let started = asked.elapsed();
    Ok((started, probe.stop().await?))
}

/// `calls` times Pause, timed to its `Paused`, each on a worker counting again.
pub async fn round_trips(
    launcher: &Launcher,
    backend: Backend,
    calls: usize,
) -> Result<Vec<Duration>, String> {
    let probe = Probe::counting(launcher, backend, COUNT_DELAY);
    let mut times = Vec::with_capacity(calls);
    for _ in 0..calls {
        probe
            .until(|report| matches!(report, Report::News(_)))
            .await?;
        let asked = Instant::now();
        probe.emit(Command::Pause);
        probe
            .until(|report| matches!(report, Report::Paused(_)))
            .await?;
        times.push(asked.elapsed());
        probe.emit(Command::Start);
    }
    probe.stop().await?;
    Ok(times)
}

/// What the process tree weighs with one more counting worker than without, in KiB.
pub async fn memory_cost_kib(launcher: &Launcher, backend: Backend) -> Result<f64, String> {
    let before = tree_pss_kib()?;
    let probe = Probe::counting(launcher, backend, WEIGHED_DELAY);
    probe
        .until(|report| matches!(report, Report::News(_)))
        .await?;
    let with_worker = tree_pss_kib()?;
    probe.stop().await?;
    Ok(with_worker as f64 - before as f64)
}

/// The fault each backend is shown surviving: a panic (a thread contains it), and a
/// crash in native code (only a process survives it: on a thread it would end the app).
pub fn crash_kind(backend: Backend) -> FaultKind {
    match backend {
        Backend::Thread => FaultKind::Panic,
        Backend::Process => FaultKind::Segfault,
    }
}

/// A worker that crashes after its first number; how the crash was told, and the time
/// from that report to a new worker's `Started`.
pub async fn crash_and_restart(
    launcher: &Launcher,
    backend: Backend,
) -> Result<(CrashReason, Duration), String> {
    let plan = FaultPlan {
        kind: crash_kind(backend),
        after: 1,
    };
    let failing = Probe::launch(
        launcher,
        FaultyCount::new(Count::from(COUNT_DELAY, 0), plan),
        backend,
    );
    let reason = loop {
        if let Report::Crashed(reason) = failing.next().await? {
            break reason;
        }
    };
    let crashed = Instant::now();
    failing.retire();
    let successor = Probe::counting(launcher, backend, COUNT_DELAY);
    successor
        .until(|report| matches!(report, Report::Started))
        .await?;
    let restarted = crashed.elapsed();
    successor.stop().await?;
    Ok((reason, restarted))
}

/// How often the lateness probe expects to run while a job is measured.
const PROBE_PERIOD: Duration = Duration::from_millis(10);

/// A job measured: how long it took, and how late the main loop answered a timer
/// meanwhile.
pub struct JobSample {
    pub elapsed: Duration,
    pub lateness_ms: Vec<f64>,
}

/// A 10 ms timer on this main context that records how late each of its ticks comes;
/// it stops when the returned source is dropped, however the sample ends.
fn lateness_probe() -> (OwnedSource, Arc<Mutex<Vec<f64>>>) {
    let lateness = Arc::new(Mutex::new(Vec::new()));
    let recorded = lateness.clone();
    let mut expected = Instant::now() + PROBE_PERIOD;
    let source = OwnedSource::every(PROBE_PERIOD, move || {
        let now = Instant::now();
        let late = now.saturating_duration_since(expected);
        if let Ok(mut recorded) = recorded.lock() {
            recorded.push(late.as_secs_f64() * 1000.0);
        }
        expected = now + PROBE_PERIOD;
    });
    (source, lateness)
}

/// The primes below `upto` on `workers` workers (one per core) at the niceness the
/// window gives its own jobs, timed; meanwhile a timer on this main context measures
/// how late the loop answers it. With `show`, each report's progress goes to it as text,
/// as a window shows a job; without, reports are only taken in. Once `cancelled` says so
/// (it is asked at least every `CANCEL_POLL`), the job is cancelled: None once its
/// workers are gone.
pub async fn job(
    launcher: &Launcher,
    backend: Backend,
    upto: u64,
    workers: usize,
    show: Option<&dyn Fn(String)>,
    cancelled: &dyn Fn() -> bool,
) -> Result<Option<JobSample>, String> {
    if cancelled() {
        return Ok(None);
    }
    let (_probe, lateness) = lateness_probe();
    let (sender, reports) = relm4::channel();
    let mut run = JobRun::launch(
        launcher,
        backend,
        upto,
        workers,
        NICENESS_BESIDE_THE_WINDOW,
        &sender,
        |part, report| (part, report),
    );
    let began = Instant::now();
    while !run.all_gone() {
        // A report, or a moment to look at `cancelled` and the clock.
        match glib::future_with_timeout(CANCEL_POLL, reports.recv()).await {
            Ok(Some((part, report))) => {
                run.handle(part, report);
                if let Some(show) = show {
                    show(run.state().detail());
                }
            }
            Ok(None) => break,
            Err(_) => {}
        }
        let too_long = began.elapsed() > JOB_PATIENCE;
        if (cancelled() || too_long) && run.state().is_running() {
            run.cancel();
            if too_long {
                return Err(format!(
                    "a job on the {} backend took over {} s",
                    backend.noun(),
                    JOB_PATIENCE.as_secs()
                ));
            }
        }
    }
    match run.state().outcome() {
        Some(JobOutcome::Done { elapsed, .. }) => Ok(Some(JobSample {
            elapsed: *elapsed,
            lateness_ms: lateness
                .lock()
                .map(|mut recorded| std::mem::take(&mut *recorded))
                .unwrap_or_default(),
        })),
        Some(JobOutcome::Cancelled) => Ok(None),
        other => Err(format!("the job did not finish: {other:?}")),
    }
}

/// How often a measured job looks whether the run was cancelled, between its reports.
const CANCEL_POLL: Duration = Duration::from_millis(20);

/// Far beyond any job a comparison runs; only reached when workers stopped answering.
const JOB_PATIENCE: Duration = Duration::from_secs(120);
