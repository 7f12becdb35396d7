//! The Worker component that runs one task on its own thread, and the words it speaks.
//!
//! It knows no kind of work: a `Task` (the counter, a part of the primes job) takes one
//! step at a time, and the worker paces the steps with sources on its thread's own glib
//! context, so Pause, Reset and Shutdown are seen between two steps, never after a
//! sleep. It coalesces the task's news, so its owner's channel cannot flood.

mod exit_watch;
pub mod report_throttle;
mod source;
mod task;

use std::io::Write;
use std::time::{Duration, Instant};

use relm4::{ComponentSender, Worker};
use serde::{Deserialize, Serialize};

pub use exit_watch::{exit_pair, ExitSignal, ExitWatch};
pub use source::OwnedSource;
pub use task::{Pace, Step, Task};

use crate::fault::{self, Strike};
use report_throttle::{Offer, ReportThrottle};

/// Commands to a worker, whichever backend runs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkerInput {
    /// Work (again) from where the work is.
    Start,
    /// Stop working; answered by `WorkerOutput::Paused`.
    Pause,
    /// Start over (the counter's next number is 0); answered by `WorkerOutput::Cleared`.
    Reset,
    /// Stop for good; answered by `WorkerOutput::Stopped`.
    Shutdown,
}

/// Reports from a worker (and, from a child process, the frames it sends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkerOutput {
    /// The newest number produced (earlier ones may have been coalesced away).
    Counted(u64),
    /// A reset took effect: numbers from now on start again at 0.
    Cleared,
    /// The answer to `Pause`: nothing is counted until `Start`.
    Paused { last: Option<u64> },
    /// The count reached its limit or its echo output closed; the worker is idle.
    Finished { last: Option<u64> },
    /// The answer to `Shutdown`: the last number produced, nothing runs any more.
    Stopped { last: Option<u64> },
    /// How far a job has come (coalesced like `Counted`).
    JobProgress(Progress),
    /// The job is done; the worker is idle.
    JobDone(Progress),
    /// The worker died without being asked to stop; it is gone, and sends nothing more.
    /// `reason` completes "Worker ...", e.g. "process was killed by SIGKILL".
    Crashed { reason: String },
}

/// How far a job that knows its size has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Units of work done so far (numbers sieved, for the primes job).
    pub done: u64,
    /// Units of work in all.
    pub total: u64,
    /// What was found so far (primes, for the primes job).
    pub found: u64,
}

/// What the thread worker hears: a command, or one of its own timers.
#[derive(Debug)]
pub enum TaskWorkerInput {
    Command(WorkerInput),
    /// Only the worker itself can make one.
    Wakeup(Wakeup),
}

#[derive(Debug)]
pub struct Wakeup(WakeupKind);

#[derive(Debug)]
enum WakeupKind {
    /// Time for the next step (or slice of steps).
    Step,
    /// Time to report news the throttle held back.
    FlushReport,
}

impl From<WorkerInput> for TaskWorkerInput {
    fn from(input: WorkerInput) -> Self {
        Self::Command(input)
    }
}

/// How a thread worker starts.
pub struct TaskWorkerInit {
    pub task: Box<dyn Task>,
    /// Shortest time between two reports of news.
    pub report_interval: Duration,
    /// Start working at once.
    pub running: bool,
    /// Where to print the seed's "Other thread: N" line for every number, if anywhere.
    pub echo: Option<Box<dyn Write + Send>>,
    /// Fail on purpose at this number (tests of crash recovery only).
    pub fault: Option<Strike>,
    pub exit: ExitSignal,
}

/// With `Pace::Busy`, work for this long before looking at the message queue again.
const BUSY_SLICE: Duration = Duration::from_millis(1);

pub struct TaskWorker {
    task: Box<dyn Task>,
    echo: Option<Box<dyn Write + Send>>,
    throttle: ReportThrottle<WorkerOutput>,
    /// The source asking for steps; none while paused.
    stepper: Option<OwnedSource>,
    flush: Option<OwnedSource>,
    fault: Option<Strike>,
    begun: bool,
    /// The task said it is done (until a reset).
    over: bool,
    stopped: bool,
    sender: ComponentSender<Self>,
    _exit: ExitSignal,
}

/// Dropped without having answered Shutdown: the worker's thread is going down
/// because `update` panicked. Nothing else drops a worker that was not stopped.
impl Drop for TaskWorker {
    fn drop(&mut self) {
        if !self.stopped {
            let reason = "thread panicked".to_owned();
            report(&self.sender, WorkerOutput::Crashed { reason });
        }
    }
}

impl Worker for TaskWorker {
    type Init = TaskWorkerInit;
    type Input = TaskWorkerInput;
    type Output = WorkerOutput;

