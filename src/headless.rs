//! `offload headless`: the same Worker components, no window.
//!
//! Counting prints the seed's "Other thread: N" lines and ends after `--count` numbers;
//! a job prints its result and elapsed time. Either ends on Ctrl+C, SIGTERM or SIGHUP, always
//! through the workers' typed Shutdown.

use std::io::{self, BufWriter, Stdout, Write};
use std::time::{Duration, Instant};

use offload_components::choices::{Backend, Delay};
use offload_components::counter::{Count, CounterTask};
use offload_components::job::{JobOutcome, JobRun, Progress};
use offload_components::kinds;
use relm4::gtk::glib;
use serde::{Deserialize, Serialize};
use thread_or_process::{Command, Flow, Kind, Launch, Pace, Report, Task};

use crate::signals::CaughtSignals;

/// Headless reports only decide when to stop; a few per second are plenty.
const REPORT_INTERVAL: Duration = Duration::from_millis(100);
/// Counting as fast as it can, the lines go out at least this often.
const ECHO_FLUSH_INTERVAL: Duration = Duration::from_millis(1);

pub fn count(worker_delay: Delay, count: Option<u64>) -> Result<(), String> {
    let caught = CaughtSignals::catch()?;
    let (sender, receiver) = relm4::channel::<Report<u64>>();
    let echoed = EchoedCount(Count {
        delay: worker_delay.duration(),
        first_number: 0,
        limit: count,
    });
    let worker = kinds::launcher().launch(
        echoed,
        Launch::running(Backend::Thread, REPORT_INTERVAL),
        &sender,
        |report| report,
    );
    let interrupt = worker.sender();
    let signals = caught.deliver_to(move || interrupt.emit(Command::Shutdown));

    // The main context dispatches the signals' sources while this waits.
    glib::MainContext::default().block_on(async {
        while let Some(report) = receiver.recv().await {
            match report {
                Report::Finished(_) => worker.emit(Command::Shutdown),
                Report::Stopped(_) | Report::Crashed(_) => break,
                _ => {}
            }
        }
    });

    drop(signals);
    if worker.retire() {
        Ok(())
    } else {
        Err("the worker did not stop in time".to_owned())
    }
}

/// The counter, printing the seed's "Other thread: N" line for every number, on the
/// worker's thread. Threads only, so it is not registered for children: a child's stdout
/// carries frames.
#[derive(Serialize, Deserialize)]
struct EchoedCount(Count);

impl Kind for EchoedCount {
    const NAME: &'static str = "echoed-count";
    type News = u64;

    fn task(self) -> Box<dyn Task<News = u64>> {
        Box::new(Echoing {
            counting: CounterTask::new(self.0),
            lines: BufWriter::new(io::stdout()),
            flushed: Instant::now(),
        })
    }
}

struct Echoing {
    counting: CounterTask,
    lines: BufWriter<Stdout>,
    flushed: Instant,
}

impl Task for Echoing {
    type News = u64;

    fn pace(&self) -> Pace {
        self.counting.pace()
    }

    /// A reader that went away (`| head`) ends the count as its limit would.
    fn step(&mut self) -> Flow {
        let flow = self.counting.step();
        if let Some(number) = self.counting.news() {
            if writeln!(self.lines, "Other thread: {number}").is_err() {
                return Flow::Done;
            }
        }
        let due = self.pace() != Pace::Busy || self.flushed.elapsed() >= ECHO_FLUSH_INTERVAL;
        if flow == Flow::Done || due {
            self.flushed = Instant::now();
            if self.lines.flush().is_err() {
                return Flow::Done;
            }
        }
        flow
    }

    fn news(&self) -> Option<u64> {
        self.counting.news()
    }
}

/// What a headless job's main loop hears.
enum JobEvent {
    Report(usize, Report<Progress>),
    Interrupted,
}

pub fn primes(upto: u64, parts: usize, backend: Backend, niceness: u8) -> Result<(), String> {
    let caught = CaughtSignals::catch()?;
    let (sender, receiver) = relm4::channel::<JobEvent>();
    let mut job = JobRun::launch(
        &kinds::launcher(),
        backend,
        upto,
        parts,
        niceness,
        &sender,
        JobEvent::Report,
    );
    let interrupt = sender.clone();
    let signals = caught.deliver_to(move || interrupt.emit(JobEvent::Interrupted));

    let outcome = glib::MainContext::default().block_on(async move {
        while let Some(event) = receiver.recv().await {
            match event {
                JobEvent::Report(part, output) => job.handle(part, output),
                JobEvent::Interrupted => job.cancel(),
            }
            if job.all_gone() {
                break;
            }
        }
        (job.state().outcome().cloned(), job.state().detail())
    });
    drop(signals);
    match outcome {
        (Some(JobOutcome::Done { .. }), detail) => {
            let unit = match (backend, parts) {
                (Backend::Thread, 1) => "thread",
                (Backend::Thread, _) => "threads",
                (Backend::Process, 1) => "process",
                (Backend::Process, _) => "processes",
            };
            say(&format!("{detail} on {parts} {unit}"));
            Ok(())
        }
        (Some(JobOutcome::Cancelled), _) => {
            say("Cancelled");
            Ok(())
        }
        (_, detail) => Err(detail),
    }
}

/// Prints a line; a reader that went away has nothing left to read, so that is no error.
fn say(line: &str) {
    let _ = writeln!(io::stdout(), "{line}");
}
