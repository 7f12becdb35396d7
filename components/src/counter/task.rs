//! The counter as a worker's task: one number per step, every `delay` (or as fast as
//! it can), until an optional limit.

use std::time::Duration;

use super::Counter;
use crate::worker::{Pace, Step, Task, WorkerOutput};

pub struct CounterTask {
    counter: Counter,
    delay: Duration,
    /// Finish after this many numbers in all (`0..limit`).
    limit: Option<u64>,
}

impl CounterTask {
    /// Counts from `first_number` (to continue a count), one number per `delay`; zero
    /// counts as fast as it can.
    pub fn new(delay: Duration, first_number: u64, limit: Option<u64>) -> Self {
        Self {
            counter: Counter::starting_at(first_number),
            delay,
            limit,
        }
    }

    fn limit_reached(&self) -> bool {
        self.limit
            .is_some_and(|limit| self.counter.produced() >= limit)
    }
}

impl Task for CounterTask {
    fn pace(&self) -> Pace {
        if self.delay.is_zero() {
            Pace::Busy
        } else {
            Pace::Every(self.delay)
        }
    }

    fn step(&mut self) -> Step {
        if self.limit_reached() {
            return Step {
                news: WorkerOutput::Finished { last: self.last() },
                done: true,
            };
        }
        let number = self.counter.step();
        Step {
            news: WorkerOutput::Counted(number),
            done: self.limit_reached(),
        }
    }

    fn reset(&mut self) -> bool {
        self.counter.reset();
        true
    }

    fn last(&self) -> Option<u64> {
        self.counter.last()
    }

    fn ending(&self) -> WorkerOutput {
        WorkerOutput::Finished { last: self.last() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_until_its_limit_then_says_it_is_done() {
        let mut task = CounterTask::new(Duration::ZERO, 0, Some(3));
        let steps: Vec<Step> = (0..3).map(|_| task.step()).collect();
        assert_eq!(steps[0].news, WorkerOutput::Counted(0));
        assert!(!steps[1].done);
        assert_eq!(
            steps[2],
            Step {
                news: WorkerOutput::Counted(2),
                done: true
            }
        );
        assert_eq!(task.ending(), WorkerOutput::Finished { last: Some(2) });
    }

    #[test]
    fn a_delay_paces_it_and_zero_means_busy() {
        let second = Duration::from_secs(1);
        assert_eq!(
            CounterTask::new(second, 0, None).pace(),
            Pace::Every(second)
        );
        assert_eq!(CounterTask::new(Duration::ZERO, 0, None).pace(), Pace::Busy);
    }

    #[test]
    fn continues_a_count_and_starts_over_on_reset() {
        let mut task = CounterTask::new(Duration::ZERO, 41, None);
        assert_eq!(task.last(), Some(40));
        assert_eq!(task.step().news, WorkerOutput::Counted(41));
        assert!(task.reset());
        assert_eq!(task.last(), None);
        assert_eq!(task.step().news, WorkerOutput::Counted(0));
    }
}
