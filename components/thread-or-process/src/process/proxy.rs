//! The parent side of the process backend: a Worker component whose long-lived thread
//! starts the child, relays commands as frames and the child's frames as reports.
//!
//! It speaks exactly the thread worker's commands and reports, so the owner does not
//! care where the work happens. `Stopped` is sent only once the child is reaped. It
//! trusts the child no more than any input: news is coalesced here again, and a report
//! out of its place (a second `Started`, a `Paused` nobody asked for) is a broken child.

use std::time::Instant;

use std::fmt::Debug;
use std::time::Duration;

use relm4::{ComponentSender, Worker};
use serde::de::DeserializeOwned;

use super::frame::{ChildPlan, Envelope, FrameError, FromChild, ToChild, PROTOCOL_VERSION};
use super::spawn::{crash_reason, RunningChild};
use crate::child_command::ChildCommand;
use crate::report::{Command, CrashReason, Report};
use crate::source::OwnedSource;
use crate::thread::ExitSignal;
use crate::throttle::{Offer, ReportThrottle};

/// How long a new child may take to say Hello.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a child asked to stop may take before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_millis(200);

pub(crate) struct ProxyInit {
    pub child: ChildCommand,
    pub plan: ChildPlan,
    pub exit: ExitSignal,
}

/// What the proxy hears: a command, or news of its child (only the proxy makes those).
#[derive(Debug)]
pub(crate) struct ProxyInput<N>(Event<N>);

#[derive(Debug)]
enum Event<N> {
    Command(Command),
    /// Start the child, from the worker's own long-lived thread.
    SpawnChild,
    /// The child sent a frame, or its pipe ended or went bad.
    ChildSaid(Result<FromChild<N>, FrameError>),
    /// The child missed a deadline (handshake, or stopping).
    ChildDeadline,
    /// Time to pass on news the throttle held back.
    FlushNews,
}

impl<N> From<Command> for ProxyInput<N> {
    fn from(command: Command) -> Self {
        Self(Event::Command(command))
    }
}

pub(crate) struct ChildProxy<N: DeserializeOwned + Clone + Debug + Send + 'static> {
    child_command: ChildCommand,
    plan: ChildPlan,
    child: Option<RunningChild>,
    greeted: bool,
    stopping: bool,
    /// Sent Stopped or Crashed: nothing more is to be said.
    done: bool,
    /// Why the child is being killed (or is dying), when we know better than its status.
    failure: Option<CrashReason>,
    /// The newest news the child reported: what Stopped carries when the child cannot
    /// say it any more.
    newest: Option<N>,
    /// What the child may still say: its commands' answers, counted as they are sent.
    expected: Expected,
    throttle: ReportThrottle<N>,
    flush: Option<OwnedSource>,
    deadline: Option<OwnedSource>,
    _exit: ExitSignal,
}

impl<N> Worker for ChildProxy<N>
where
    N: DeserializeOwned + Clone + Debug + Send + 'static,
{
    type Init = ProxyInit;
    type Input = ProxyInput<N>;
    type Output = Report<N>;

    /// Runs on the launching thread; the child is spawned from the worker's own thread.
    fn init(init: ProxyInit, sender: ComponentSender<Self>) -> Self {
        sender.input(ProxyInput(Event::SpawnChild));
        let report_interval = init.plan.report_interval;
        Self {
            child_command: init.child,
            plan: init.plan,
            child: None,
            greeted: false,
            stopping: false,
            done: false,
            failure: None,
            newest: None,
            expected: Expected::default(),
            throttle: ReportThrottle::new(report_interval),
            flush: None,
            deadline: None,
            _exit: init.exit,
        }
    }

    fn update(&mut self, message: ProxyInput<N>, sender: ComponentSender<Self>) {
        if self.done {
            return;
        }
        match message.0 {
            Event::Command(Command::Shutdown) => self.stop(&sender),
            Event::Command(command) => self.command(command),
            Event::SpawnChild => self.spawn(&sender),
            Event::ChildSaid(Ok(frame)) => self.hear(frame, &sender),
            Event::ChildSaid(Err(ending)) => self.child_ended(&ending, &sender),
            Event::FlushNews => {
                self.flush = None;
                if let Some(news) = self.throttle.flush(Instant::now()) {
                    let _ = sender.output(Report::News(news));
                }
            }
            Event::ChildDeadline => {
                self.deadline = None;
                if !self.greeted && !self.stopping {
                    self.fail(CrashReason::DidNotAnswer);
                } else if let Some(child) = &mut self.child {
                    child.kill();
                }
            }
        }
    }
}

