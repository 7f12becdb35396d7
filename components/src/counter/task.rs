//! The counter as a kind of work: one number per step, every `delay` (or as fast as it
//! can), until an optional limit. Its news is the newest number.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use thread_or_process::{Flow, Kind, Pace, Task};

use super::Counter;

/// Count from `first_number` (to continue a count), one number per `delay` (zero: as
/// fast as it can), finishing after `limit` numbers in all if given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub delay: Duration,
    pub first_number: u64,
    pub limit: Option<u64>,
}

impl Count {
    /// Counting on from `first_number` for as long as the worker lives.
    pub fn from(delay: Duration, first_number: u64) -> Self {
        Self {
            delay,
            first_number,
            limit: None,
        }
    }
}

impl Kind for Count {
    const NAME: &'static str = "count";
    /// Counting needs no memory of its own: what the executable maps, and a margin.
    const MEMORY_LIMIT: u64 = 512 << 20;
    type News = u64;

    fn task(self) -> Box<dyn Task<News = u64>> {
        Box::new(CounterTask::new(self))
    }
}

pub struct CounterTask {
    counter: Counter,
    delay: Duration,
    /// Finish after this many numbers in all (`0..limit`).
    limit: Option<u64>,
}

impl CounterTask {
    pub fn new(count: Count) -> Self {
        Self {
            counter: Counter::starting_at(count.first_number),
            delay: count.delay,
            limit: count.limit,
        }
    }

    fn limit_reached(&self) -> bool {
        self.limit
            .is_some_and(|limit| self.counter.produced() >= limit)
    }
}

impl Task for CounterTask {
    type News = u64;

    fn pace(&self) -> Pace {
        if self.delay.is_zero() {
            Pace::Busy
        } else {
            Pace::Every(self.delay)
        }
    }

    fn step(&mut self) -> Flow {
        if self.limit_reached() {
            return Flow::Done;
        }
        self.counter.step();
        if self.limit_reached() {
            Flow::Done
        } else {
            Flow::More
        }
    }

    fn news(&self) -> Option<u64> {
        self.counter.last()
    }

    fn reset(&mut self) -> bool {
        self.counter.reset();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counting(first_number: u64, limit: Option<u64>) -> CounterTask {
        CounterTask::new(Count {
            delay: Duration::ZERO,
            first_number,
            limit,
        })
    }

    #[test]
    fn counts_until_its_limit_then_says_it_is_done() {
        let mut task = counting(0, Some(3));
        let steps: Vec<(Flow, Option<u64>)> = (0..3).map(|_| (task.step(), task.news())).collect();
        assert_eq!(
            steps,
            [
                (Flow::More, Some(0)),
                (Flow::More, Some(1)),
                (Flow::Done, Some(2))
            ]
        );
    }

    #[test]
    fn a_delay_paces_it_and_zero_means_busy() {
        let second = Duration::from_secs(1);
        assert_eq!(
            CounterTask::new(Count::from(second, 0)).pace(),
            Pace::Every(second)
        );
        assert_eq!(counting(0, None).pace(), Pace::Busy);
    }

    #[test]
    fn continues_a_count_and_starts_over_on_reset() {
        let mut task = counting(41, None);
        assert_eq!(task.news(), Some(40));
        task.step();
        assert_eq!(task.news(), Some(41));
        assert!(task.reset());
        assert_eq!(task.news(), None);
        task.step();
        assert_eq!(task.news(), Some(0));
    }
}
