//! The heavy job, whole: the sieve, a part of it as a worker's task, the parts run
//! together and their combined progress, what the panel says, the history of the
//! window's responsiveness and its chart, and the panel component that shows them.

mod chart;
pub mod history;
mod panel;
mod run;
pub mod sieve;
mod state;
mod task;

pub use panel::{JobPanel, JobPanelInit, JobPanelInput, JobPanelOutput};
pub use run::{default_parts, JobRun, NICENESS_BESIDE_THE_WINDOW};
pub use state::{JobOutcome, JobState};
pub use task::{PrimesPart, Progress};

/// A heavy job: count the primes below `upto`, shared by `workers` workers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobRequest {
    pub upto: u64,
    pub workers: usize,
}
