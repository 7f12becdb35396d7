//! Plays the App's part for a worker component: owns a main context on which the
//! worker's reports arrive, and reads them one by one with a deadline.
//!
//! Shared by several test binaries, each of which uses only part of it.
#![allow(dead_code)]

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::{select, Either};
use offload_components::backend::{Placement, WorkerInit, WorkerKind, WorkerRun};
use offload_components::fault::FaultPlan;
use offload_components::kinds;
use offload_components::settings::Backend;
use offload_components::worker::{WorkerInput, WorkerOutput};
use relm4::gtk::glib;

/// Generous: only reached when something is broken.
pub const PATIENCE: Duration = Duration::from_secs(10);

pub struct Harness {
    context: glib::MainContext,
    outputs: relm4::Receiver<WorkerOutput>,
    worker: Option<WorkerRun>,
    pub echo: Echo,
}

impl Harness {
    /// A thread worker whose printed lines are kept in `echo`.
    pub fn thread(delay: Duration, report_interval: Duration, limit: Option<u64>) -> Self {
        let echo = Echo::default();
        let init = WorkerInit {
            echo: Some(Box::new(echo.clone())),
            ..WorkerInit::running(counter(delay, limit), report_interval)
        };
        Self::launch(thread(), init, echo)
    }

    /// A worker whose counting happens as `placement` says, failing as `fault` says.
    pub fn counting(placement: Placement, delay: Duration, fault: Option<FaultPlan>) -> Self {
        let init = WorkerInit::running(counter(delay, None), Duration::ZERO);
        Self::launch(placement.with_faults(fault), init, Echo::default())
    }

    /// A worker counting the primes in `start..end`.
    pub fn job(placement: Placement, start: u64, end: u64) -> Self {
        let kind = WorkerKind::PrimesPart {
            start,
            end,
            niceness: 0,
        };
        let init = WorkerInit::running(kind, Duration::from_millis(20));
        Self::launch(placement, init, Echo::default())
    }

    fn launch(placement: Placement, init: WorkerInit, echo: Echo) -> Self {
        let context = glib::MainContext::new();
        let (sender, outputs) = relm4::channel();
        let worker = context
            .with_thread_default(|| WorkerRun::launch(&placement, init, &sender, |output| output))
            .expect("a fresh context can be made thread-default");
        Self {
            context,
            outputs,
            worker: Some(worker),
            echo,
        }
    }

    pub fn emit(&self, input: WorkerInput) {
        self.worker
            .as_ref()
            .expect("worker still running")
            .emit(input);
    }

    /// The next report, or None if none came within `timeout`.
    pub fn next_within(&self, timeout: Duration) -> Option<WorkerOutput> {
        self.context.block_on(async {
            match select(Box::pin(self.outputs.recv()), glib::timeout_future(timeout)).await {
                Either::Left((output, _)) => output,
                Either::Right(((), _)) => None,
            }
        })
    }

    pub fn next(&self) -> WorkerOutput {
        self.next_within(PATIENCE)
            .expect("the worker reported in time")
    }

    /// Reports up to (and including) the first one that matches.
    pub fn until(&self, wanted: impl Fn(&WorkerOutput) -> bool) -> Vec<WorkerOutput> {
        let mut seen = Vec::new();
        loop {
            let output = self.next();
            let done = wanted(&output);
            seen.push(output);
            if done {
                return seen;
            }
        }
    }

    pub fn shutdown(&mut self) -> Option<u64> {
        self.emit(WorkerInput::Shutdown);
        let reports = self.until(|output| matches!(output, WorkerOutput::Stopped { .. }));
        let Some(WorkerOutput::Stopped { last }) = reports.last() else {
            unreachable!("until() ends on Stopped");
        };
        let last = *last;
        self.join();
        last
    }

    /// Waits for the worker's thread to end (after Stopped or Crashed).
    pub fn join(&mut self) {
        let worker = self.worker.take().expect("worker still running");
        assert!(worker.retire(), "the worker's thread did not end");
    }
}

/// On a Worker component's own thread.
pub fn thread() -> Placement {
    kinds::placement(Backend::Thread)
}

/// In a child process of the real `offload` binary.
pub fn in_a_child() -> Placement {
    children_from(PathBuf::from(env!("CARGO_BIN_EXE_offload")))
}

/// In child processes started from `program`.
pub fn children_from(program: PathBuf) -> Placement {
    kinds::placement(Backend::Process).children_from(program)
}

fn counter(delay: Duration, limit: Option<u64>) -> WorkerKind {
    WorkerKind::Counter {
        delay,
        first_number: 0,
        limit,
    }
}

/// Records every line the worker prints, and the OS thread that printed them.
#[derive(Clone, Default)]
pub struct Echo {
    text: Arc<Mutex<Vec<u8>>>,
    writer_thread: Arc<Mutex<Option<PathBuf>>>,
}

impl Echo {
    pub fn numbers(&self) -> Vec<u64> {
        let text = self.text.lock().expect("echo lock");
        String::from_utf8_lossy(&text)
            .lines()
            .map(|line| {
                let number = line.strip_prefix("Other thread: ").expect("seed's line");
                number.parse().expect("a number")
            })
            .collect()
    }

    pub fn writer_thread(&self) -> PathBuf {
        self.writer_thread
            .lock()
            .expect("echo lock")
            .clone()
            .expect("the worker printed something")
    }
}

impl Write for Echo {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut thread = self.writer_thread.lock().expect("echo lock");
        if thread.is_none() {
            // "/proc/thread-self" names the calling thread as "<pid>/task/<tid>".
            *thread = Some(PathBuf::from("/proc").join(std::fs::read_link("/proc/thread-self")?));
        }
        self.text
            .lock()
            .expect("echo lock")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
