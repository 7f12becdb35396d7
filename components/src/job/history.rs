//! How responsive the window's main loop is: how late a steady timer fires, kept for
//! the last minute, with the job's rate beside it. Plain data; the job panel owns the timer.

use std::collections::VecDeque;
use std::time::Duration;

/// The probe timer's period.
pub const PROBE_INTERVAL: Duration = Duration::from_millis(100);
/// How much history the chart shows.
pub const WINDOW: Duration = Duration::from_secs(60);

/// One probe tick: when it fired (since the probe started), how late, and the job's rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub at: Duration,
    pub lateness: Duration,
    pub rate: f64,
}

#[derive(Clone, Debug, Default)]
pub struct History {
    samples: VecDeque<Sample>,
}

impl History {
    pub fn push(&mut self, sample: Sample) {
        self.samples.push_back(sample);
        while self
            .samples
            .front()
            .is_some_and(|first| sample.at.saturating_sub(first.at) > WINDOW)
        {
            self.samples.pop_front();
        }
    }

    pub fn samples(&self) -> impl Iterator<Item = &Sample> {
        self.samples.iter()
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    pub fn latest(&self) -> Option<&Sample> {
        self.samples.back()
    }

    pub fn clear(&mut self) {
        self.samples.clear();
    }
}

/// p50, p99 and max of a set of durations (nearest-rank).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Percentiles {
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub count: usize,
}

impl Percentiles {
    pub fn of(values: impl Iterator<Item = Duration>) -> Self {
        let mut sorted: Vec<Duration> = values.collect();
        sorted.sort_unstable();
        let rank = |fraction: f64| {
            let index = ((sorted.len() as f64 * fraction).ceil() as usize).max(1) - 1;
            sorted.get(index).copied().unwrap_or_default()
        };
        Self {
            p50: rank(0.50),
            p99: rank(0.99),
            max: sorted.last().copied().unwrap_or_default(),
            count: sorted.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(value: u64) -> Duration {
        Duration::from_millis(value)
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let stats = Percentiles::of((1..=100).map(ms));
        assert_eq!(
            (stats.p50, stats.p99, stats.max, stats.count),
            (ms(50), ms(99), ms(100), 100)
        );
        assert_eq!(Percentiles::of(std::iter::empty()), Percentiles::default());
    }

    #[test]
    fn history_keeps_only_the_last_minute() {
        let mut history = History::default();
        for second in 0..=90 {
            history.push(Sample {
                at: Duration::from_secs(second),
                lateness: ms(second),
                rate: 0.0,
            });
        }
        let first = history.samples().next().expect("samples").at;
        assert_eq!(first, Duration::from_secs(30));
        assert_eq!(
            history.latest().map(|sample| sample.at),
            Some(Duration::from_secs(90))
        );
    }
}
