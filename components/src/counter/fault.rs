//! Injected faults, to test crash recovery on the real binary, through the worker
//! library's public API as any app would: a counting kind that fails on purpose.
//!
//! A hidden `--inject-fault KIND@N` makes a counting worker fail once it has counted N
//! numbers; given again, it plans a fault for each next worker (the restarted ones), in
//! order. Nothing else in Offload makes a worker fail on purpose.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thread_or_process::{Flow, Kind, Pace, Task};

use super::{Count, CounterTask};
use crate::choices::Backend;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FaultKind {
    /// The worker's code panics.
    Panic,
    /// The worker stops answering, forever.
    Hang,
    /// The child process aborts (SIGABRT).
    Abort,
    /// The child process dies of a segmentation fault (SIGSEGV).
    Segfault,
    /// The worker writes bytes that are no frame on its stdout: in a child, the frame
    /// protocol's pipe.
    Garbage,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultPlan {
    pub kind: FaultKind,
    /// Fail once this many numbers were counted.
    pub after: u64,
}

/// A plan made concrete for one worker: the number whose production makes it fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strike {
    pub kind: FaultKind,
    pub at: u64,
}

impl FaultPlan {
    /// For a worker whose count starts at `first_number` (a restarted worker goes on
    /// from its predecessor's last number, and fails after `after` numbers of its own).
    pub fn for_count_from(self, first_number: u64) -> Strike {
        Strike {
            kind: self.kind,
            at: first_number.saturating_add(self.after).saturating_sub(1),
        }
    }
}

impl FaultKind {
    const ALL: [(&'static str, FaultKind); 5] = [
        ("panic", FaultKind::Panic),
        ("hang", FaultKind::Hang),
        ("abort", FaultKind::Abort),
        ("segfault", FaultKind::Segfault),
        ("garbage", FaultKind::Garbage),
    ];

    /// Faults that kill a whole process can only be survived when that process is a child.
    pub fn survivable_on(self, backend: Backend) -> bool {
        matches!(self, FaultKind::Panic | FaultKind::Hang) || backend == Backend::Process
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = Self::ALL
            .iter()
            .find(|(_, kind)| kind == self)
            .map_or("?", |(name, _)| name);
        f.write_str(name)
    }
}

impl FromStr for FaultPlan {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (name, after) = text
            .split_once('@')
            .ok_or_else(|| "use KIND@N, e.g. panic@5".to_owned())?;
        let kind = FaultKind::ALL
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, kind)| *kind)
            .ok_or_else(|| format!("unknown fault '{name}'"))?;
        let after = after
            .parse()
            .map_err(|_| format!("'{after}' is not a count of numbers"))?;
        Ok(Self { kind, after })
    }
}

/// The counter, failing as planned once it has counted its planned number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultyCount {
    count: Count,
    strike: Strike,
}

impl FaultyCount {
    /// `count`, failing after `plan.after` numbers of its own.
    pub fn new(count: Count, plan: FaultPlan) -> Self {
        let strike = plan.for_count_from(count.first_number);
        Self { count, strike }
    }
}

impl Kind for FaultyCount {
    const NAME: &'static str = "faulty-count";
    const MEMORY_LIMIT: u64 = Count::MEMORY_LIMIT;
    type News = u64;

    fn task(self) -> Box<dyn Task<News = u64>> {
        Box::new(FaultyCounting {
            counting: CounterTask::new(self.count),
            strike: Some(self.strike),
        })
    }
}

struct FaultyCounting {
    counting: CounterTask,
    /// None once a fault that lets the worker live on (garbage) has struck.
    strike: Option<Strike>,
}

impl Task for FaultyCounting {
    type News = u64;

    fn pace(&self) -> Pace {
        self.counting.pace()
    }

    fn step(&mut self) -> Flow {
        let flow = self.counting.step();
        let reached = self.counting.news().unwrap_or(0);
        if let Some(strike) = self.strike.filter(|strike| reached >= strike.at) {
            self.strike = None;
            fail(strike.kind);
        }
        flow
    }

    fn news(&self) -> Option<u64> {
        self.counting.news()
    }

    fn reset(&mut self) -> bool {
        self.counting.reset()
    }
}

/// Fails right here, as planned; only `Garbage` returns, and the worker goes on as if
/// nothing happened: its parent must notice on its own.
fn fail(kind: FaultKind) {
    match kind {
        FaultKind::Panic => panic!("injected fault: panic"),
        FaultKind::Hang => loop {
            std::thread::park();
        },
        FaultKind::Segfault => {
            // Rust's runtime handles SIGSEGV to report stack overflows; restore the
            // default action first so that the signal ends the process as a crash would.
            // SAFETY: signal() and raise() have no memory-safety preconditions; the
            // process is meant to die here.
            unsafe {
                libc::signal(libc::SIGSEGV, libc::SIG_DFL);
                libc::raise(libc::SIGSEGV);
            }
            std::process::abort()
        }
        FaultKind::Abort => std::process::abort(),
        FaultKind::Garbage => {
            // Straight to the file descriptor: in a child, the frames' writer holds its
            // own buffer, and these bytes must land between two frames.
            // SAFETY: write() reads exactly `len` bytes of the live array.
            unsafe {
                libc::write(libc::STDOUT_FILENO, [0xffu8; 32].as_ptr().cast(), 32);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kind_at_count() {
        let plan: FaultPlan = "segfault@12".parse().expect("valid");
        assert_eq!(
            plan,
            FaultPlan {
                kind: FaultKind::Segfault,
                after: 12
            }
        );
        assert_eq!(plan.kind.to_string(), "segfault");
    }

    #[test]
    fn a_restarted_worker_fails_after_as_many_numbers_of_its_own() {
        let plan = FaultPlan {
            kind: FaultKind::Abort,
            after: 3,
        };
        assert_eq!(plan.for_count_from(0).at, 2);
        assert_eq!(plan.for_count_from(100).at, 102);
    }

    #[test]
    fn refuses_unknown_kinds_and_counts() {
        assert!("explode@1".parse::<FaultPlan>().is_err());
        assert!("panic@soon".parse::<FaultPlan>().is_err());
        assert!("panic".parse::<FaultPlan>().is_err());
    }

    #[test]
    fn only_a_child_can_die_without_taking_the_window_along() {
        assert!(FaultKind::Panic.survivable_on(Backend::Thread));
        assert!(!FaultKind::Abort.survivable_on(Backend::Thread));
        assert!(FaultKind::Abort.survivable_on(Backend::Process));
    }
}
