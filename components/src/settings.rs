//! The knobs a run is started with: backend, delays and the job's limits, validated once
//! at the edge.
//!
//! Everything here is plain data; the command line and the stored choices build it, the
//! components only read it.

use std::fmt;
use std::time::Duration;

/// Where the worker's work runs (`Backend::ALL` is the order the window offers them).
pub use thread_or_process::Backend;

/// The backend's name on the command line and in the stored settings.
pub trait BackendName {
    /// "thread" or "process".
    fn noun(self) -> &'static str;
}

impl BackendName for Backend {
    fn noun(self) -> &'static str {
        match self {
            Backend::Thread => "thread",
            Backend::Process => "process",
        }
    }
}

/// Longest delay accepted anywhere: an hour. Longer is a typo, not a wish.
pub const MAX_DELAY_SECONDS: f64 = 3600.0;
/// The GUI cannot usefully refresh faster than this (100 times a second).
pub const MIN_GUI_DELAY_SECONDS: f64 = 0.01;

/// The largest job accepted anywhere: the primes below 10^12 (hours of work, bounded
/// memory).
pub const MAX_UPTO: u64 = 1_000_000_000_000;

/// The niceness a job's threads can be given (Linux: 0, the default, to 19, the least).
pub const MAX_NICENESS: u8 = 19;

/// The job size offered when none was ever chosen: a few seconds of work on a laptop.
pub const DEFAULT_UPTO: u64 = 2_000_000_000;

/// The most workers a job may be shared among, anywhere.
pub const MAX_WORKERS: usize = 256;

/// Why a delay was refused; the message is shown to the user as it is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DelayError {
    #[error("'{0}' is not a number of seconds")]
    NotANumber(String),
    #[error("{0} is not a finite number of seconds")]
    NotFinite(String),
    #[error("{value} s is out of range: use {min} to {max} seconds")]
    OutOfRange { value: String, min: f64, max: f64 },
}

/// A validated delay between two events, in seconds as the user typed it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Delay(Duration);

impl Delay {
    /// Parses seconds ("1", "0.25") and checks them against `min..=MAX_DELAY_SECONDS`.
    pub fn parse_seconds(text: &str, min: f64) -> Result<Self, DelayError> {
        let trimmed = text.trim();
        let seconds: f64 = trimmed
            .parse()
            .map_err(|_| DelayError::NotANumber(text.to_owned()))?;
        Self::checked(seconds, trimmed, min)
    }

    /// Checks `seconds` (read from stored settings) against `min..=MAX_DELAY_SECONDS`.
    pub fn from_seconds(seconds: f64, min: f64) -> Result<Self, DelayError> {
        Self::checked(seconds, &seconds.to_string(), min)
    }

    /// `shown` is how the value appears in an error: as the user typed it, if typed.
    fn checked(seconds: f64, shown: &str, min: f64) -> Result<Self, DelayError> {
        if !seconds.is_finite() {
            return Err(DelayError::NotFinite(shown.to_owned()));
        }
        if !(min..=MAX_DELAY_SECONDS).contains(&seconds) {
            return Err(DelayError::OutOfRange {
                value: shown.to_owned(),
                min,
                max: MAX_DELAY_SECONDS,
            });
        }
        Ok(Self(Duration::from_secs_f64(seconds)))
    }

    /// A delay for the worker: 0 means as fast as it can.
    pub fn worker(text: &str) -> Result<Self, DelayError> {
        Self::parse_seconds(text, 0.0)
    }

    /// A delay between two GUI refreshes.
    pub fn gui(text: &str) -> Result<Self, DelayError> {
        Self::parse_seconds(text, MIN_GUI_DELAY_SECONDS)
    }

    pub fn duration(self) -> Duration {
        self.0
    }
}

impl fmt::Display for Delay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} s", self.0.as_secs_f64())
    }
}

