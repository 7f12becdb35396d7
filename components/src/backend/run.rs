//! A launched worker, whichever backend runs it: one handle for its owner to command,
//! and to retire once the worker has stopped.

use std::collections::VecDeque;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use relm4::{Component, WorkerController};

use super::frame::ChildPlan;
use super::kind::{MakeTask, WorkerKind};
use super::proxy::{ChildProxy, ProxyInit};
use super::JOIN_TIMEOUT;
use crate::fault::{FaultPlan, Strike};
use crate::settings::Backend;
use crate::worker::{exit_pair, ExitWatch, TaskWorker, TaskWorkerInit, WorkerInput, WorkerOutput};

/// The running executable itself, even if its file was replaced meanwhile.
const OWN_EXECUTABLE: &str = "/proc/self/exe";

/// Where workers run, and what each kind of worker runs there.
#[derive(Clone, Debug)]
pub struct Placement {
    backend: Backend,
    /// What the process backend starts as a child.
    program: PathBuf,
    make_task: MakeTask,
    /// Faults to inject on purpose (tests of crash recovery only): each counting worker
    /// launched takes the next one, on whichever backend; shared by every copy.
    faults: Arc<Mutex<VecDeque<FaultPlan>>>,
}

impl Placement {
    /// Where the user's choice of backend puts workers: on a Worker component's own
    /// thread, or in a child process of our own executable started by a proxy Worker
    /// component's thread, which then relays commands and reports.
    pub fn for_backend(backend: Backend, make_task: MakeTask) -> Self {
        Self {
            backend,
            program: PathBuf::from(OWN_EXECUTABLE),
            make_task,
            faults: Arc::default(),
        }
    }

    /// The same placement on another backend (same children, same planned faults).
    pub fn on(&self, backend: Backend) -> Self {
        Self {
            backend,
            ..self.clone()
        }
    }

    /// Counting workers launched from here (or from a copy) fail as `plans` say, one
    /// plan per worker, in order.
    pub fn with_faults(self, plans: impl IntoIterator<Item = FaultPlan>) -> Self {
        Self {
            faults: Arc::new(Mutex::new(plans.into_iter().collect())),
            ..self
        }
    }

    /// The fault planned for the next worker of `kind`, made concrete for its count.
    fn next_fault(&self, kind: &WorkerKind) -> Option<Strike> {
        let first_number = kind.first_number()?;
        let plan = self
            .faults
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop_front()?;
        Some(plan.for_count_from(first_number))
    }

    /// The process backend's children are started from `program` instead (tests, whose
    /// own executable is no Offload).
    pub fn children_from(self, program: PathBuf) -> Self {
        Self { program, ..self }
    }
}

/// How a worker starts.
pub struct WorkerInit {
    pub kind: WorkerKind,
    /// Shortest time between two reports of news.
    pub report_interval: Duration,
    /// Start working at once.
    pub running: bool,
    /// Where to print the seed's "Other thread: N" line for every number (thread
    /// backend only: a child's stdout carries frames).
    pub echo: Option<Box<dyn Write + Send>>,
}

impl WorkerInit {
    /// A worker that does `kind` at once, reporting at most every `report_interval`.
    pub fn running(kind: WorkerKind, report_interval: Duration) -> Self {
        Self {
            kind,
            report_interval,
            running: true,
            echo: None,
        }
    }
}

enum Controller {
    Thread(WorkerController<TaskWorker>),
    Process(WorkerController<ChildProxy>),
}

pub struct WorkerRun {
    /// Declared (so dropped) before `exit`: the worker's thread ends only once its
    /// controller is gone (see `ExitWatch`).
    controller: Controller,
    exit: ExitWatch,
}

impl WorkerRun {
    /// Starts a worker on its own thread, its outputs turned into `X` for `receiver`.
    pub fn launch<X: 'static>(
        placement: &Placement,
        init: WorkerInit,
        receiver: &relm4::Sender<X>,
        transform: impl Fn(WorkerOutput) -> X + 'static,
    ) -> Self {
        let fault = placement.next_fault(&init.kind);
        Self::launch_with_fault(placement, init, fault, receiver, transform)
    }

    /// `launch`, failing as `fault` says (the child passes on its parent's plan).
    pub(super) fn launch_with_fault<X: 'static>(
        placement: &Placement,
        init: WorkerInit,
        fault: Option<Strike>,
        receiver: &relm4::Sender<X>,
        transform: impl Fn(WorkerOutput) -> X + 'static,
    ) -> Self {
        let (exit, watch) = exit_pair();
        let controller = match placement.backend {
            Backend::Thread => Controller::Thread(
                TaskWorker::builder()
                    .detach_worker(TaskWorkerInit {
                        task: (placement.make_task)(init.kind),
                        report_interval: init.report_interval,
                        running: init.running,
                        echo: init.echo,
                        fault,
                        exit,
                    })
                    .forward(receiver, transform),
            ),
            Backend::Process => Controller::Process(
                ChildProxy::builder()
                    .detach_worker(ProxyInit {
                        program: placement.program.clone(),
                        plan: ChildPlan {
                            kind: init.kind,
                            report_interval: init.report_interval,
                            running: init.running,
                            fault,
                        },
                        exit,
                    })
                    .forward(receiver, transform),
            ),
        };
        Self {
            controller,
            exit: watch,
        }
    }

    pub fn emit(&self, input: WorkerInput) {
        self.sender().emit(input);
    }

    /// A sender for commands, for callbacks that outlive a borrow of this run.
    pub fn sender(&self) -> CommandSender {
        match &self.controller {
            Controller::Thread(controller) => CommandSender::Thread(controller.sender().clone()),
            Controller::Process(controller) => CommandSender::Process(controller.sender().clone()),
        }
    }

    /// Lets the stopped (or crashed) worker's thread end and waits for it, at most
    /// `JOIN_TIMEOUT`. True when the thread has ended (after reaping its child, if any);
    /// a worker hung in its code cannot be stopped from outside, and is left to end with
    /// the process.
    pub fn retire(self) -> bool {
        let Self {
            controller,
            mut exit,
        } = self;
        drop(controller);
        exit.wait(JOIN_TIMEOUT)
    }
}

/// Sends commands to a worker, whichever backend runs it.
#[derive(Clone, Debug)]
pub enum CommandSender {
    Thread(relm4::Sender<crate::worker::TaskWorkerInput>),
    Process(relm4::Sender<super::proxy::ProxyInput>),
}

impl CommandSender {
    pub fn emit(&self, input: WorkerInput) {
        match self {
            Self::Thread(sender) => sender.emit(input.into()),
            Self::Process(sender) => sender.emit(input.into()),
        }
    }
}
