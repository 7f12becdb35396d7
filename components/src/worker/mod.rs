//! The Worker component: counts (or runs a heavy job) on its own thread and reports.
//!
//! It never blocks its thread. Work is driven by sources on the thread's own glib
//! context, one number or one slice at a time, so Pause, Reset and Shutdown are seen
//! between two steps, never after a sleep. Reports are coalesced here, so the App's
//! channel cannot flood.

mod exit_watch;
pub mod report_throttle;
mod run;

use std::fmt;
use std::io::Write;
use std::time::{Duration, Instant};

use relm4::gtk::glib;
use relm4::{ComponentSender, Worker};
use serde::{Deserialize, Serialize};

pub use exit_watch::{exit_pair, ExitSignal, ExitWatch};
pub use run::{Placement, WorkerRun};

use crate::fault::{self, FaultPlan, Strike};
use crate::jobs::counter::Counter;
use crate::jobs::primes::{PrimeCount, Progress};
use crate::process::frame::{FrameError, FromChild};
use report_throttle::{Offer, ReportThrottle};

/// Commands from the App.
#[derive(Debug)]
pub enum WorkerInput {
    /// Count (again) from where the count is.
    Start,
    /// Stop counting; answered by `WorkerOutput::Paused`.
    Pause,
    /// The next number is 0; answered by `WorkerOutput::Cleared`.
    Reset,
    /// Stop for good; answered by `WorkerOutput::Stopped`.
    Shutdown,
    /// The worker's own timers; only the worker can make one.
    Wakeup(Wakeup),
}

/// An event from inside a worker component (its timers, its child process); only the
/// worker components can make one.
#[derive(Debug)]
pub struct Wakeup(pub(crate) WakeupKind);

#[derive(Debug)]
pub(crate) enum WakeupKind {
    Tick,
    FlushReport,
    /// Time for the next slice of the job.
    JobSlice,
    /// Process backend: start the child, from the worker's own long-lived thread.
    SpawnChild,
    /// Process backend: the child sent a frame, or its pipe ended or went bad.
    ChildSaid(Result<FromChild, FrameError>),
    /// Process backend: the child missed a deadline (handshake, or stopping).
    ChildDeadline,
}

/// Reports to the App (and, from a child process, the frames it sends).
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
    /// How far the job has come (coalesced like `Counted`).
    JobProgress(Progress),
    /// The job is done; the worker is idle.
    JobDone(Progress),
    /// The worker died without being asked to stop; it is gone, and sends nothing more.
    /// `reason` completes "Worker ...", e.g. "process was killed by SIGKILL".
    Crashed { reason: String },
}

/// A heavy job: count the primes in `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSpec {
    pub start: u64,
    pub end: u64,
}

/// How a worker starts.
pub struct WorkerInit {
    /// Time between two numbers; zero counts as fast as it can.
    pub delay: Duration,
    /// Shortest time between two `Counted` reports.
    pub report_interval: Duration,
    /// The first number to produce (to continue a count).
    pub first_number: u64,
    /// Finish after this many numbers in all (`0..limit`).
    pub limit: Option<u64>,
    /// Where to print the seed's "Other thread: N" line for every number, if anywhere.
    pub echo: Option<Box<dyn Write + Send>>,
    /// Start counting at once.
    pub running: bool,
    /// Fail on purpose (tests of crash recovery only).
    pub fault: Option<FaultPlan>,
    /// Run this job instead of counting (`running` starts it).
    pub job: Option<JobSpec>,
}

impl WorkerInit {
    /// A worker that runs `job` at once, at low priority, reporting every `report_interval`.
    pub fn for_job(job: JobSpec, report_interval: Duration) -> Self {
        Self {
            delay: Duration::ZERO,
            report_interval,
            first_number: 0,
            limit: None,
            echo: None,
            running: true,
            fault: None,
            job: Some(job),
        }
    }
}

impl fmt::Debug for WorkerInit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkerInit")
            .field("delay", &self.delay)
            .field("report_interval", &self.report_interval)
            .field("first_number", &self.first_number)
            .field("limit", &self.limit)
            .field("echo", &self.echo.is_some())
            .field("running", &self.running)
            .field("fault", &self.fault)
            .field("job", &self.job)
            .finish()
    }
}

/// With delay zero, count for this long before looking at the message queue again.
const BUSY_SLICE: Duration = Duration::from_millis(1);

/// A glib source attached to the worker's context, destroyed when dropped, so that a
/// worker dropped while running leaves no source behind to spin its context.
pub(crate) struct AttachedSource(glib::Source);

impl AttachedSource {
    pub(crate) fn attach(source: glib::Source) -> Self {
        source.attach(Some(&glib::MainContext::ref_thread_default()));
        Self(source)
    }
}