/// Every choice the window runs with, resolved: the command line's for this run, else
/// what was stored, else the seed's defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunSettings {
    pub backend: Backend,
    /// Time between two numbers; the seed's WORKER_DELAY.
    pub worker_delay: Delay,
    /// Time between two label refreshes; the seed's GUI_DELAY.
    pub gui_delay: Delay,
    /// The next job counts the primes below this.
    pub job_upto: u64,
    /// Workers sharing the next job; 0 means one per core.
    pub job_workers: u32,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            backend: Backend::Thread,
            worker_delay: Delay(Duration::from_secs(1)),
            gui_delay: Delay(Duration::from_millis(500)),
            job_upto: DEFAULT_UPTO,
            job_workers: 0,
        }
    }
}

impl RunSettings {
    /// These settings with `choice` made.
    pub fn with(self, choice: Choice) -> Self {
        match choice {
            Choice::Backend(backend) => Self { backend, ..self },
            Choice::WorkerDelay(worker_delay) => Self {
                worker_delay,
                ..self
            },
            Choice::GuiDelay(gui_delay) => Self { gui_delay, ..self },
            Choice::JobUpto(job_upto) => Self { job_upto, ..self },
            Choice::JobWorkers(job_workers) => Self {
                job_workers,
                ..self
            },
        }
    }
}

/// One choice the user makes, in the window, in Preferences or on the command line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Choice {
    Backend(Backend),
    WorkerDelay(Delay),
    GuiDelay(Delay),
    JobUpto(u64),
    /// 0 means one per core.
    JobWorkers(u32),
}

/// What the command line said for this run only; `None` where it said nothing. Never
/// stored; a choice the user then makes in the window ends the override.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Overrides {
    pub backend: Option<Backend>,
    pub worker_delay: Option<Delay>,
    pub gui_delay: Option<Delay>,
    pub job_upto: Option<u64>,
    pub job_workers: Option<u32>,
}

impl Overrides {
    /// Every choice overridden as `settings` says (a window that stores nothing: tests,
    /// the bench).
    pub fn all(settings: RunSettings) -> Self {
        Self {
            backend: Some(settings.backend),
            worker_delay: Some(settings.worker_delay),
            gui_delay: Some(settings.gui_delay),
            job_upto: Some(settings.job_upto),
            job_workers: Some(settings.job_workers),
        }
    }

    /// The override of the choice that `choice` makes ends.
    pub fn end(&mut self, choice: Choice) {
        match choice {
            Choice::Backend(_) => self.backend = None,
            Choice::WorkerDelay(_) => self.worker_delay = None,
            Choice::GuiDelay(_) => self.gui_delay = None,
            Choice::JobUpto(_) => self.job_upto = None,
            Choice::JobWorkers(_) => self.job_workers = None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_delays_are_the_defaults() {
        let settings = RunSettings::default();
        assert_eq!(settings.worker_delay.duration(), Duration::from_secs(1));
        assert_eq!(settings.gui_delay.duration(), Duration::from_millis(500));
    }

    #[test]
    fn worker_delay_accepts_zero_and_fractions() {
        assert_eq!(Delay::worker("0").unwrap().duration(), Duration::ZERO);
        assert_eq!(
            Delay::worker(" 0.25 ").unwrap().duration(),
            Duration::from_millis(250)
        );
    }

    #[test]
    fn hostile_delays_are_refused_with_a_reason() {
        for text in ["", "abc", "1s", "0x10", "--1"] {
            assert!(
                matches!(Delay::worker(text), Err(DelayError::NotANumber(_))),
                "{text}"
            );
        }
        for text in ["NaN", "inf", "-inf", "1e400"] {
            assert!(
                matches!(Delay::worker(text), Err(DelayError::NotFinite(_))),
                "{text}"
            );
        }
        for text in ["-1", "-0.001", "3600.5", "1e12"] {
            assert!(
                matches!(Delay::worker(text), Err(DelayError::OutOfRange { .. })),
                "{text}"
            );
        }
    }

    #[test]
    fn gui_delay_must_leave_the_main_loop_time_to_breathe() {
        assert!(Delay::gui("0").is_err());
        assert!(Delay::gui("0.001").is_err());
        assert!(Delay::gui("0.01").is_ok());
    }

    #[test]
    fn out_of_range_message_names_the_limits() {
        let message = Delay::worker("-2").unwrap_err().to_string();
        assert_eq!(message, "-2 s is out of range: use 0 to 3600 seconds");
    }
}
