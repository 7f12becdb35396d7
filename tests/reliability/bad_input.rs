//! Bad input: hostile command lines and hostile stored settings, given to the real
//! binary. A command line gets one clear line and exit status 2; a stored value that
//! makes no sense is ignored with a one-line warning, and the window runs on defaults.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::proc_table;
use crate::report::Table;

const PATIENCE: Duration = Duration::from_secs(20);

fn not_utf8() -> OsString {
    OsString::from_vec(vec![0xff, 0xfe, b'1'])
}

fn hostile_command_lines() -> Vec<Vec<OsString>> {
    let plain: &[&[&str]] = &[
        // Numbers out of range, not numbers, or not finite.
        &["--worker-delay", "-1"],
        &["--worker-delay", "NaN"],
        &["--worker-delay", "nan"],
        &["--worker-delay", "inf"],
        &["--worker-delay", "-inf"],
        &["--worker-delay", "1e999"],
        &["--worker-delay", "3600.001"],
        &["--worker-delay", "99999999999999999999999"],
        &["--worker-delay", "0x10"],
        &["--worker-delay", "1 s"],
        &["--worker-delay=fast"],
        &["--worker-delay", ""],
        &["--worker-delay"],
        &["--worker-delay", "1", "--worker-delay", "2"],
        &["--gui-delay", "0"],
        &["--gui-delay", "0.001"],
        &["--gui-delay", "-0.5"],
        &["--gui-delay", "NaN"],
        // Wrong words.
        &["--backend", "gpu"],
        &["--backend", ""],
        &["--backend", "THREAD"],
        &["--backend", "1"],
        // Jobs: missing halves, sizes and worker counts out of range.
        &["--job", "primes"],
        &["--upto", "1000"],
        &["--job", "sudoku", "--upto", "100"],
        &["--job", "primes", "--upto", "1"],
        &["--job", "primes", "--upto", "1e13"],
        &["--job", "primes", "--upto", "-5"],
        &["--job", "primes", "--upto", "1.5"],
        &["--job", "primes", "--upto", "NaN"],
        &["--job", "primes", "--upto", "18446744073709551616"],
        &["--job", "primes", "--upto", "100", "--workers", "0"],
        &["--job", "primes", "--upto", "100", "--workers", "257"],
        &["--job", "primes", "--upto", "100", "--workers", "-1"],
        &["--job", "primes", "--upto", "100", "--workers", "two"],
        &["--quit-when-done"],
        // Unknown options and subcommands, misplaced options.
        &["--no-such-option"],
        &["-x"],
        &["frobnicate"],
        &["bench", "extra"],
        &["bench", "--quick", "--frobnicate"],
        &["worker", "extra"],
        &["headless", "--count", "0"],
        &["headless", "--count", "-5"],
        &["headless", "--count", "99999999999999999999999"],
        &["headless", "--count", "many"],
        &["headless", "--gui-delay", "1"],
        &["headless", "--worker-delay", "-0.5"],
        &["headless", "--backend", "process"],
        &["headless", "--job", "primes", "--upto", "1e20"],
        // Test-only faults, wrongly asked for.
        &["--inject-fault", "explode@1"],
        &["--inject-fault", "panic@soon"],
        &["--inject-fault", "abort@3"],
        &["--close-after", "-1"],
    ];
    let mut lines: Vec<Vec<OsString>> = plain
        .iter()
        .map(|line| line.iter().map(OsString::from).collect())
        .collect();
    // Arguments that are not UTF-8, and one far too long.
    lines.push(vec!["--worker-delay".into(), not_utf8()]);
    lines.push(vec![not_utf8()]);
    lines.push(vec![OsString::from_vec(b"--\xff".to_vec())]);
    lines.push(vec!["headless".into(), "--count".into(), not_utf8()]);
    lines.push(vec!["--backend".into(), "x".repeat(100_000).into()]);
    lines
}

/// Runs the binary to its end, failing if it is still running after `PATIENCE` (a
/// hostile line taken for a good one would open a window and wait).
fn run_to_end(command: &mut Command) -> Output {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("offload starts");
    let pid = child.id();
    let (sender, receiver) = mpsc::channel();
    // Reading both pipes while waiting, so that a long message cannot block the child.
    std::thread::spawn(move || sender.send(child.wait_with_output()));
    match receiver.recv_timeout(PATIENCE) {
        Ok(output) => output.expect("offload's output"),
        Err(_) => {
            proc_table::kill(pid);
            panic!("{} was still running after {PATIENCE:?}", glance(command));
        }
    }
}