impl Drop for AttachedSource {
    fn drop(&mut self) {
        self.0.destroy();
    }
}

pub struct CounterWorker {
    counter: Counter,
    delay: Duration,
    limit: Option<u64>,
    echo: Option<Box<dyn Write + Send>>,
    throttle: ReportThrottle,
    ticker: Option<AttachedSource>,
    flush: Option<AttachedSource>,
    fault: Option<Strike>,
    job: Option<RunningJob>,
    stopped: bool,
    sender: ComponentSender<Self>,
    _exit: ExitSignal,
}

/// Dropped without having answered Shutdown: the worker's thread is going down
/// because `update` panicked. Nothing else drops a worker that was not stopped.
impl Drop for CounterWorker {
    fn drop(&mut self) {
        if !self.stopped {
            let reason = "thread panicked".to_owned();
            report(&self.sender, WorkerOutput::Crashed { reason });
        }
    }
}

impl Worker for CounterWorker {
    type Init = (WorkerInit, ExitSignal);
    type Input = WorkerInput;
    type Output = WorkerOutput;

    /// Runs on the launching thread: timers are armed later, on the worker's own thread.
    fn init((init, exit): Self::Init, sender: ComponentSender<Self>) -> Self {
        if init.running {
            sender.input(WorkerInput::Start);
        }
        Self {
            counter: Counter::starting_at(init.first_number),
            delay: init.delay,
            limit: init.limit,
            echo: init.echo,
            throttle: ReportThrottle::new(init.report_interval),
            ticker: None,
            flush: None,
            fault: init
                .fault
                .map(|plan| plan.for_count_from(init.first_number)),
            job: init.job.map(|spec| RunningJob {
                count: PrimeCount::new(spec.start..spec.end),
                runner: None,
                last_report: None,
                niced: false,
            }),
            stopped: false,
            sender,
            _exit: exit,
        }
    }

    fn update(&mut self, message: WorkerInput, sender: ComponentSender<Self>) {
        if self.stopped {
            return;
        }
        match message {
            WorkerInput::Start => self.start(&sender),
            WorkerInput::Pause => {
                self.pause();
                let last = self.counter.last();
                report(&sender, WorkerOutput::Paused { last });
            }
            WorkerInput::Reset => {
                self.counter.reset();
                self.throttle.discard();
                self.flush = None;
                report(&sender, WorkerOutput::Cleared);
            }
            WorkerInput::Shutdown => {
                self.pause();
                self.stopped = true;
                let last = self.counter.last();
                report(&sender, WorkerOutput::Stopped { last });
            }
            WorkerInput::Wakeup(Wakeup(WakeupKind::Tick)) => self.tick(&sender),
            WorkerInput::Wakeup(Wakeup(WakeupKind::FlushReport)) => {
                self.flush = None;
                if let Some(number) = self.throttle.flush(Instant::now()) {
                    report(&sender, WorkerOutput::Counted(number));
                }
            }
            WorkerInput::Wakeup(Wakeup(WakeupKind::JobSlice)) => self.job_slice(&sender),
            WorkerInput::Wakeup(Wakeup(
                WakeupKind::SpawnChild | WakeupKind::ChildSaid(_) | WakeupKind::ChildDeadline,
            )) => {}
        }
    }
}

/// The job a worker was given, and how it is driven.
struct RunningJob {
    count: PrimeCount,
    /// The idle source asking for slices; none while paused.
    runner: Option<AttachedSource>,
    last_report: Option<Instant>,
    niced: bool,
}

/// Where SCHED_IDLE is refused, how much nicer than the window a job's thread is.
const JOB_NICENESS: libc::c_int = 10;

impl CounterWorker {
    fn start(&mut self, sender: &ComponentSender<Self>) {
        if let Some(job) = &mut self.job {
            if job.runner.is_none() && !job.count.is_done() {
                if !job.niced {
                    lower_this_threads_priority();
                    job.niced = true;
                }
                let slice_sender = sender.clone();
                let source = glib::idle_source_new(None, glib::Priority::DEFAULT_IDLE, move || {
                    slice_sender.input(WorkerInput::Wakeup(Wakeup(WakeupKind::JobSlice)));
                    glib::ControlFlow::Continue
                });
                job.runner = Some(AttachedSource::attach(source));
            }
            return;
        }
        if self.ticker.is_some() || self.limit_reached() {
            return;
        }
        let tick_sender = sender.clone();
        let tick = move || {
            tick_sender.input(WorkerInput::Wakeup(Wakeup(WakeupKind::Tick)));
            glib::ControlFlow::Continue
        };
        // Idle priority lets queued messages (Shutdown above all) go first between slices.
        let source = if self.delay.is_zero() {
            glib::idle_source_new(None, glib::Priority::DEFAULT_IDLE, tick)
        } else {
            glib::timeout_source_new(self.delay, None, glib::Priority::DEFAULT, tick)
        };
        self.ticker = Some(AttachedSource::attach(source));
    }