impl<N> ChildProxy<N>
where
    N: DeserializeOwned + Clone + Debug + Send + 'static,
{
    fn own_envelope(&self) -> Envelope {
        Envelope {
            protocol: PROTOCOL_VERSION,
            app_version: self.child_command.app_version,
        }
    }

    fn spawn(&mut self, sender: &ComponentSender<Self>) {
        let frames = sender.clone();
        let spawned = RunningChild::spawn(&self.child_command, move |frame| {
            frames.input(ProxyInput(Event::ChildSaid(frame)));
        });
        let mut child = match spawned {
            Ok(child) => child,
            Err(error) => {
                let errno = error.raw_os_error();
                self.finish(
                    sender,
                    Report::Crashed(CrashReason::CouldNotStart { errno }),
                );
                return;
            }
        };
        // A child that is gone already shows up as the end of its pipe.
        let _ = child.send(&ToChild::Hello(self.own_envelope()));
        let begun = child.send(&ToChild::Begin(self.plan.clone()));
        self.child = Some(child);
        self.arm_deadline(sender, HANDSHAKE_TIMEOUT);
        if let Err(FrameError::TooLong(length)) = begun {
            tracing::error!(
                "the kind '{}' takes {length} bytes, over the frame limit",
                self.plan.kind
            );
            self.fail(CrashReason::BrokeProtocol);
        }
    }

    fn command(&mut self, command: Command) {
        if self.stopping {
            return;
        }
        if let Some(child) = &mut self.child {
            self.expected.asked(command);
            // A failed write means the child died; its pipe's end will say how.
            let _ = child.send(&ToChild::Command(command));
        }
    }

    fn stop(&mut self, sender: &ComponentSender<Self>) {
        if self.stopping {
            return;
        }
        self.stopping = true;
        match &mut self.child {
            Some(child) => {
                let _ = child.send(&ToChild::Command(Command::Shutdown));
                self.arm_deadline(sender, STOP_TIMEOUT);
            }
            None => self.finish(sender, Report::Stopped(self.newest.clone())),
        }
    }

    fn hear(&mut self, frame: FromChild<N>, sender: &ComponentSender<Self>) {
        match frame {
            FromChild::Hello(envelope) if !self.greeted => {
                if envelope == self.own_envelope() {
                    self.greeted = true;
                    if !self.stopping {
                        self.deadline = None;
                    }
                } else {
                    self.fail(CrashReason::Incompatible {
                        protocol: envelope.protocol,
                        app_version: envelope.app_version,
                    });
                }
            }
            FromChild::Report(report) if self.greeted => self.relay(report, sender),
            FromChild::Hello(_) | FromChild::Report(_) => self.fail(CrashReason::BrokeProtocol),
        }
    }

    fn relay(&mut self, report: Report<N>, sender: &ComponentSender<Self>) {
        if !self.expected.heard(&report) {
            self.fail(CrashReason::BrokeProtocol);
            return;
        }
        match &report {
            Report::News(news) => {
                self.newest = Some(news.clone());
                match self.throttle.offer(news.clone(), Instant::now()) {
                    Offer::SendNow(_) => {}
                    Offer::HoldUntil(when) => return self.arm_flush(sender, when),
                    Offer::Held => return,
                }
            }
            Report::Cleared | Report::Paused(_) | Report::Finished(_) => {
                // Held news is news no more: the answer says where the work is.
                self.throttle.discard();
                self.flush = None;
                match &report {
                    Report::Cleared => self.newest = None,
                    Report::Paused(newest) | Report::Finished(newest) => {
                        self.newest.clone_from(newest);
                    }
                    _ => {}
                }
            }
            Report::Started => {}
            // Held back until the child is reaped: Stopped promises nothing runs.
            Report::Stopped(newest) => {
                self.newest.clone_from(newest);
                return;
            }
            // The child says why it is about to die; its end then reports it.
            Report::Crashed(reason) => {
                let reason = match reason {
                    CrashReason::Panicked => CrashReason::Panicked,
                    _ => CrashReason::BrokeProtocol,
                };
                self.fail(reason);
                return;
            }
        }
        let _ = sender.output(report);
    }

    /// Kills the child for `reason`; the end of its pipe then reports the crash.
    fn fail(&mut self, reason: CrashReason) {
        if self.failure.is_none() {
            self.failure = Some(reason);
        }
        if let Some(child) = &mut self.child {
            child.kill();
        }
    }

    fn child_ended(&mut self, ending: &FrameError, sender: &ComponentSender<Self>) {
        self.deadline = None;
        let status = self.child.take().map(RunningChild::reap);
        if self.stopping {
            // Asked to stop, and nothing runs now, however the child went.
            self.finish(sender, Report::Stopped(self.newest.clone()));
            return;
        }
        let reason = match (self.failure.take(), ending, status) {
            (Some(reason), _, _) => reason,
            (None, FrameError::Closed, Some(Ok(status))) => crash_reason(status),
            (None, _, _) => CrashReason::BrokeProtocol,
        };
        self.finish(sender, Report::Crashed(reason));
    }

    fn finish(&mut self, sender: &ComponentSender<Self>, report: Report<N>) {
        self.done = true;
        let _ = sender.output(report);
    }

    fn arm_flush(&mut self, sender: &ComponentSender<Self>, when: Instant) {
        let sender = sender.clone();
        let wait = when.saturating_duration_since(Instant::now());
        self.flush = Some(OwnedSource::once(wait, move || {
            sender.input(ProxyInput(Event::FlushNews));
        }));
    }

    fn arm_deadline(&mut self, sender: &ComponentSender<Self>, after: Duration) {
        let sender = sender.clone();
        self.deadline = Some(OwnedSource::once(after, move || {
            sender.input(ProxyInput(Event::ChildDeadline));
        }));
    }
}

