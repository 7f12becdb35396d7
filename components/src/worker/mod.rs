//! The Worker component: counts on its own thread and reports to the App.
//!
//! It never blocks its thread. Counting is driven by timer sources on the thread's own
//! glib context, so Pause, Reset and Shutdown are seen between two numbers, never
//! after a sleep. Reports are coalesced here, so the App's channel cannot flood.

mod exit_watch;
pub mod report_throttle;

use std::fmt;
use std::io::Write;
use std::time::{Duration, Instant};

use relm4::gtk::glib;
use relm4::{ComponentSender, Worker, WorkerController};

pub use exit_watch::{exit_pair, ExitSignal, ExitWatch};

use crate::jobs::counter::Counter;
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

/// A timer of the worker's firing on its thread.
#[derive(Debug)]
pub struct Wakeup(WakeupKind);

#[derive(Debug)]
enum WakeupKind {
    Tick,
    FlushReport,
}

/// Reports to the App.
#[derive(Debug, Clone, PartialEq, Eq)]
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
            .finish()
    }
}

/// With delay zero, count for this long before looking at the message queue again.
const BUSY_SLICE: Duration = Duration::from_millis(1);

/// A glib source attached to the worker's context, destroyed when dropped, so that a
/// worker dropped while running leaves no source behind to spin its context.
struct AttachedSource(glib::Source);

impl AttachedSource {
    fn attach(source: glib::Source) -> Self {
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
    stopped: bool,
    _exit: ExitSignal,
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
            stopped: false,
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
        }
    }
}

impl CounterWorker {
    fn start(&mut self, sender: &ComponentSender<Self>) {
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

/// Sends a report; if nobody listens any more (the App is gone), there is nobody to tell.
fn report(sender: &ComponentSender<CounterWorker>, output: WorkerOutput) {
    let _ = sender.output(output);
}

/// A launched worker: its controller and the means to wait for its thread to end.
pub struct WorkerRun {
    controller: WorkerController<CounterWorker>,
    exit: ExitWatch,
}

impl WorkerRun {
    /// Starts a worker on its own thread, its outputs turned into `X` for `receiver`.
    pub fn launch<X: 'static>(
        init: WorkerInit,
        receiver: &relm4::Sender<X>,
        transform: impl Fn(WorkerOutput) -> X + 'static,
    ) -> Self {
        use relm4::Component;
        let (signal, exit) = exit_pair();
        let controller = CounterWorker::builder()
            .detach_worker((init, signal))
            .forward(receiver, transform);
        Self { controller, exit }
    }

    pub fn emit(&self, input: WorkerInput) {
        self.controller.sender().emit(input);
    }

    /// A sender for inputs, for callbacks that outlive a borrow of this run.
    pub fn sender(&self) -> relm4::Sender<WorkerInput> {
        self.controller.sender().clone()
    }

    /// Lets the worker's thread end and waits for it, at most `timeout`.
    /// True when the thread has dropped its state and is on its way out.
    pub fn join(self, timeout: Duration) -> bool {
        let Self { controller, exit } = self;
        drop(controller);
        exit.wait(timeout)
    }
}
