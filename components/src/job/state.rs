//! What the job display says: the combined progress of the job's parts, its rate and
//! the time it has left, as plain data (no GTK, no clock of its own).

use std::time::Duration;

use thread_or_process::CrashReason;

use super::Progress;
use crate::i18n::{fill, gettext, ngettext, numbers};

/// How a job ended.
#[derive(Clone, Debug, PartialEq)]
pub enum JobOutcome {
    Done { primes: u64, elapsed: Duration },
    Cancelled,
    Failed(CrashReason),
}

#[derive(Clone, Debug, PartialEq)]
pub struct JobState {
    upto: u64,
    parts: Vec<Progress>,
    elapsed: Duration,
    /// `None` while the job runs.
    outcome: Option<JobOutcome>,
}

impl JobState {
    /// A job counting primes below `upto`, cut into parts of `totals` numbers each.
    pub fn new(upto: u64, totals: impl IntoIterator<Item = u64>) -> Self {
        Self {
            upto,
            parts: totals
                .into_iter()
                .map(|total| Progress {
                    total,
                    ..Progress::default()
                })
                .collect(),
            elapsed: Duration::ZERO,
            outcome: None,
        }
    }

    /// A part reported; reports never move a part backwards.
    pub fn update(&mut self, part: usize, progress: Progress, elapsed: Duration) {
        if let Some(slot) = self.parts.get_mut(part) {
            if progress.done >= slot.done {
                *slot = progress;
            }
        }
        self.elapsed = elapsed;
        if self.is_running() && self.all_done() {
            self.outcome = Some(JobOutcome::Done {
                primes: self.primes(),
                elapsed,
            });
        }
    }

    pub fn cancel(&mut self) {
        self.outcome.get_or_insert(JobOutcome::Cancelled);
    }

    pub fn fail(&mut self, reason: CrashReason) {
        self.outcome.get_or_insert(JobOutcome::Failed(reason));
    }

    /// How the job ended; `None` while it runs.
    pub fn outcome(&self) -> Option<&JobOutcome> {
        self.outcome.as_ref()
    }

    pub fn is_running(&self) -> bool {
        self.outcome.is_none()
    }

    fn all_done(&self) -> bool {
        self.parts.iter().all(|part| part.done >= part.total)
    }

    fn done(&self) -> u64 {
        self.parts.iter().map(|part| part.done).sum()
    }

    fn total(&self) -> u64 {
        self.parts.iter().map(|part| part.total).sum()
    }

    pub fn primes(&self) -> u64 {
        self.parts.iter().map(|part| part.found).sum()
    }

    /// From 0.0 to 1.0.
    pub fn fraction(&self) -> f64 {
        match self.total() {
            0 => 1.0,
            total => self.done() as f64 / total as f64,
        }
    }

    /// Numbers sieved per second so far.
    pub fn rate(&self) -> Option<f64> {
        let seconds = self.elapsed.as_secs_f64();
        (seconds > 0.0 && self.done() > 0).then(|| self.done() as f64 / seconds)
    }

    pub fn remaining(&self) -> Option<Duration> {
        let rate = self.rate()?;
        let left = (self.total() - self.done()) as f64 / rate;
        Some(Duration::from_secs_f64(left.min(1e9)))
    }

    /// "42%" in the bar.
    pub fn percent_text(&self) -> String {
        let percent = numbers().decimal(self.fraction() * 100.0, 0);
        fill(&gettext("{percent}%"), &[("percent", &percent)])
    }

