//! The settings a run goes by: the backend, the delays and the job's size, each
//! validated once at the edge, all declared in one table (`settings_table!` below).
//!
//! Everything here is plain data; the command line, GSettings (`stored.rs`) and
//! Preferences make it, the components read it.

use std::fmt;
use std::time::Duration;

use relm4::gtk::glib::{prelude::ToVariant, Variant};

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

/// A setting's value as GSettings stores it.
pub trait StoredValue: Sized {
    fn stored(self) -> Variant;
}

impl StoredValue for Backend {
    fn stored(self) -> Variant {
        self.noun().to_variant()
    }
}

impl StoredValue for Delay {
    fn stored(self) -> Variant {
        self.0.as_secs_f64().to_variant()
    }
}

impl StoredValue for u64 {
    fn stored(self) -> Variant {
        self.to_variant()
    }
}

impl StoredValue for u32 {
    fn stored(self) -> Variant {
        self.to_variant()
    }
}

/// Declares the settings, one row each, and makes from that one table:
/// - `Choices`, some or all of them (`None` where nothing was chosen): what the command
///   line overrides, what is stored, the defaults, and what the user just chose;
/// - `RunSettings`, all of them, resolved;
/// - the GSettings keys (`Choices::KEYS`), and how each value is stored and read back.
///
/// A row is `field: Type = default, key "gsettings-key", read check;`, where `check`
/// turns the stored `Variant` into a value or says why it makes no sense. `Type`
/// implements `StoredValue`.
macro_rules! settings_table {
    ($($(#[$doc:meta])* $field:ident: $type:ty = $default:expr, key $key:literal, read $read:path;)*) => {
        /// Some or all of the settings; `None` where nothing was chosen.
        #[derive(Clone, Copy, Debug, Default, PartialEq)]
        pub struct Choices {
            $($(#[$doc])* pub $field: Option<$type>,)*
        }

        /// Every setting a run goes by, resolved.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct RunSettings {
            $($(#[$doc])* pub $field: $type,)*
        }

        impl Choices {
            /// The GSettings key of each setting, in the table's order.
            pub const KEYS: &'static [&'static str] = &[$($key),*];

            /// Every setting at its default.
            pub const DEFAULTS: Self = Self { $($field: Some($default),)* };

            /// Each setting from `self`, else from `fallback`: the command line's, else
            /// the stored one, else the default.
            pub fn or(self, fallback: Self) -> Self {
                Self { $($field: self.$field.or(fallback.$field),)* }
            }

            /// `self` without the settings that `made` chooses.
            pub fn without(self, made: Self) -> Self {
                Self { $($field: self.$field.filter(|_| made.$field.is_none()),)* }
            }

            /// The settings of `self` that differ from those of `before`.
            pub fn changed_since(self, before: Self) -> Self {
                Self { $($field: self.$field.filter(|_| self.$field != before.$field),)* }
            }

            pub fn is_empty(&self) -> bool {
                *self == Self::default()
            }

            /// Every setting: chosen here, else its default.
            pub fn resolve(self) -> RunSettings {
                let Self { $($field,)* } = self.or(Self::DEFAULTS);
                RunSettings { $($field: $field.unwrap_or($default),)* }
            }

            /// The settings `stored` holds (`None`: nothing under that key); a value that
            /// makes no sense is left out, and `refused` hears the key and why.
            pub fn read(
                stored: impl Fn(&str) -> Option<Variant>,
                mut refused: impl FnMut(&str, String),
            ) -> Self {
                Self {
                    $($field: stored($key).and_then(|value| {
                        $read(&value).map_err(|reason| refused($key, reason)).ok()
                    }),)*
                }
            }

            /// Hands each chosen setting to `store`, under its key.
            pub fn write(self, mut store: impl FnMut(&str, Variant)) {
                $(if let Some(value) = self.$field {
                    store($key, StoredValue::stored(value));
                })*
            }
        }

        impl From<RunSettings> for Choices {
            fn from(settings: RunSettings) -> Self {
                Self { $($field: Some(settings.$field),)* }
            }
        }

        impl Default for RunSettings {
            fn default() -> Self {
                Choices::DEFAULTS.resolve()
            }
        }
    };
}

settings_table! {
    /// Where the workers run.
    backend: Backend = Backend::Thread, key "backend", read read_backend;
    /// Time between two numbers (the seed's WORKER_DELAY); 0 means as fast as it can.
    worker_delay: Delay = Delay(Duration::from_secs(1)), key "worker-delay", read read_worker_delay;
    /// Time between two label refreshes (the seed's GUI_DELAY).
    gui_delay: Delay = Delay(Duration::from_millis(500)), key "gui-delay", read read_gui_delay;
    /// The next job counts the primes below this.
    job_upto: u64 = DEFAULT_UPTO, key "job-upto", read read_upto;
    /// Workers sharing the next job; 0 means one per core.
    job_workers: u32 = 0, key "job-workers", read read_workers;
}

impl RunSettings {
    /// Whether a counting worker started with `self` counts as one started with `other`:
    /// the same backend and delays (the job's settings play no part).
    pub fn counts_like(&self, other: &RunSettings) -> bool {
        (self.backend, self.worker_delay, self.gui_delay)
            == (other.backend, other.worker_delay, other.gui_delay)
    }
}

fn read_backend(stored: &Variant) -> Result<Backend, String> {
    match stored.str().ok_or("not a text")? {
        "thread" => Ok(Backend::Thread),
        "process" => Ok(Backend::Process),
        other => Err(format!("'{other}' is no backend")),
    }
}

fn read_seconds(stored: &Variant, min: f64) -> Result<Delay, String> {
    let seconds = stored.get::<f64>().ok_or("not a number of seconds")?;
    Delay::from_seconds(seconds, min).map_err(|error| error.to_string())
}

fn read_worker_delay(stored: &Variant) -> Result<Delay, String> {
    read_seconds(stored, 0.0)
}

fn read_gui_delay(stored: &Variant) -> Result<Delay, String> {
    read_seconds(stored, MIN_GUI_DELAY_SECONDS)
}

fn read_upto(stored: &Variant) -> Result<u64, String> {
    let upto = stored.get::<u64>().ok_or("not a whole number")?;
    if (2..=MAX_UPTO).contains(&upto) {
        Ok(upto)
    } else {
        Err(format!("{upto} is not between 2 and 10^12"))
    }
}

fn read_workers(stored: &Variant) -> Result<u32, String> {
    let workers = stored.get::<u32>().ok_or("not a whole number")?;
    if workers as usize <= MAX_WORKERS {
        Ok(workers)
    } else {
        Err(format!("{workers} workers is too many"))
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

    #[test]
    fn the_command_line_wins_over_stored_choices_which_win_over_defaults() {
        let stored = Choices {
            backend: Some(Backend::Process),
            worker_delay: Some(Delay::worker("2").expect("valid")),
            ..Choices::default()
        };
        let overrides = Choices {
            worker_delay: Some(Delay::worker("3").expect("valid")),
            ..Choices::default()
        };
        let settings = overrides.or(stored).resolve();
        assert_eq!(settings.backend, Backend::Process);
        assert_eq!(settings.worker_delay.duration(), Duration::from_secs(3));
        assert_eq!(settings.gui_delay, RunSettings::default().gui_delay);
    }

    #[test]
    fn a_choice_ends_its_override_and_its_echo_changes_nothing() {
        let overrides = Choices {
            backend: Some(Backend::Process),
            job_upto: Some(1_000),
            ..Choices::default()
        };
        let chosen = Choices {
            backend: Some(Backend::Thread),
            ..Choices::default()
        };
        let left = overrides.without(chosen);
        assert_eq!((left.backend, left.job_upto), (None, Some(1_000)));
        let stored = chosen.or(Choices::DEFAULTS);
        assert!(stored.changed_since(stored).is_empty());
        let elsewhere = Choices {
            job_workers: Some(3),
            ..stored
        };
        let changed = elsewhere.changed_since(stored);
        assert_eq!(
            changed,
            Choices {
                job_workers: Some(3),
                ..Choices::default()
            }
        );
    }

    /// A setting added to the table, and nowhere else, is a whole setting: chosen,
    /// overridden, resolved to its default, stored and read back under its key, and
    /// refused when what is stored makes no sense.
    mod throwaway {
        use std::cell::RefCell;
        use std::collections::HashMap;

        use relm4::gtk::glib::{prelude::ToVariant, Variant};

        use super::super::{read_backend, Backend, StoredValue};

        fn read_shade(stored: &Variant) -> Result<u32, String> {
            let shade = stored.get::<u32>().ok_or("not a whole number")?;
            if shade <= 10 {
                Ok(shade)
            } else {
                Err(format!("{shade} is no shade"))
            }
        }

        settings_table! {
            /// Where the workers run.
            backend: Backend = Backend::Thread, key "backend", read read_backend;
            /// How dark the window is, 0 to 10.
            shade: u32 = 3, key "shade", read read_shade;
        }

        type Store = RefCell<HashMap<String, Variant>>;

        fn read(store: &Store) -> (Choices, Vec<String>) {
            let mut refused = Vec::new();
            let choices = Choices::read(
                |key| store.borrow().get(key).cloned(),
                |key, reason| refused.push(format!("{key}: {reason}")),
            );
            (choices, refused)
        }

        #[test]
        fn a_setting_declared_in_the_table_alone_is_a_whole_setting() {
            assert_eq!(Choices::KEYS, ["backend", "shade"]);
            assert_eq!(RunSettings::default().shade, 3);

            let overrides = Choices {
                shade: Some(7),
                ..Choices::default()
            };
            let stored = Choices {
                backend: Some(Backend::Process),
                shade: Some(5),
            };
            let settings = overrides.or(stored).resolve();
            assert_eq!((settings.backend, settings.shade), (Backend::Process, 7));
            assert!(overrides.without(stored).is_empty());
            assert_eq!(Choices::from(settings).changed_since(stored), overrides);

            let store = Store::default();
            stored.write(|key, value| {
                store.borrow_mut().insert(key.to_owned(), value);
            });
            assert_eq!(store.borrow().get("shade"), Some(&5u32.to_variant()));
            assert_eq!(read(&store), (stored, Vec::new()));

            store
                .borrow_mut()
                .insert("shade".to_owned(), 11u32.to_variant());
            let (read_back, refused) = read(&store);
            assert_eq!(read_back.shade, None);
            assert_eq!(refused, ["shade: 11 is no shade"]);
        }
    }
}
