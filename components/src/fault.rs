//! Injected faults, to test crash recovery on the real binary.
//!
//! A hidden `--inject-fault KIND@N` makes a worker fail once it has counted N numbers;
//! given again, it plans a fault for each next worker (the restarted ones), in order.
//! Nothing else in Offload makes a worker fail on purpose.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::settings::Backend;

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
    /// The child process writes bytes that are no frame.
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

/// Fails right here, as planned. `Garbage` is the caller's to do, since only it holds
/// the pipe; here it behaves as `Abort` would.
pub fn strike(kind: FaultKind) -> ! {
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
        FaultKind::Abort | FaultKind::Garbage => std::process::abort(),
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
