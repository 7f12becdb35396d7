//! The library with kinds of this test's own, on both backends, through the public API
//! alone, as any app would use it: the lifecycle's reports in order, a panicking kind, a
//! flood of news, and children that must be refused.
//!
//! A `harness = false` binary whose `main` serves worker children first, as an app's
//! does: the process backend starts this very executable as `own-kinds worker`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use relm4::gtk::glib;
use serde::{Deserialize, Serialize};
use thread_or_process::{
    Backend, ChildCommand, Command, CrashReason, Flow, Kind, Launch, Launcher, Pace, Report, Task,
    WorkerHandle,
};

/// Generous: only reached when something is broken.
const PATIENCE: Duration = Duration::from_secs(10);
const KINDS_VERSION: u32 = 7;
/// What a fragile kind's panic says; expected, so not printed.
const FRAGILE: &str = "a fragile kind breaks";

/// Adds `step` to a total once per `every` (zero: as fast as it can); can start over.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Tally {
    step: u64,
    every: Duration,
}

/// Panics at its third step.
#[derive(Serialize, Deserialize)]
struct Fragile;

/// Registered nowhere: a child is never told how to run it.
#[derive(Serialize, Deserialize)]
struct Unknown;

struct Tallying {
    tally: Tally,
    total: Option<u64>,
}

impl Kind for Tally {
    const NAME: &'static str = "tally";
    type News = u64;

    fn task(self) -> Box<dyn Task<News = u64>> {
        Box::new(Tallying {
            tally: self,
            total: None,
        })
    }
}

impl Task for Tallying {
    type News = u64;

    fn pace(&self) -> Pace {
        if self.tally.every.is_zero() {
            Pace::Busy
        } else {
            Pace::Every(self.tally.every)
        }
    }

    fn step(&mut self) -> Flow {
        self.total = Some(self.total.unwrap_or(0) + self.tally.step);
        Flow::More
    }

    fn news(&self) -> Option<u64> {
        self.total
    }

    fn reset(&mut self) -> bool {
        self.total = None;
        true
    }
}

impl Kind for Fragile {
    const NAME: &'static str = "fragile";
    type News = u64;

    fn task(self) -> Box<dyn Task<News = u64>> {
        Box::new(Breaking(0))
    }
}

impl Kind for Unknown {
    const NAME: &'static str = "unknown";
    type News = u64;

    fn task(self) -> Box<dyn Task<News = u64>> {
        Box::new(Breaking(0))
    }
}

/// Steps once a millisecond, and panics at its third step.
struct Breaking(u64);

impl Task for Breaking {
    type News = u64;

    fn pace(&self) -> Pace {
        Pace::Every(Duration::from_millis(1))
    }

    fn step(&mut self) -> Flow {
        self.0 += 1;
        assert!(self.0 < 3, "{FRAGILE}");
        Flow::More
    }

    fn news(&self) -> Option<u64> {
        Some(self.0)
    }
}

fn launcher(version: u32) -> Launcher {
    let this = std::env::current_exe().expect("the test knows its own path");
    Launcher::new(ChildCommand::new("own-kinds", version))
        .children_from(this)
        .kind::<Tally>()
        .kind::<Fragile>()
}

fn main() -> ExitCode {
    let report_panics = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |panic| {
        let message = panic.payload().downcast_ref::<String>().map(String::as_str);
        if message != Some(FRAGILE) {
            report_panics(panic);
        }
    }));
    if let Some(served) = launcher(KINDS_VERSION).serve_if_child() {
        return if served.is_ok() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(3)
        };
    }
    for backend in Backend::ALL {
        the_lifecycle_is_reported_in_order(backend);
        a_panicking_kind_is_reported_and_joined(backend);
        a_flood_of_news_is_coalesced(backend);
        println!("own_kinds: {backend:?}: ok");
    }
    a_kind_the_child_does_not_know_ends_it();
    a_child_of_another_app_version_is_refused();
    println!("own_kinds: refusals: ok");
    ExitCode::SUCCESS
}

fn the_lifecycle_is_reported_in_order(backend: Backend) {
    let tally = Tally {
        step: 2,
        every: Duration::from_millis(2),
    };
    let mut run = Run::launch(&launcher(KINDS_VERSION), backend, tally, Duration::ZERO);
    assert_eq!(run.next(), Report::Started, "{backend:?}");
    assert_eq!(run.next(), Report::News(2), "{backend:?}");
    run.until(|report| *report == Report::News(6));
    run.emit(Command::Pause);
    let Report::Paused(Some(paused_at)) = run.until(|report| matches!(report, Report::Paused(_)))
    else {
        unreachable!("until() ends on Paused");
    };
    assert_eq!(
        run.next_within(Duration::from_millis(50)),
        None,
        "news while paused"
    );
    run.emit(Command::Reset);
    assert_eq!(run.next(), Report::Cleared, "{backend:?}");
    run.emit(Command::Start);
    assert_eq!(
        run.next(),
        Report::News(2),
        "{backend:?}: after {paused_at}, from the start"
    );
    run.emit(Command::Shutdown);
    let stopped = run.until(|report| matches!(report, Report::Stopped(_)));
    assert!(matches!(stopped, Report::Stopped(Some(total)) if total >= 2));
    run.retire();
}

