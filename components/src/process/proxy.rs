//! The parent side of the process backend: a Worker component whose thread starts the
//! child, relays the App's commands as frames and the child's frames as reports.
//!
//! It speaks exactly the thread worker's `WorkerInput`/`WorkerOutput`, so the App does
//! not care where the counting happens. `Stopped` is sent only once the child is reaped.

use std::path::PathBuf;
use std::time::Duration;

use relm4::gtk::glib;
use relm4::{ComponentSender, Worker};

use super::frame::{ChildPlan, Command, FrameError, FromChild, ToChild, PROTOCOL_VERSION};
use super::spawn::{describe_exit, RunningChild};
use crate::worker::{
    AttachedSource, ExitSignal, Wakeup, WakeupKind, WorkerInit, WorkerInput, WorkerOutput,
};

/// How long a new child may take to say Hello.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a child asked to stop may take before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_millis(200);

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
    /// The last number the child reported (continues the count after a crash).
    last: Option<u64>,
    deadline: Option<AttachedSource>,
    _exit: ExitSignal,
}

impl Worker for ChildProxy {
    type Init = (WorkerInit, PathBuf, ExitSignal);
    type Input = WorkerInput;
    type Output = WorkerOutput;

    /// Runs on the launching thread; the child is spawned from the worker's own thread.
    fn init((init, program, exit): Self::Init, sender: ComponentSender<Self>) -> Self {
        sender.input(WorkerInput::Wakeup(Wakeup(WakeupKind::SpawnChild)));
        let plan = ChildPlan {
            delay_nanos: duration_nanos(init.delay),
            report_interval_nanos: duration_nanos(init.report_interval),
            first_number: init.first_number,
            running: init.running,
            fault: init.fault,
            job: init.job,
        };
        Self {
            program,
            last: init.first_number.checked_sub(1),
            plan,
            child: None,
            greeted: false,
            stopping: false,
            done: false,
            failure: None,
            deadline: None,
            _exit: exit,
        }
    }

    fn update(&mut self, message: WorkerInput, sender: ComponentSender<Self>) {
        if self.done {
            return;
        }
        match message {
            WorkerInput::Start => self.command(Command::Start),
            WorkerInput::Pause => self.command(Command::Pause),
            WorkerInput::Reset => self.command(Command::Reset),
            WorkerInput::Shutdown => self.stop(&sender),
            WorkerInput::Wakeup(Wakeup(kind)) => match kind {
                WakeupKind::SpawnChild => self.spawn(&sender),
                WakeupKind::ChildSaid(Ok(frame)) => self.hear(frame, &sender),
                WakeupKind::ChildSaid(Err(ending)) => self.child_ended(ending, &sender),
                WakeupKind::ChildDeadline => {
                    self.deadline = None;
                    if !self.greeted && !self.stopping {
                        self.fail("process did not answer");
                    } else if let Some(child) = &mut self.child {
                        child.kill();
                    }
                }
                WakeupKind::Tick | WakeupKind::FlushReport | WakeupKind::JobSlice => {}
            },
        }
    }
}

impl ChildProxy {
    fn spawn(&mut self, sender: &ComponentSender<Self>) {
        let frames = sender.clone();
        let spawned = RunningChild::spawn(&self.program, move |frame| {
            frames.input(WorkerInput::Wakeup(Wakeup(WakeupKind::ChildSaid(frame))));
        });
        let mut child = match spawned {
            Ok(child) => child,
            Err(error) => {
                self.done = true;
                let reason = format!("process could not start ({error})");
                report(sender, WorkerOutput::Crashed { reason });
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

    fn command(&mut self, command: Command) {
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
                let _ = child.send(&ToChild::Command(Command::Shutdown));
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
        if self.stopping && self.failure.is_none() {
            self.finish(sender, WorkerOutput::Stopped { last: self.last });
            return;
        }
        let reason = match (self.failure.take(), ending, status) {
            (Some(reason), _, _) => reason,
            (None, FrameError::Closed, Some(Ok(status))) => describe_exit(status),
            (None, FrameError::Closed, _) => "process ended".to_owned(),
            (None, garbled, _) => format!("process sent garbage ({garbled})"),
        };
        if self.stopping {
            // It was being stopped anyway: the App wanted Stopped, and nothing runs now.
            self.finish(sender, WorkerOutput::Stopped { last: self.last });
        } else {
            self.finish(sender, WorkerOutput::Crashed { reason });
        }
    }

    fn finish(&mut self, sender: &ComponentSender<Self>, output: WorkerOutput) {
        self.done = true;
        report(sender, output);
    }

    fn arm_deadline(&mut self, sender: &ComponentSender<Self>, after: Duration) {
        let sender = sender.clone();
        let source = glib::timeout_source_new(after, None, glib::Priority::DEFAULT, move || {
            sender.input(WorkerInput::Wakeup(Wakeup(WakeupKind::ChildDeadline)));
            glib::ControlFlow::Break
        });
        self.deadline = Some(AttachedSource::attach(source));
    }
}

fn duration_nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// Sends a report; if nobody listens any more (the App is gone), there is nobody to tell.
fn report(sender: &ComponentSender<ChildProxy>, output: WorkerOutput) {
    let _ = sender.output(output);
}
