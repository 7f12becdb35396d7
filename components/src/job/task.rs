//! A part of the primes job as a kind of work: the sieve, one segment per step, on a
//! thread as nice as the job was asked to be. Its news is the part's progress.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use thread_or_process::{Flow, Kind, Pace, Task};

use super::sieve::PrimeCount;

/// How often a job that gives way lets waiting threads run: often enough that the
/// window answers within a millisecond of idle, seldom enough that the job keeps its
/// share beside busy programs (docs/benchmarks.md, "Tuned constants").
const YIELD_EVERY: Duration = Duration::from_micros(500);

/// How far a part of the job has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Numbers sieved so far.
    pub done: u64,
    /// Numbers in the part.
    pub total: u64,
    /// Primes found so far.
    pub found: u64,
}

/// Count the primes in `start..end`, on a thread that gives way to other programs as
/// much as `niceness` says (Linux nice, 0 to 19).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimesPart {
    pub start: u64,
    pub end: u64,
    pub niceness: u8,
}

impl Kind for PrimesPart {
    const NAME: &'static str = "primes-part";
    /// A part's segment and sieving primes take a few MiB even at `MAX_UPTO`; the rest is
    /// the executable's own mappings, with the library's default margin.
    const MEMORY_LIMIT: u64 = thread_or_process::DEFAULT_MEMORY_LIMIT;
    type News = Progress;

    fn task(self) -> Box<dyn Task<News = Progress>> {
        Box::new(Sieving {
            count: PrimeCount::new(self.start..self.end),
            niceness: self.niceness,
            last_yield: Instant::now(),
        })
    }
}

struct Sieving {
    count: PrimeCount,
    niceness: u8,
    last_yield: Instant,
}

impl Task for Sieving {
    type News = Progress;

    fn pace(&self) -> Pace {
        Pace::Busy
    }

    fn begin(&mut self) {
        set_this_threads_niceness(self.niceness);
    }

    fn step(&mut self) -> Flow {
        let more = if self.niceness > 0 {
            // A thread that gives way also steps aside every `YIELD_EVERY`: a thread that
            // woke meanwhile (the window's) runs then, not at the scheduler's next tick.
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
        if more {
            Flow::More
        } else {
            Flow::Done
        }
    }

    fn news(&self) -> Option<Progress> {
        Some(self.count.progress())
    }
}

/// Gives the calling thread (alone: Linux keeps a niceness per thread, and `who` 0 is
/// the calling thread, the only one a confined worker child may name) the niceness
/// asked for. Lowering one's priority needs no privilege; raising it may, and where it
/// is refused the thread keeps the priority it had, which is all a job can ask for.
fn set_this_threads_niceness(niceness: u8) {
    // SAFETY: setpriority() only reads its integer arguments.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, libc::c_int::from(niceness));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_until_the_part_is_sieved_and_ends_with_its_count() {
        let part = PrimesPart {
            start: 0,
            end: 1_000_000,
            niceness: 0,
        };
        let mut sieving = part.task();
        while sieving.step() == Flow::More {}
        let progress = sieving.news().expect("a part always has progress");
        assert_eq!((progress.done, progress.found), (1_000_000, 78_498));
    }
}
