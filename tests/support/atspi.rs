//! The AT-SPI drivers' interpreter: Debian's Python, whose pyatspi and gi come from
//! Debian's packages (python3-pyatspi), not from pip.
//!
//! Shared by several test binaries.

pub const SYSTEM_PYTHON: &str = "/usr/bin/python3";

/// Fails the test, naming the package, when the drivers cannot run.
pub fn require_pyatspi() {
    let has_pyatspi = std::process::Command::new(SYSTEM_PYTHON)
        .args(["-c", "import pyatspi"])
        .status()
        .is_ok_and(|status| status.success());
    assert!(
        has_pyatspi,
        "{SYSTEM_PYTHON} cannot import pyatspi: install python3-pyatspi"
    );
}
