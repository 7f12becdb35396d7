//! Coalescing: however fast a task makes news, at most one report per interval leaves
//! the worker, and the newest news is never held back longer than that.
//!
//! Pure policy on `Instant`s; the worker owns the timer that acts on `Offer::HoldUntil`.

use std::time::{Duration, Instant};

/// What to do with news just made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Offer<T> {
    /// Report it now.
    SendNow(T),
    /// Keep it; arm a flush for this moment (no flush was armed yet).
    HoldUntil(Instant),
    /// Keep it; a flush is already armed and will carry it.
    Held,
}

#[derive(Clone, Debug)]
pub(crate) struct ReportThrottle<T> {
    interval: Duration,
    last_sent: Option<Instant>,
    pending: Option<T>,
}

impl<T> ReportThrottle<T> {
    pub(crate) fn new(interval: Duration) -> Self {
        Self {
            interval,
            last_sent: None,
            pending: None,
        }
    }

    pub(crate) fn offer(&mut self, news: T, now: Instant) -> Offer<T> {
        if self.pending.is_some() {
            self.pending = Some(news);
            return Offer::Held;
        }
        match self.last_sent {
            Some(sent) if now.duration_since(sent) < self.interval => {
                self.pending = Some(news);
                Offer::HoldUntil(sent + self.interval)
            }
            _ => {
                self.last_sent = Some(now);
                Offer::SendNow(news)
            }
        }
    }

    /// The armed flush fired: the held news, if any, is to be reported now.
    pub(crate) fn flush(&mut self, now: Instant) -> Option<T> {
        let news = self.pending.take()?;
        self.last_sent = Some(now);
        Some(news)
    }

    /// Forget held news (after a reset or a pause, it is news no more).
    pub(crate) fn discard(&mut self) {
        self.pending = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INTERVAL: Duration = Duration::from_millis(50);

    #[test]
    fn first_number_goes_out_at_once() {
        let mut throttle = ReportThrottle::<u64>::new(INTERVAL);
        assert_eq!(throttle.offer(0, Instant::now()), Offer::SendNow(0));
    }

    #[test]
    fn numbers_slower_than_the_interval_all_go_out() {
        let mut throttle = ReportThrottle::<u64>::new(INTERVAL);
        let start = Instant::now();
        for step in 0..5u32 {
            let now = start + INTERVAL * step;
            assert_eq!(
                throttle.offer(step.into(), now),
                Offer::SendNow(step.into())
            );
        }
    }

    #[test]
    fn a_burst_is_coalesced_into_one_flush_carrying_the_newest() {
        let mut throttle = ReportThrottle::<u64>::new(INTERVAL);
        let start = Instant::now();
        assert_eq!(throttle.offer(0, start), Offer::SendNow(0));
        let soon = start + Duration::from_millis(1);
        assert_eq!(throttle.offer(1, soon), Offer::HoldUntil(start + INTERVAL));
        for number in 2..1000 {
            assert_eq!(throttle.offer(number, soon), Offer::Held);
        }
        assert_eq!(throttle.flush(start + INTERVAL), Some(999));
        assert_eq!(throttle.flush(start + INTERVAL), None);
    }

    #[test]
    fn after_a_flush_the_next_number_waits_a_full_interval() {
        let mut throttle = ReportThrottle::<u64>::new(INTERVAL);
        let start = Instant::now();
        throttle.offer(0, start);
        throttle.offer(1, start);
        let flushed_at = start + INTERVAL;
        throttle.flush(flushed_at);
        assert_eq!(
            throttle.offer(2, flushed_at),
            Offer::HoldUntil(flushed_at + INTERVAL)
        );
    }

    #[test]
    fn discarded_number_is_not_flushed() {
        let mut throttle = ReportThrottle::<u64>::new(INTERVAL);
        let start = Instant::now();
        throttle.offer(0, start);
        throttle.offer(1, start);
        throttle.discard();
        assert_eq!(throttle.flush(start + INTERVAL), None);
    }
}
