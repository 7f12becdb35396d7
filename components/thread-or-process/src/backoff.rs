//! Back-off for restarting a worker that crashed: each crash in a row doubles the wait,
//! up to a ceiling. What to restart, and from where, is the app's decision.

use std::time::Duration;

/// The waits before restarts after crashes in a row.
#[derive(Clone, Debug)]
pub struct Backoff {
    first: Duration,
    ceiling: Duration,
    crashes_in_a_row: u32,
}

/// 0.1 s after a first crash, 0.2 s, 0.4 s, ... at most 5 s.
impl Default for Backoff {
    fn default() -> Self {
        Self::new(Duration::from_millis(100), Duration::from_secs(5))
    }
}

impl Backoff {
    /// Waits `first` after a first crash, doubling with each crash in a row, at most
    /// `ceiling`.
    pub fn new(first: Duration, ceiling: Duration) -> Self {
        Self {
            first,
            ceiling,
            crashes_in_a_row: 0,
        }
    }

    /// A crash happened: how long to wait before the restart.
    pub fn crashed(&mut self) -> Duration {
        let wait = self
            .first
            .saturating_mul(2u32.saturating_pow(self.crashes_in_a_row))
            .min(self.ceiling);
        self.crashes_in_a_row = self.crashes_in_a_row.saturating_add(1);
        wait
    }

    /// The worker works again: the next crash waits `first` again.
    pub fn recovered(&mut self) {
        self.crashes_in_a_row = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_with_each_crash_in_a_row_up_to_the_ceiling() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(5));
        let waits: Vec<u128> = (0..8).map(|_| backoff.crashed().as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
        backoff.recovered();
        assert_eq!(backoff.crashed(), Duration::from_millis(100));
    }

    #[test]
    fn endless_crashes_stay_at_the_ceiling() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(5));
        for _ in 0..100 {
            backoff.crashed();
        }
        assert_eq!(backoff.crashed(), Duration::from_secs(5));
    }
}
