//! The real binary on a private display, read and clicked through AT-SPI by
//! `tests/e2e/drive_window.py`; then the process table is checked for leftovers.

#[path = "support/atspi.rs"]
mod atspi;
#[path = "support/display.rs"]
mod support;

use std::path::Path;

use atspi::SYSTEM_PYTHON;

#[test]
fn real_window_counts_pauses_resets_and_closes_leaving_nothing_behind() {
    support::require_display_tools();
    atspi::require_pyatspi();

    let binary = env!("CARGO_BIN_EXE_offload");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/drive_window.py");
    let (mut command, _display) =
        support::on_private_display(SYSTEM_PYTHON, &[script.as_os_str(), binary.as_ref()]);
    let output = command.output().expect("dbus-run-session starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "end-to-end run failed:\n{stdout}\n{stderr}"
    );
    println!("close-to-exit figures (ms): {}", stdout.trim());

    let leftovers = processes_running(Path::new(binary));
    assert!(
        leftovers.is_empty(),
        "offload processes left running: {leftovers:?}"
    );
}

/// PIDs of live processes whose executable is `binary`.
fn processes_running(binary: &Path) -> Vec<u32> {
    let entries = std::fs::read_dir("/proc").expect("/proc is readable");
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary))
        .collect()
}