    /// Runs on the launching thread: sources are attached later, on the worker's thread.
    fn init(init: TaskWorkerInit, sender: ComponentSender<Self>) -> Self {
        if init.running {
            sender.input(WorkerInput::Start.into());
        }
        Self {
            task: init.task,
            echo: init.echo,
            throttle: ReportThrottle::new(init.report_interval),
            stepper: None,
            flush: None,
            fault: init.fault,
            begun: false,
            over: false,
            stopped: false,
            sender,
            _exit: init.exit,
        }
    }

    fn update(&mut self, message: TaskWorkerInput, sender: ComponentSender<Self>) {
        if self.stopped {
            return;
        }
        match message {
            TaskWorkerInput::Command(WorkerInput::Start) => self.start(&sender),
            TaskWorkerInput::Command(WorkerInput::Pause) => {
                self.pause();
                report(
                    &sender,
                    WorkerOutput::Paused {
                        last: self.task.last(),
                    },
                );
            }
            TaskWorkerInput::Command(WorkerInput::Reset) => {
                if self.task.reset() {
                    self.over = false;
                    self.throttle.discard();
                    self.flush = None;
                    report(&sender, WorkerOutput::Cleared);
                }
            }
            TaskWorkerInput::Command(WorkerInput::Shutdown) => {
                self.pause();
                self.stopped = true;
                report(
                    &sender,
                    WorkerOutput::Stopped {
                        last: self.task.last(),
                    },
                );
            }
            TaskWorkerInput::Wakeup(Wakeup(WakeupKind::Step)) => self.steps(&sender),
            TaskWorkerInput::Wakeup(Wakeup(WakeupKind::FlushReport)) => {
                self.flush = None;
                if let Some(news) = self.throttle.flush(Instant::now()) {
                    report(&sender, news);
                }
            }
        }
    }
}

impl TaskWorker {
    fn start(&mut self, sender: &ComponentSender<Self>) {
        if self.stepper.is_some() || self.over {
            return;
        }
        if !self.begun {
            self.task.begin();
            self.begun = true;
        }
        let step_sender = sender.clone();
        let wake = move || step_sender.input(TaskWorkerInput::Wakeup(Wakeup(WakeupKind::Step)));
        self.stepper = Some(match self.task.pace() {
            Pace::Busy => OwnedSource::when_idle(wake),
            Pace::Every(period) => OwnedSource::every(period, wake),
        });
    }

    /// Stops the sources; held news is news no more, since the answer (`Paused`,
    /// `Finished`, `Stopped`) tells where the work is anyway.
    fn pause(&mut self) {
        self.stepper = None;
        self.flush = None;
        self.throttle.discard();
    }

    fn steps(&mut self, sender: &ComponentSender<Self>) {
        if self.stepper.is_none() {
            return; // a wakeup queued before a Pause
        }
        match self.task.pace() {
            Pace::Every(_) => self.step(sender),
            Pace::Busy => {
                let slice_start = Instant::now();
                while self.stepper.is_some() && slice_start.elapsed() < BUSY_SLICE {
                    self.step(sender);
                }
            }
        }
        let echo_failed = self.echo.as_mut().is_some_and(|echo| echo.flush().is_err());
        if echo_failed && self.stepper.is_some() {
            self.finish(sender);
        }
    }

    fn step(&mut self, sender: &ComponentSender<Self>) {
        let Step { news, done } = self.task.step();
        if let WorkerOutput::Counted(number) = news {
            if let Some(echo) = &mut self.echo {
                if writeln!(echo, "Other thread: {number}").is_err() {
                    self.finish(sender);
                    return;
                }
            }
            if let Some(strike) = self.fault.filter(|strike| number >= strike.at) {
                fault::strike(strike.kind);
            }
        }
        match self.throttle.offer(news, Instant::now()) {
            Offer::SendNow(news) => report(sender, news),
            Offer::HoldUntil(when) => self.arm_flush(sender, when),
            Offer::Held => {}
        }
        if done {
            self.finish(sender);
        }
    }

    fn arm_flush(&mut self, sender: &ComponentSender<Self>, when: Instant) {
        let flush_sender = sender.clone();
        let wait = when.saturating_duration_since(Instant::now());
        self.flush = Some(OwnedSource::once(wait, move || {
            flush_sender.input(TaskWorkerInput::Wakeup(Wakeup(WakeupKind::FlushReport)));
        }));
    }

    /// Ends the run on the task's own initiative (done, or its echo closed).
    fn finish(&mut self, sender: &ComponentSender<Self>) {
        self.pause();
        self.over = true;
        self.echo = None;
        report(sender, self.task.ending());
    }
}

/// Sends a report; if nobody listens any more (the owner is gone), there is nobody to tell.
fn report(sender: &ComponentSender<TaskWorker>, output: WorkerOutput) {
    let _ = sender.output(output);
}