/// What a well-behaved child may say next: `Started` once, then news until it finishes,
/// and one `Paused` or `Cleared` per Pause or Reset sent (fewer if it cannot reset).
#[derive(Debug, Default)]
struct Expected {
    started: bool,
    finished: bool,
    pauses: u32,
    resets: u32,
}

impl Expected {
    fn asked(&mut self, command: Command) {
        match command {
            Command::Pause => self.pauses = self.pauses.saturating_add(1),
            Command::Reset => self.resets = self.resets.saturating_add(1),
            Command::Start | Command::Shutdown => {}
        }
    }

    /// Takes `report` in; false if it is out of its place.
    fn heard<N>(&mut self, report: &Report<N>) -> bool {
        let answered = |count: &mut u32| count.checked_sub(1).map(|left| *count = left);
        match report {
            Report::Started => !std::mem::replace(&mut self.started, true),
            _ if !self.started => false,
            Report::News(_) => !self.finished,
            Report::Finished(_) => !std::mem::replace(&mut self.finished, true),
            Report::Paused(_) => answered(&mut self.pauses).is_some(),
            Report::Cleared => {
                self.finished = false;
                answered(&mut self.resets).is_some()
            }
            Report::Stopped(_) | Report::Crashed(_) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_may_answer_only_what_it_was_asked() {
        let mut expected = Expected::default();
        assert!(!expected.heard(&Report::News(1)), "news before Started");
        assert!(expected.heard(&Report::<u64>::Started));
        assert!(!expected.heard(&Report::<u64>::Started), "a second Started");
        assert!(expected.heard(&Report::News(1)));
        assert!(!expected.heard(&Report::Paused(Some(1))), "Paused unasked");
        expected.asked(Command::Pause);
        assert!(expected.heard(&Report::Paused(Some(1))));
        assert!(!expected.heard(&Report::<u64>::Cleared), "Cleared unasked");
        assert!(expected.heard(&Report::Finished(Some(2))));
        assert!(!expected.heard(&Report::News(3)), "news after Finished");
        expected.asked(Command::Reset);
        assert!(expected.heard(&Report::<u64>::Cleared));
        assert!(expected.heard(&Report::News(0)), "news again after a reset");
    }
}