    /// Stops the timers; a number still held by the throttle is news no more, since
    /// the answer (`Paused`, `Finished`, `Stopped`) carries the last number anyway.
    fn pause(&mut self) {
        self.ticker = None;
        self.flush = None;
        self.throttle.discard();
        if let Some(job) = &mut self.job {
            job.runner = None;
        }
    }

    /// Sieves segments for one busy slice, then lets queued messages in.
    fn job_slice(&mut self, sender: &ComponentSender<Self>) {
        let interval = self.throttle.interval();
        let Some(job) = &mut self.job else { return };
        if job.runner.is_none() {
            return; // a slice queued before a Pause
        }
        let slice_start = Instant::now();
        let mut more = true;
        while more && slice_start.elapsed() < BUSY_SLICE {
            more = job.count.step();
        }
        let progress = job.count.progress();
        if !more {
            job.runner = None;
            report(sender, WorkerOutput::JobDone(progress));
            return;
        }
        let now = Instant::now();
        if job
            .last_report
            .is_none_or(|last| now.duration_since(last) >= interval)
        {
            job.last_report = Some(now);
            report(sender, WorkerOutput::JobProgress(progress));
        }
    }

    fn tick(&mut self, sender: &ComponentSender<Self>) {
        if self.ticker.is_none() {
            return; // a tick queued before a Pause
        }
        if self.delay.is_zero() {
            let slice_start = Instant::now();
            while self.ticker.is_some() && slice_start.elapsed() < BUSY_SLICE {
                self.produce(sender);
            }
        } else {
            self.produce(sender);
        }
        self.flush_echo(sender);
    }

    fn produce(&mut self, sender: &ComponentSender<Self>) {
        let number = self.counter.step();
        if let Some(echo) = &mut self.echo {
            if writeln!(echo, "Other thread: {number}").is_err() {
                self.finish(sender);
                return;
            }
        }
        if let Some(strike) = self.fault {
            if number >= strike.at {
                fault::strike(strike.kind);
            }
        }
        match self.throttle.offer(number, Instant::now()) {
            Offer::SendNow(number) => report(sender, WorkerOutput::Counted(number)),
            Offer::HoldUntil(when) => self.arm_flush(sender, when),
            Offer::Held => {}
        }
        if self.limit_reached() {
            self.finish(sender);
        }
    }

    fn flush_echo(&mut self, sender: &ComponentSender<Self>) {
        let failed = self.echo.as_mut().is_some_and(|echo| echo.flush().is_err());
        if failed && self.ticker.is_some() {
            self.finish(sender);
        }
    }

    fn arm_flush(&mut self, sender: &ComponentSender<Self>, when: Instant) {
        let flush_sender = sender.clone();
        let wait = when.saturating_duration_since(Instant::now());
        let source = glib::timeout_source_new(wait, None, glib::Priority::DEFAULT, move || {
            flush_sender.input(WorkerInput::Wakeup(Wakeup(WakeupKind::FlushReport)));
            glib::ControlFlow::Break
        });
        self.flush = Some(AttachedSource::attach(source));
    }

    /// Ends the run on the worker's own initiative (limit reached, echo closed).
    fn finish(&mut self, sender: &ComponentSender<Self>) {
        self.pause();
        self.echo = None;
        let last = self.counter.last();
        report(sender, WorkerOutput::Finished { last });
    }

    fn limit_reached(&self) -> bool {
        self.limit
            .is_some_and(|limit| self.counter.produced() >= limit)
    }
}

/// Puts the calling thread in the SCHED_IDLE class: it runs only when no normal thread
/// (the window above all) wants the CPU. Falls back to niceness 10 (per thread on Linux).
fn lower_this_threads_priority() {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: pid 0 names the calling thread; `param` is a valid, initialised struct that
    // outlives the call; gettid() cannot fail; setpriority() only reads its integers.
    // Lowering one's own priority needs no privilege; a failure keeps the priority.
    unsafe {
        if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) != 0 {
            let thread = libc::gettid() as libc::id_t;
            libc::setpriority(libc::PRIO_PROCESS, thread, JOB_NICENESS);
        }
    }
}

/// Sends a report; if nobody listens any more (the App is gone), there is nobody to tell.
fn report(sender: &ComponentSender<CounterWorker>, output: WorkerOutput) {
    let _ = sender.output(output);
}
