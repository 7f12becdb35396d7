//! What a kind of work must offer to be run by a worker: one step at a time, and what
//! each step found. The worker decides when steps happen; the task never sleeps.

use std::time::Duration;

use super::WorkerOutput;

/// How the worker paces a task's steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// One step per `Duration`.
    Every(Duration),
    /// As many steps as fit in a short slice, then the worker's messages, then again.
    Busy,
}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The newest state of the work; the worker coalesces these before reporting.
    pub news: WorkerOutput,
    /// The task has nothing more to do.
    pub done: bool,
}

/// One kind of background work (the counter, a part of the primes job, ...), driven by
/// a worker on a thread of its own, in this process or in a child.
pub trait Task: Send {
    fn pace(&self) -> Pace;

    /// Called once, on the worker's own thread, before the first step.
    fn begin(&mut self) {}

    fn step(&mut self) -> Step;

    /// Starts over, if this task can (the answer to Reset is `Cleared` then).
    fn reset(&mut self) -> bool {
        false
    }

    /// The last number produced, which `Paused` and `Stopped` carry (None for a job).
    fn last(&self) -> Option<u64> {
        None
    }

    /// The report that says the task is over (after a step said `done`).
    fn ending(&self) -> WorkerOutput;
}
