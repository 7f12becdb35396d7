//! The parent side of the process backend: a Worker component whose long-lived thread
//! starts the child, relays commands as frames and the child's frames as reports.
//!
//! It speaks exactly the thread worker's `WorkerInput`/`WorkerOutput`, so the owner does
//! not care where the work happens. `Stopped` is sent only once the child is reaped.

use std::path::PathBuf;
use std::time::Duration;

use relm4::{ComponentSender, Worker};

use super::frame::{ChildPlan, FrameError, FromChild, ToChild, PROTOCOL_VERSION};
use super::spawn::{describe_exit, RunningChild};
use crate::worker::{ExitSignal, OwnedSource, WorkerInput, WorkerOutput};

/// How long a new child may take to say Hello.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a child asked to stop may take before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_millis(200);

pub struct ProxyInit {
    pub program: PathBuf,
    pub plan: ChildPlan,
    pub exit: ExitSignal,
}

/// What the proxy hears: a command, or news of its child (only the proxy makes those).
#[derive(Debug)]
pub struct ProxyInput(Event);

#[derive(Debug)]
enum Event {
    Command(WorkerInput),
    /// Start the child, from the worker's own long-lived thread.
    SpawnChild,
    /// The child sent a frame, or its pipe ended or went bad.
    ChildSaid(Result<FromChild, FrameError>),
    /// The child missed a deadline (handshake, or stopping).
    ChildDeadline,
}

impl From<WorkerInput> for ProxyInput {
    fn from(input: WorkerInput) -> Self {
        Self(Event::Command(input))
    }
}

pub struct ChildProxy {
    program: PathBuf,
    plan: ChildPlan,
    child: Option<RunningChild>,
    greeted: bool,
    stopping: bool,
    /// Sent Stopped or Crashed: nothing more is to be said.
    done: bool,
    /// Why the child is being killed, when it is our doing.
    failure: Option<String>,
    /// The last number the child reported: what Stopped carries when the child cannot
    /// say it any more (None: the owner goes on from the last number it saw).
    last: Option<u64>,
    deadline: Option<OwnedSource>,
    _exit: ExitSignal,
}

impl Worker for ChildProxy {
    type Init = ProxyInit;
    type Input = ProxyInput;
    type Output = WorkerOutput;

    /// Runs on the launching thread; the child is spawned from the worker's own thread.
    fn init(init: ProxyInit, sender: ComponentSender<Self>) -> Self {
        sender.input(ProxyInput(Event::SpawnChild));
        Self {
            program: init.program,
            plan: init.plan,
            child: None,
            greeted: false,
            stopping: false,
            done: false,
            failure: None,
            last: None,
            deadline: None,
            _exit: init.exit,
        }
    }

    fn update(&mut self, message: ProxyInput, sender: ComponentSender<Self>) {
        if self.done {
            return;
        }
        match message.0 {
            Event::Command(WorkerInput::Shutdown) => self.stop(&sender),
            Event::Command(command) => self.command(command),
            Event::SpawnChild => self.spawn(&sender),
            Event::ChildSaid(Ok(frame)) => self.hear(frame, &sender),
            Event::ChildSaid(Err(ending)) => self.child_ended(ending, &sender),
            Event::ChildDeadline => {
                self.deadline = None;
                if !self.greeted && !self.stopping {
                    self.fail("process did not answer");
                } else if let Some(child) = &mut self.child {
                    child.kill();
                }
            }
        }
    }
}

impl ChildProxy {
    fn spawn(&mut self, sender: &ComponentSender<Self>) {
        let frames = sender.clone();
        let spawned = RunningChild::spawn(&self.program, move |frame| {
            frames.input(ProxyInput(Event::ChildSaid(frame)));
        });
        let mut child = match spawned {
            Ok(child) => child,
            Err(error) => {
                let reason = format!("process could not start ({error})");
                self.finish(sender, WorkerOutput::Crashed { reason });
                return;
            }
        };
        // A child that is gone already shows up as the end of its pipe.
        let _ = child.send(&ToChild::Hello {
            protocol: PROTOCOL_VERSION,
        });
        let _ = child.send(&ToChild::Begin(self.plan.clone()));
        self.child = Some(child);
        self.arm_deadline(sender, HANDSHAKE_TIMEOUT);
    }

    fn command(&mut self, command: WorkerInput) {
        if self.stopping {
            return;
        }
        if let Some(child) = &mut self.child {
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
                let _ = child.send(&ToChild::Command(WorkerInput::Shutdown));
                self.arm_deadline(sender, STOP_TIMEOUT);
            }
            None => self.finish(sender, WorkerOutput::Stopped { last: self.last }),
        }
    }

    fn hear(&mut self, frame: FromChild, sender: &ComponentSender<Self>) {
        match frame {
            FromChild::Hello { protocol } if !self.greeted => {
                if protocol == PROTOCOL_VERSION {
                    self.greeted = true;
                    if !self.stopping {
                        self.deadline = None;
                    }
                } else {
                    self.fail(&format!(
                        "process speaks protocol {protocol}, not {PROTOCOL_VERSION}"
                    ));
                }
            }
            FromChild::Report(output) if self.greeted => self.relay(output, sender),
            FromChild::Hello { .. } | FromChild::Report(_) => {
                self.fail("process broke the protocol");
            }
        }
    }

    fn relay(&mut self, output: WorkerOutput, sender: &ComponentSender<Self>) {
        match &output {
            WorkerOutput::Counted(number) => self.last = Some(*number),
            WorkerOutput::Cleared => self.last = None,
            WorkerOutput::JobProgress(_) | WorkerOutput::JobDone(_) => {}
            WorkerOutput::Paused { last } | WorkerOutput::Finished { last } => self.last = *last,
            // Held back until the child is reaped: Stopped promises nothing runs.
            WorkerOutput::Stopped { last } => {
                self.last = *last;
                return;
            }
            WorkerOutput::Crashed { .. } => {
                self.fail("process broke the protocol");
                return;
            }
        }
        report(sender, output);
    }

    /// Kills the child for `reason`; the end of its pipe then reports the crash.
    fn fail(&mut self, reason: &str) {
        if self.failure.is_none() {
            self.failure = Some(reason.to_owned());
        }
        if let Some(child) = &mut self.child {
            child.kill();
        }
    }

    fn child_ended(&mut self, ending: FrameError, sender: &ComponentSender<Self>) {
        self.deadline = None;
        let status = self.child.take().map(RunningChild::reap);
        if self.stopping {
            // Asked to stop, and nothing runs now, however the child went.
            self.finish(sender, WorkerOutput::Stopped { last: self.last });
            return;
        }
        let reason = match (self.failure.take(), ending, status) {
            (Some(reason), _, _) => reason,
            (None, FrameError::Closed, Some(Ok(status))) => describe_exit(status),
            (None, FrameError::Closed, _) => "process ended".to_owned(),
            (None, garbled, _) => format!("process sent garbage ({garbled})"),
        };
        self.finish(sender, WorkerOutput::Crashed { reason });
    }

    fn finish(&mut self, sender: &ComponentSender<Self>, output: WorkerOutput) {
        self.done = true;
        report(sender, output);
    }

    fn arm_deadline(&mut self, sender: &ComponentSender<Self>, after: Duration) {
        let sender = sender.clone();
        self.deadline = Some(OwnedSource::once(after, move || {
            sender.input(ProxyInput(Event::ChildDeadline));
        }));
    }
}

/// Sends a report; if nobody listens any more (the owner is gone), there is nobody to tell.
fn report(sender: &ComponentSender<ChildProxy>, output: WorkerOutput) {
    let _ = sender.output(output);
}
