//! Every kind of worker Offload has, and the task each runs on a worker's thread: the
//! one place where the backend's kinds meet the work's own rooms.

use std::io;

use crate::backend::{self, ChildError, Placement, WorkerKind};
use crate::counter::CounterTask;
use crate::job::PrimesPart;
use crate::settings::Backend;
use crate::worker::Task;

/// What a worker of `kind` runs.
pub fn task_for(kind: WorkerKind) -> Box<dyn Task> {
    match kind {
        WorkerKind::Counter {
            delay,
            first_number,
            limit,
        } => Box::new(CounterTask::new(delay, first_number, limit)),
        WorkerKind::PrimesPart {
            start,
            end,
            niceness,
        } => Box::new(PrimesPart::new(start..end, niceness)),
    }
}

/// Where workers of every kind run for the user's choice of backend.
pub fn placement(backend: Backend) -> Placement {
    Placement::for_backend(backend, task_for)
}

/// `offload worker`: serves the parent on stdin and stdout.
pub fn serve_child() -> Result<(), ChildError> {
    backend::serve_child(io::stdin(), io::stdout(), task_for)
}
