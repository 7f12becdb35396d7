//! Every kind of work Offload's workers do, registered in one place: the launcher that
//! starts them on either backend, and serves them when Offload runs as a worker child.

use thread_or_process::{ChildCommand, Launcher};

use crate::counter::fault::FaultyCount;
use crate::counter::Count;
use crate::job::PrimesPart;

/// Offload's version of its kinds: bump it whenever a kind's parameters or news change
/// shape, so that a parent refuses a child built with other kinds.
pub const KINDS_VERSION: u32 = 1;

/// Starts Offload's workers; a child is `offload worker`, named `offload-worker`.
pub fn launcher() -> Launcher {
    Launcher::new(ChildCommand::new("offload", KINDS_VERSION))
        .kind::<Count>()
        .kind::<PrimesPart>()
        .kind::<FaultyCount>()
}
