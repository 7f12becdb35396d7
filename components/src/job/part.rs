//! A part of the primes job as a worker's task: the sieve, one segment per step, at a
//! priority below the window's.

use std::ops::Range;

use super::sieve::PrimeCount;
use crate::worker::{Pace, Step, Task, WorkerOutput};

/// Where SCHED_IDLE is refused, how much nicer than the window a job's thread is.
const JOB_NICENESS: libc::c_int = 10;

pub struct PrimesPart(PrimeCount);

impl PrimesPart {
    pub fn new(range: Range<u64>) -> Self {
        Self(PrimeCount::new(range))
    }
}

impl Task for PrimesPart {
    fn pace(&self) -> Pace {
        Pace::Busy
    }

    fn begin(&mut self) {
        lower_this_threads_priority();
    }

    fn step(&mut self) -> Step {
        let more = self.0.step();
        Step {
            news: WorkerOutput::JobProgress(self.0.progress()),
            done: !more,
        }
    }

    fn ending(&self) -> WorkerOutput {
        WorkerOutput::JobDone(self.0.progress())
    }
}

/// Puts the calling thread in the SCHED_IDLE class: it runs only when no normal thread
/// (the window above all) wants the CPU. Falls back to niceness 10 (per thread on Linux).
fn lower_this_threads_priority() {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: pid 0 names the calling thread; `param` is a valid, initialised struct that
    // outlives the call; gettid() cannot fail; setpriority() only reads its integers.
    // Lowering one's own priority needs no privilege; a failure keeps the priority.
    unsafe {
        if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) != 0 {
            let thread = libc::gettid() as libc::id_t;
            libc::setpriority(libc::PRIO_PROCESS, thread, JOB_NICENESS);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_until_the_part_is_sieved_and_ends_with_its_count() {
        let mut part = PrimesPart::new(0..1_000_000);
        while !part.step().done {}
        let WorkerOutput::JobDone(progress) = part.ending() else {
            panic!("a part ends with JobDone");
        };
        assert_eq!((progress.done, progress.found), (1_000_000, 78_498));
    }
}
