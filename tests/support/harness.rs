//! Plays the App's part for a worker: owns a main context on which the worker's reports
//! arrive, and reads them one by one with a deadline. Checks the lifecycle's order on
//! the way: `Started` comes first, once.
//!
//! Shared by several test binaries, each of which uses only part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::{select, Either};
use offload_components::choices::Backend;
use offload_components::counter::fault::{FaultPlan, FaultyCount};
use offload_components::counter::{Count, CounterTask};
use offload_components::job::{PrimesPart, Progress};
use offload_components::kinds;
use relm4::gtk::glib;
use serde::{Deserialize, Serialize};
use thread_or_process::{Command, Flow, Kind, Launch, Launcher, Pace, Report, Task, WorkerHandle};

/// Generous: only reached when something is broken.
pub const PATIENCE: Duration = Duration::from_secs(10);

pub struct Harness<N> {
    context: glib::MainContext,
    reports: relm4::Receiver<Report<N>>,
    worker: Option<WorkerHandle>,
    started: bool,
}

impl<N: Clone + std::fmt::Debug + 'static> Harness<N> {
    /// A worker doing `kind` at once, started by `launcher` on `backend`, its news
    /// coalesced to one report per `report_interval`.
    pub fn launch<K: Kind<News = N>>(
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
            started: false,
        }
    }

    pub fn emit(&self, command: Command) {
        self.worker
            .as_ref()
            .expect("worker still running")
            .emit(command);
    }

    /// The next report after `Started`, or None if none came within `timeout`.
    pub fn next_within(&mut self, timeout: Duration) -> Option<Report<N>> {
        loop {
            let report = self.context.block_on(async {
                match select(Box::pin(self.reports.recv()), glib::timeout_future(timeout)).await {
                    Either::Left((report, _)) => report,
                    Either::Right(((), _)) => None,
                }
            })?;
            match report {
                Report::Started => {
                    assert!(!self.started, "Started twice");
                    self.started = true;
                }
                Report::Crashed(_) => return Some(report),
                report => {
                    assert!(self.started, "{report:?} came before Started");
                    return Some(report);
                }
            }
        }
    }

    pub fn next(&mut self) -> Report<N> {
        self.next_within(PATIENCE)
            .expect("the worker reported in time")
    }

    /// Reports up to (and including) the first one that matches.
    pub fn until(&mut self, wanted: impl Fn(&Report<N>) -> bool) -> Vec<Report<N>> {
        let mut seen = Vec::new();
        loop {
            let report = self.next();
            let done = wanted(&report);
            seen.push(report);
            if done {
                return seen;
            }
        }
    }

    /// Shutdown, answered by Stopped: its news. The worker is joined.
    pub fn shutdown(&mut self) -> Option<N> {
        self.emit(Command::Shutdown);
        let reports = self.until(|report| matches!(report, Report::Stopped(_)));
        let Some(Report::Stopped(last)) = reports.last() else {
            unreachable!("until() ends on Stopped");
        };
        let last = last.clone();
        self.join();
        last
    }

    /// Waits for the worker's thread to end (after Stopped or Crashed).
    pub fn join(&mut self) {
        let worker = self.worker.take().expect("worker still running");
        assert!(worker.retire(), "the worker's thread did not end");
    }
}

impl Harness<u64> {
    /// A worker counting every `delay` on `backend`, failing as `fault` says; every
    /// number is reported.
    pub fn counting(backend: Backend, delay: Duration, fault: Option<FaultPlan>) -> Self {
        Self::counting_from(&launcher(), backend, delay, fault)
    }

    /// `counting`, its children started by `launcher`.
    pub fn counting_from(
        launcher: &Launcher,
        backend: Backend,
        delay: Duration,
        fault: Option<FaultPlan>,
    ) -> Self {
        let count = Count::from(delay, 0);
        match fault {
            Some(plan) => Self::launch(
                launcher,
                backend,
                FaultyCount::new(count, plan),
                Duration::ZERO,
            ),
            None => Self::launch(launcher, backend, count, Duration::ZERO),
        }
    }

    /// A thread worker counting up to `limit` every `delay`, recording every number it
    /// counts (coalesced or not) in `recorded`.
    pub fn recorded(
        delay: Duration,
        report_interval: Duration,
        limit: Option<u64>,
        recorded: &Recorded,
    ) -> Self {
        let kind = RecordedCount {
            count: Count {
                delay,
                first_number: 0,
                limit,
            },
            recorded: recorded.clone(),
        };
        Self::launch(&launcher(), Backend::Thread, kind, report_interval)
    }
}

impl Harness<Progress> {
    /// A worker counting the primes in `start..end` on `backend`.
    pub fn job(backend: Backend, start: u64, end: u64) -> Self {
        let part = PrimesPart {
            start,
            end,
            niceness: 0,
        };
        Self::launch(&launcher(), backend, part, Duration::from_millis(20))
    }
}

/// Offload's launcher, its children started from the real `offload` binary.
pub fn launcher() -> Launcher {
    kinds::launcher().children_from(PathBuf::from(env!("CARGO_BIN_EXE_offload")))
}

/// Every number a `RecordedCount` counted, and the OS thread that counted them.
#[derive(Clone, Default)]
pub struct Recorded {
    numbers: Arc<Mutex<Vec<u64>>>,
    counting_thread: Arc<Mutex<Option<PathBuf>>>,
}

impl Recorded {
    pub fn numbers(&self) -> Vec<u64> {
        self.numbers.lock().expect("record lock").clone()
    }

    pub fn counting_thread(&self) -> PathBuf {
        self.counting_thread
            .lock()
            .expect("record lock")
            .clone()
            .expect("the worker began")
    }
}

/// The counter, recording each number it counts: a kind of the tests' own, for threads
/// only (what it records cannot cross to a child).
#[derive(Serialize, Deserialize)]
struct RecordedCount {
    count: Count,
    #[serde(skip)]
    recorded: Recorded,
}

impl Kind for RecordedCount {
    const NAME: &'static str = "recorded-count";
    type News = u64;

    fn task(self) -> Box<dyn Task<News = u64>> {
        Box::new(Recording {
            counting: CounterTask::new(self.count),
            recorded: self.recorded,
        })
    }
}

struct Recording {
    counting: CounterTask,
    recorded: Recorded,
}

impl Task for Recording {
    type News = u64;

    fn pace(&self) -> Pace {
        self.counting.pace()
    }

    fn begin(&mut self) {
        // "/proc/thread-self" names the calling thread as "<pid>/task/<tid>".
        let thread = std::fs::read_link("/proc/thread-self").expect("Linux names threads");
        *self.recorded.counting_thread.lock().expect("record lock") =
            Some(PathBuf::from("/proc").join(thread));
    }

    fn step(&mut self) -> Flow {
        let before = self.counting.news();
        let flow = self.counting.step();
        if let Some(number) = self
            .counting
            .news()
            .filter(|number| Some(*number) != before)
        {
            self.recorded
                .numbers
                .lock()
                .expect("record lock")
                .push(number);
        }
        flow
    }

    fn news(&self) -> Option<u64> {
        self.counting.news()
    }

    fn reset(&mut self) -> bool {
        self.counting.reset()
    }
}
