//! The kinds of worker, as data: what a worker is to do, sent as is to a child process.
//! A new kind is one variant here (a frame change: bump `frame::PROTOCOL_VERSION`) and
//! one arm in the `MakeTask` of the top-level `kinds` room.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::worker::Task;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkerKind {
    /// The seed's counter: from `first_number`, one number per `delay` (zero: as fast as
    /// it can), finishing after `limit` numbers in all if given.
    Counter {
        delay: Duration,
        first_number: u64,
        limit: Option<u64>,
    },
    /// One part of the primes job: count the primes in `start..end`, on a thread that
    /// gives way to other programs as much as `niceness` says (Linux nice, 0 to 19).
    PrimesPart { start: u64, end: u64, niceness: u8 },
}

impl WorkerKind {
    /// Where a kind that counts numbers starts counting (None for the others): injected
    /// faults strike after a number of its own numbers.
    pub fn first_number(&self) -> Option<u64> {
        match self {
            Self::Counter { first_number, .. } => Some(*first_number),
            Self::PrimesPart { .. } => None,
        }
    }
}

/// What a kind of worker runs, on the worker's thread.
pub type MakeTask = fn(WorkerKind) -> Box<dyn Task>;
