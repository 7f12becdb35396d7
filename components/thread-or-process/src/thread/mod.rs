//! The thread backend: a Relm4 Worker component that runs one task on its own thread,
//! and the join Relm4 does not do.

mod exit_watch;
mod worker;

pub(crate) use exit_watch::{exit_pair, ExitSignal, ExitWatch};
pub(crate) use worker::{TaskWorker, TaskWorkerInit};
