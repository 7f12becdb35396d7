//! A part of the primes job as a worker's task: the sieve, one segment per step, on a
//! thread as nice as the job was asked to be.

use std::ops::Range;

use super::sieve::PrimeCount;
use crate::worker::{Pace, Step, Task, WorkerOutput};

pub struct PrimesPart {
    count: PrimeCount,
    niceness: u8,
}

impl PrimesPart {
    pub fn new(range: Range<u64>, niceness: u8) -> Self {
        Self {
            count: PrimeCount::new(range),
            niceness,
        }
    }
}

impl Task for PrimesPart {
    fn pace(&self) -> Pace {
        Pace::Busy
    }

    fn begin(&mut self) {
        set_this_threads_niceness(self.niceness);
    }

    fn step(&mut self) -> Step {
        let more = self.count.step();
        Step {
            news: WorkerOutput::JobProgress(self.count.progress()),
            done: !more,
        }
    }

    fn ending(&self) -> WorkerOutput {
        WorkerOutput::JobDone(self.count.progress())
    }
}

/// Gives the calling thread (alone: Linux keeps a niceness per thread) the niceness
/// asked for. Lowering one's priority needs no privilege; raising it may, and where it
/// is refused the thread keeps the priority it had, which is all a job can ask for.
fn set_this_threads_niceness(niceness: u8) {
    // SAFETY: gettid() cannot fail; setpriority() only reads its integer arguments.
    unsafe {
        let thread = libc::gettid() as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, thread, libc::c_int::from(niceness));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_until_the_part_is_sieved_and_ends_with_its_count() {
        let mut part = PrimesPart::new(0..1_000_000, 0);
        while !part.step().done {}
        let WorkerOutput::JobDone(progress) = part.ending() else {
            panic!("a part ends with JobDone");
        };
        assert_eq!((progress.done, progress.found), (1_000_000, 78_498));
    }
}
