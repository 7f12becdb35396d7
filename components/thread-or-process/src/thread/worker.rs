//! The Worker component that runs one task on its own thread.
//!
//! It knows no kind of work: a `Task` takes one step at a time, and the worker paces the
//! steps with sources on its thread's own glib context, so Pause, Reset and Shutdown are
//! seen between two steps, never after a sleep. It coalesces the task's news, so its
//! owner's channel cannot flood.

use std::fmt::Debug;
use std::time::{Duration, Instant};

use relm4::{ComponentSender, Worker};

use super::ExitSignal;
use crate::report::{Command, CrashReason, Report};
use crate::source::OwnedSource;
use crate::task::{Flow, Pace, Task};
use crate::throttle::{Offer, ReportThrottle};

/// What the thread worker hears: a command, or one of its own timers.
#[derive(Debug)]
pub(crate) enum TaskWorkerInput {
    Command(Command),
    /// Only the worker itself makes these.
    Wakeup(Wakeup),
}

#[derive(Debug)]
pub(crate) enum Wakeup {
    /// Time for the next step (or slice of steps).
    Step,
    /// Time to report news the throttle held back.
    FlushReport,
}

impl From<Command> for TaskWorkerInput {
    fn from(command: Command) -> Self {
        Self::Command(command)
    }
}

/// How a thread worker starts.
pub(crate) struct TaskWorkerInit<N> {
    pub task: Box<dyn Task<News = N>>,
    /// Shortest time between two reports of news.
    pub report_interval: Duration,
    /// Start working at once.
    pub running: bool,
    pub exit: ExitSignal,
}

/// With `Pace::Busy`, work for this long before looking at the message queue again.
const BUSY_SLICE: Duration = Duration::from_millis(1);

pub(crate) struct TaskWorker<N: Debug + Send + 'static> {
    task: Box<dyn Task<News = N>>,
    throttle: ReportThrottle<N>,
    /// The source asking for steps; none while paused.
    stepper: Option<OwnedSource>,
    flush: Option<OwnedSource>,
    begun: bool,
    /// The task said it is done (until a reset).
    over: bool,
    stopped: bool,
    sender: ComponentSender<Self>,
    _exit: ExitSignal,
}

/// Dropped while its thread unwinds: `update` (the task) panicked. A worker whose owner
/// let go of it without Shutdown is dropped too, and has nobody left to tell.
impl<N: Debug + Send + 'static> Drop for TaskWorker<N> {
    fn drop(&mut self) {
        if !self.stopped && std::thread::panicking() {
            report(&self.sender, Report::Crashed(CrashReason::Panicked));
        }
    }
}

impl<N: Debug + Send + 'static> Worker for TaskWorker<N> {
    type Init = TaskWorkerInit<N>;
    type Input = TaskWorkerInput;
    type Output = Report<N>;

    /// Runs on the launching thread: sources are attached later, on the worker's thread.
    fn init(init: TaskWorkerInit<N>, sender: ComponentSender<Self>) -> Self {
        report(&sender, Report::Started);
        if init.running {
            sender.input(Command::Start.into());
        }
        Self {
            task: init.task,
            throttle: ReportThrottle::new(init.report_interval),
            stepper: None,
            flush: None,
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
            TaskWorkerInput::Command(Command::Start) => self.start(&sender),
            TaskWorkerInput::Command(Command::Pause) => {
                self.pause();
                report(&sender, Report::Paused(self.task.news()));
            }
            TaskWorkerInput::Command(Command::Reset) => {
                if self.task.reset() {
                    self.over = false;
                    self.throttle.discard();
                    self.flush = None;
                    report(&sender, Report::Cleared);
                }
            }
            TaskWorkerInput::Command(Command::Shutdown) => {
                self.pause();
                self.stopped = true;
                report(&sender, Report::Stopped(self.task.news()));
            }
            TaskWorkerInput::Wakeup(Wakeup::Step) => self.steps(&sender),
            TaskWorkerInput::Wakeup(Wakeup::FlushReport) => {
                self.flush = None;
                if let Some(news) = self.throttle.flush(Instant::now()) {
                    report(&sender, Report::News(news));
                }
            }
        }
    }
}

impl<N: Debug + Send + 'static> TaskWorker<N> {
    fn start(&mut self, sender: &ComponentSender<Self>) {
        if self.stepper.is_some() || self.over {
            return;
        }
        if !self.begun {
            self.task.begin();
            self.begun = true;
        }
        let step_sender = sender.clone();
        let wake = move || step_sender.input(TaskWorkerInput::Wakeup(Wakeup::Step));
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
    }

    fn step(&mut self, sender: &ComponentSender<Self>) {
        let flow = self.task.step();
        if flow == Flow::Done {
            self.pause();
            self.over = true;
            report(sender, Report::Finished(self.task.news()));
            return;
        }
        let Some(news) = self.task.news() else {
            return;
        };
        match self.throttle.offer(news, Instant::now()) {
            Offer::SendNow(news) => report(sender, Report::News(news)),
            Offer::HoldUntil(when) => self.arm_flush(sender, when),
            Offer::Held => {}
        }
    }

    fn arm_flush(&mut self, sender: &ComponentSender<Self>, when: Instant) {
        let flush_sender = sender.clone();
        let wait = when.saturating_duration_since(Instant::now());
        self.flush = Some(OwnedSource::once(wait, move || {
            flush_sender.input(TaskWorkerInput::Wakeup(Wakeup::FlushReport));
        }));
    }
}

/// Sends a report; if nobody listens any more (the owner is gone), there is nobody to tell.
fn report<N: Debug + Send + 'static>(sender: &ComponentSender<TaskWorker<N>>, report: Report<N>) {
    let _ = sender.output(report);
}
