//! Which worker, where: any kind of worker, on a Worker component's own thread, or in a
//! child process of our own executable driven by a proxy Worker component.
//!
//! It knows the kinds of work only as data (`WorkerKind`); what a kind runs is the
//! `MakeTask` it is given, so that the work's own rooms can launch workers through it.

mod child;
pub mod frame;
mod kind;
mod proxy;
mod run;
mod spawn;

use std::time::Duration;

pub use child::{serve as serve_child, ChildError};
pub use kind::{MakeTask, WorkerKind};
pub use run::{CommandSender, Placement, WorkerInit, WorkerRun};

/// How long the owner of a worker that answered `Stopped` (or crashed) waits for its
/// thread to end: it only has its state left to drop, and the window must not feel it.
pub const JOIN_TIMEOUT: Duration = Duration::from_millis(100);
