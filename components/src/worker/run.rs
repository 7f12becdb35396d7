//! A launched worker, whichever backend runs it: one handle for the App to command,
//! and to wait on when the worker's thread must be gone.

use std::path::PathBuf;
use std::time::Duration;

use relm4::{Component, WorkerController};

use super::{exit_pair, CounterWorker, ExitWatch, WorkerInit, WorkerInput, WorkerOutput};
use crate::process::proxy::ChildProxy;

/// Where the counting happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// On the Worker component's own thread.
    Thread,
    /// In a child process started from `program` (our own executable) by the Worker
    /// component's thread, which then relays commands and reports.
    Process { program: PathBuf },
}

enum Controller {
    Thread(WorkerController<CounterWorker>),
    Process(WorkerController<ChildProxy>),
}

pub struct WorkerRun {
    controller: Controller,
    exit: ExitWatch,
}

impl WorkerRun {
    /// Starts a worker on its own thread, its outputs turned into `X` for `receiver`.
    pub fn launch<X: 'static>(
        placement: Placement,
        init: WorkerInit,
        receiver: &relm4::Sender<X>,
        transform: impl Fn(WorkerOutput) -> X + 'static,
    ) -> Self {
        let (signal, exit) = exit_pair();
        let controller = match placement {
            Placement::Thread => Controller::Thread(
                CounterWorker::builder()
                    .detach_worker((init, signal))
                    .forward(receiver, transform),
            ),
            Placement::Process { program } => Controller::Process(
                ChildProxy::builder()
                    .detach_worker((init, program, signal))
                    .forward(receiver, transform),
            ),
        };
        Self { controller, exit }
    }

    pub fn emit(&self, input: WorkerInput) {
        self.sender().emit(input);
    }

    /// A sender for inputs, for callbacks that outlive a borrow of this run.
    pub fn sender(&self) -> relm4::Sender<WorkerInput> {
        match &self.controller {
            Controller::Thread(controller) => controller.sender().clone(),
            Controller::Process(controller) => controller.sender().clone(),
        }
    }

    /// Lets the worker's thread end and waits for it, at most `timeout`.
    /// True when the thread has dropped its state (and reaped its child, if any).
    pub fn join(self, timeout: Duration) -> bool {
        let Self { controller, exit } = self;
        drop(controller);
        exit.wait(timeout)
    }
}