fn a_panicking_kind_is_reported_and_joined(backend: Backend) {
    let mut run = Run::launch(&launcher(KINDS_VERSION), backend, Fragile, Duration::ZERO);
    let crashed = run.until(|report| matches!(report, Report::Crashed(_)));
    assert_eq!(
        crashed,
        Report::Crashed(CrashReason::Panicked),
        "{backend:?}"
    );
    run.retire();
}

fn a_flood_of_news_is_coalesced(backend: Backend) {
    let tally = Tally {
        step: 1,
        every: Duration::ZERO,
    };
    let interval = Duration::from_millis(20);
    let mut run = Run::launch(&launcher(KINDS_VERSION), backend, tally, interval);
    run.until(|report| *report == Report::Started);
    let start = Instant::now();
    let mut reports = 0u32;
    while start.elapsed() < Duration::from_millis(300) {
        if run.next_within(Duration::from_millis(10)).is_some() {
            reports += 1;
        }
    }
    let allowed = (start.elapsed().as_millis() / interval.as_millis()) as u32 + 2;
    run.emit(Command::Shutdown);
    let Report::Stopped(Some(total)) = run.until(|report| matches!(report, Report::Stopped(_)))
    else {
        panic!("{backend:?}: a busy tally has news when it stops");
    };
    assert!(
        reports <= allowed,
        "{backend:?}: {reports} reports, allowed {allowed}"
    );
    assert!(
        u64::from(reports) * 100 < total,
        "{backend:?}: {total} steps only"
    );
    run.retire();
}

fn a_kind_the_child_does_not_know_ends_it() {
    let launcher = launcher(KINDS_VERSION);
    let mut run = Run::launch(&launcher, Backend::Process, Unknown, Duration::ZERO);
    let crashed = run.until(|report| matches!(report, Report::Crashed(_)));
    assert_eq!(crashed, Report::Crashed(CrashReason::ExitedWithStatus(3)));
    run.retire();
}

fn a_child_of_another_app_version_is_refused() {
    let newer = launcher(KINDS_VERSION + 1);
    let mut run = Run::launch(&newer, Backend::Process, Fragile, Duration::ZERO);
    let crashed = run.until(|report| matches!(report, Report::Crashed(_)));
    let refused = CrashReason::Incompatible {
        protocol: thread_or_process::frame::PROTOCOL_VERSION,
        app_version: KINDS_VERSION,
    };
    assert_eq!(crashed, Report::Crashed(refused));
    run.retire();
}

/// A launched worker and the main context its reports arrive on.
struct Run {
    context: glib::MainContext,
    reports: relm4::Receiver<Report<u64>>,
    worker: Option<WorkerHandle>,
}

impl Run {
    fn launch<K: Kind<News = u64>>(
        launcher: &Launcher,
        backend: Backend,
        kind: K,
        report_interval: Duration,
    ) -> Self {
        let context = glib::MainContext::new();
        let (sender, reports) = relm4::channel();
        let launch = Launch::running(backend, report_interval);
        let worker = context
            .with_thread_default(|| launcher.launch(kind, launch, &sender, |report| report))
            .expect("a fresh context can be made thread-default");
        Self {
            context,
            reports,
            worker: Some(worker),
        }
    }

    fn emit(&self, command: Command) {
        self.worker.as_ref().expect("not retired").emit(command);
    }

    fn next_within(&self, timeout: Duration) -> Option<Report<u64>> {
        let report = glib::future_with_timeout(timeout, self.reports.recv());
        self.context.block_on(report).ok().flatten()
    }

    fn next(&self) -> Report<u64> {
        self.next_within(PATIENCE)
            .expect("the worker reported in time")
    }

    fn until(&self, wanted: impl Fn(&Report<u64>) -> bool) -> Report<u64> {
        loop {
            let report = self.next();
            if wanted(&report) {
                return report;
            }
        }
    }

    fn retire(&mut self) {
        let worker = self.worker.take().expect("not retired");
        assert!(
            worker.retire(),
            "the worker's thread ended, its child reaped"
        );
    }
}