/// The start of a command, enough to recognise it.
fn glance(command: &Command) -> String {
    format!(
        "{:.80}",
        format!("{:?}", command.get_args().collect::<Vec<_>>())
    )
}

pub fn table() -> Table {
    Table::new(
        "Bad input",
        &[
            "input",
            "cases",
            "clear one-line error or warning",
            "panics",
        ],
    )
}

pub fn command_lines(table: &mut Table) {
    let lines = hostile_command_lines();
    for args in &lines {
        let mut command = crate::offload();
        command.args(args);
        let output = run_to_end(&mut command);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let shown = glance(&command);
        assert_eq!(output.status.code(), Some(2), "{shown}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{shown}: {stderr}");
        assert!(stderr.starts_with("offload: "), "{shown}: {stderr}");
        assert!(!stderr.contains("panicked"), "{shown}: {stderr}");
        assert!(output.stdout.is_empty(), "{shown}: printed on stdout");
    }
    table.row(&[&"command lines", &lines.len(), &lines.len(), &0]);
}

/// A line of the settings file, and the stored key the window must warn about.
const HOSTILE_VALUES: &[(&str, &str)] = &[
    ("backend='gpu'", "backend"),
    ("backend=''", "backend"),
    ("backend='thread", "backend"),
    ("worker-delay=-1.0", "worker-delay"),
    ("worker-delay=1e308", "worker-delay"),
    ("worker-delay=3600.5", "worker-delay"),
    ("worker-delay=nan", "worker-delay"),
    ("worker-delay='slow'", "worker-delay"),
    ("gui-delay=0.0", "gui-delay"),
    ("gui-delay=-0.25", "gui-delay"),
    ("job-upto=uint64 0", "job-upto"),
    ("job-upto=uint64 18446744073709551615", "job-upto"),
    ("job-upto='many'", "job-upto"),
    ("job-workers=uint32 100000", "job-workers"),
    ("window-width=-5", "window-width"),
    ("window-height=99999999", "window-height"),
    ("window-maximized=7", "window-maximized"),
    ("frobnicate=1", "frobnicate"),
];

/// Files that are no key file at all.
const UNREADABLE_FILES: &[&[u8]] = &[
    b"\xff\xfe\x00garbage\x01\x02",
    b"no group, no key\n",
    b"[io/github/offload/Offload\nbackend='thread'\n",
];

pub fn stored_settings(config_home: &Path, table: &mut Table) {
    let file = config_home.join("offload").join("settings.ini");
    std::fs::create_dir_all(file.parent().expect("a folder")).expect("writable");
    let warned = |stderr: &str, warning: &str, case: &str| {
        assert!(
            stderr.lines().any(|said| said.starts_with(warning)),
            "{case}: no warning '{warning}': {stderr}"
        );
    };
    for (line, key) in HOSTILE_VALUES {
        std::fs::write(&file, format!("[io/github/offload/Offload]\n{line}\n")).expect("writable");
        let warning = format!("offload: warning: ignoring the stored {key}: ");
        warned(&run_window(config_home), &warning, line);
    }
    for content in UNREADABLE_FILES {
        std::fs::write(&file, content).expect("writable");
        let warning = format!("offload: warning: ignoring {}: ", file.display());
        warned(&run_window(config_home), &warning, &format!("{content:?}"));
    }
    std::fs::write(&file, "").expect("writable");
    let stderr = run_window(config_home);
    assert!(
        !stderr.contains("offload: warning"),
        "an empty file is nothing stored: {stderr}"
    );

    let cases = HOSTILE_VALUES.len() + UNREADABLE_FILES.len();
    table.row(&[
        &"stored settings (out of range, wrong types, unknown keys, files that are no key file)",
        &cases,
        &cases,
        &0,
    ]);
}

/// Opens the window on those settings and lets it close by itself; its stderr.
fn run_window(config_home: &Path) -> String {
    let output = run_to_end(
        crate::offload()
            .args(["--close-after", "0.3"])
            .env("XDG_CONFIG_HOME", config_home),
    );
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "closing");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}
