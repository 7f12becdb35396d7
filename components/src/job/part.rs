//! A part of the primes job as a worker's task: the sieve, one segment per step, on a
//! thread as nice as the job was asked to be.

use std::ops::Range;
use std::time::{Duration, Instant};

use super::sieve::PrimeCount;
use crate::worker::{Pace, Step, Task, WorkerOutput};

/// How often a job that gives way lets waiting threads run: often enough that the
/// window answers within a millisecond of idle, seldom enough that the job keeps its
/// share beside busy programs (yielding every block, 0.1 ms, at niceness 10 left it 4 %
/// of its speed).
const YIELD_EVERY: Duration = Duration::from_micros(500);

pub struct PrimesPart {
    count: PrimeCount,
    niceness: u8,
    last_yield: Instant,
}

impl PrimesPart {
    pub fn new(range: Range<u64>, niceness: u8) -> Self {
        Self {
            count: PrimeCount::new(range),
            niceness,
            last_yield: Instant::now(),
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
        let more = if self.niceness > 0 {
            // A thread that gives way also steps aside every half millisecond: a thread
            // that woke meanwhile (the window's) runs then, instead of at the scheduler's
            // next tick (4 ms), as it did on 1 to 2 % of its wakeups here.
            let last_yield = &mut self.last_yield;
            self.count.step_with(|| {
                if last_yield.elapsed() >= YIELD_EVERY {
                    std::thread::yield_now();
                    *last_yield = Instant::now();
                }
            })
        } else {
            self.count.step()
        };
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