    /// The line under the bar.
    pub fn detail(&self) -> String {
        let numbers = numbers();
        match &self.outcome {
            None => match (self.rate(), self.remaining()) {
                (Some(rate), Some(left)) => {
                    let primes = self.primes();
                    let template = ngettext(
                        "{rate} numbers/s · {time_left} left · {count} prime so far",
                        "{rate} numbers/s · {time_left} left · {count} primes so far",
                        plural_count(primes),
                    );
                    fill(
                        &template,
                        &[
                            ("rate", &si(rate)),
                            ("time_left", &clock(left)),
                            ("count", &numbers.whole(primes)),
                        ],
                    )
                }
                _ => gettext("Starting…"),
            },
            Some(JobOutcome::Done { primes, elapsed }) => {
                let template = ngettext(
                    "{count} prime below {upto} ({seconds} s)",
                    "{count} primes below {upto} ({seconds} s)",
                    plural_count(*primes),
                );
                fill(
                    &template,
                    &[
                        ("count", &numbers.whole(*primes)),
                        ("upto", &numbers.whole(self.upto)),
                        ("seconds", &numbers.decimal(elapsed.as_secs_f64(), 2)),
                    ],
                )
            }
            Some(JobOutcome::Cancelled) => gettext("Cancelled"),
            // Translators: {reason} is why a worker stopped ("Worker panicked").
            Some(JobOutcome::Failed(reason)) => fill(
                &gettext("Failed: {reason}"),
                &[("reason", &crate::crash::describe(reason))],
            ),
        }
    }
}

/// What `ngettext` chooses a plural form by (it takes a 32-bit count; the last digits
/// decide the form in every language).
fn plural_count(count: u64) -> u32 {
    u32::try_from(count).unwrap_or(1_000_000 + (count % 1_000_000) as u32)
}

/// 1.3e9 -> "1.3 G".
fn si(value: f64) -> String {
    let numbers = numbers();
    match value {
        v if v >= 1e9 => format!("{} G", numbers.decimal(v / 1e9, 1)),
        v if v >= 1e6 => format!("{} M", numbers.decimal(v / 1e6, 1)),
        v if v >= 1e3 => format!("{} k", numbers.decimal(v / 1e3, 1)),
        v => numbers.decimal(v, 0),
    }
}

fn clock(duration: Duration) -> String {
    let seconds = duration.as_secs();
    match seconds {
        s if s >= 3600 => format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60),
        s if s >= 60 => format!("{}:{:02}", s / 60, s % 60),
        s => fill(&gettext("{seconds} s"), &[("seconds", &s)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(done: u64, total: u64, found: u64) -> Progress {
        Progress { done, total, found }
    }

    #[test]
    fn parts_combine_into_one_fraction_rate_and_eta() {
        let mut job = JobState::new(400, [200, 200]);
        job.update(0, progress(100, 200, 10), Duration::from_secs(1));
        job.update(1, progress(100, 200, 5), Duration::from_secs(1));
        assert_eq!(job.fraction(), 0.5);
        assert_eq!(job.rate(), Some(200.0));
        assert_eq!(job.remaining(), Some(Duration::from_secs(1)));
        assert_eq!(job.primes(), 15);
        assert_eq!(job.percent_text(), "50%");
        assert!(job.detail().contains("1 s left"), "{}", job.detail());
    }

    #[test]
    fn a_late_report_never_moves_progress_back() {
        let mut job = JobState::new(100, [100]);
        job.update(0, progress(60, 100, 3), Duration::from_secs(1));
        job.update(0, progress(40, 100, 2), Duration::from_secs(1));
        assert_eq!(job.fraction(), 0.6);
    }

    #[test]
    fn the_job_is_done_when_every_part_is() {
        let mut job = JobState::new(1_000_000, [500_000, 500_000]);
        job.update(
            0,
            progress(500_000, 500_000, 41_538),
            Duration::from_millis(300),
        );
        assert!(job.is_running());
        job.update(
            1,
            progress(500_000, 500_000, 36_960),
            Duration::from_millis(500),
        );
        assert_eq!(
            job.outcome(),
            Some(&JobOutcome::Done {
                primes: 78_498,
                elapsed: Duration::from_millis(500)
            })
        );
        assert_eq!(job.detail(), "78 498 primes below 1 000 000 (0.50 s)");
        assert_eq!(job.fraction(), 1.0);
    }

    #[test]
    fn cancel_and_failure_are_final() {
        let mut job = JobState::new(10, [10]);
        job.cancel();
        job.fail(CrashReason::KilledBySignal(9));
        assert_eq!(job.outcome(), Some(&JobOutcome::Cancelled));
    }

    #[test]
    fn one_prime_is_singular() {
        let mut job = JobState::new(3, [3]);
        job.update(0, progress(3, 3, 1), Duration::from_millis(10));
        assert_eq!(job.detail(), "1 prime below 3 (0.01 s)");
    }
}
