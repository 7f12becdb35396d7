//! The binary as a shell user meets it: `headless`, signals, help, no display.
//! (Hostile command lines are in the reliability suite, `tests/reliability/bad_input.rs`.)

#[path = "support/process_list.rs"]
mod process_list;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn offload() -> Command {
    Command::new(env!("CARGO_BIN_EXE_offload"))
}

#[test]
fn headless_prints_the_seed_lines_and_stops_after_count() {
    let output = offload()
        .args(["headless", "--worker-delay", "0.01", "--count", "3"])
        .output()
        .expect("offload runs");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "Other thread: 0\nOther thread: 1\nOther thread: 2\n"
    );
}

#[test]
fn headless_at_full_speed_prints_every_number_once() {
    let output = offload()
        .args(["headless", "--worker-delay", "0", "--count", "50000"])
        .output()
        .expect("offload runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    let numbers: Vec<u64> = text
        .lines()
        .map(|line| line["Other thread: ".len()..].parse().expect("a number"))
        .collect();
    assert_eq!(numbers, (0..50_000).collect::<Vec<_>>());
}

fn stops_cleanly_on(signal: &str) {
    let mut child = offload()
        .args(["headless", "--worker-delay", "0.01"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("offload runs");
    let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
    let first = lines.next().expect("a line").expect("utf-8");
    assert_eq!(first, "Other thread: 0");
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let exit = child.wait().expect("offload exits");
    assert!(exit.success(), "{signal} gave {exit}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().all(|line| line.starts_with("Other thread: ")));
}

#[test]
fn headless_stops_cleanly_on_sigterm() {
    stops_cleanly_on("-TERM");
}

#[test]
fn headless_stops_cleanly_on_ctrl_c() {
    stops_cleanly_on("-INT");
}

#[test]
fn headless_ends_quietly_when_its_reader_goes_away() {
    let mut child = offload()
        .args(["headless", "--worker-delay", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("offload runs");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("a line");
    drop(stdout);
    let output = child.wait_with_output().expect("offload exits");
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn no_display_is_one_clear_line_not_a_panic() {
    let output = offload()
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("GDK_BACKEND", "x11")
        .output()
        .expect("offload runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot open a display"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn help_and_version_succeed() {
    let help = offload().arg("--help").output().expect("offload runs");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("headless"));
    let version = offload().arg("--version").output().expect("offload runs");
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!("offload {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn headless_job_prints_the_count_on_both_backends() {
    for backend in ["thread", "process"] {
        let output = offload()
            .args([
                "headless",
                "--job",
                "primes",
                "--upto",
                "1e6",
                "--workers",
                "2",
            ])
            .args(["--backend", backend])
            .output()
            .expect("offload runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{backend}: {stdout}");
        assert!(
            stdout.starts_with("78 498 primes below 1 000 000 ("),
            "{backend}: {stdout}"
        );
    }
}

/// `offload compare --quick --json` has every figure, for both backends, in the shape
/// the issue names; and a process, as everywhere, starts slower and costs more memory.
#[test]
fn compare_quick_json_has_every_figure_for_both_backends() {
    let output = offload()
        .args(["compare", "--quick", "--json"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("offload runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let figure = |backend: &str, path: &[&str]| {
        let mut value = &json[backend];
        for key in path {
            value = &value[key];
        }
        for field in ["median", "p95", "samples"] {
            assert!(
                value[field].is_number(),
                "{backend}.{path:?}.{field}: {value}"
            );
        }
        value["median"].as_f64().expect("a number")
    };
    for backend in ["thread", "process"] {
        for row in [
            "start_ms",
            "round_trip_ms",
            "stop_ms",
            "memory_kib",
            "job_s",
            "lateness_ms",
            "progress_cost_ratio",
        ] {
            figure(backend, &[row]);
        }
        figure(backend, &["crash", "restart_ms"]);
        assert!(json[backend]["round_trip_ms"]["samples"].as_u64() >= Some(200));
        assert!(json[backend]["start_ms"]["samples"].as_u64() >= Some(20));
    }
    assert!(figure("process", &["start_ms"]) > figure("thread", &["start_ms"]));
    assert!(figure("process", &["memory_kib"]) > figure("thread", &["memory_kib"]));
    assert_eq!(json["thread"]["crash"]["kind"], "panic");
    assert_eq!(json["process"]["crash"]["kind"], "segfault");
    let reason = json["process"]["crash"]["reason"]
        .as_str()
        .unwrap_or_default();
    assert!(reason.contains("SIGSEGV"), "the child died of {reason}");
}

#[test]
fn headless_job_is_cancelled_cleanly_by_sigterm() {
    let mut child = offload()
        .args([
            "headless",
            "--job",
            "primes",
            "--upto",
            "1e12",
            "--backend",
            "process",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("offload runs");
    // The job's children show up once it runs (spawned by worker threads); then
    // interrupt it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while process_list::children(child.id()).is_empty() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("no worker children appeared");
        }
        std::thread::yield_now();
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let output = child.wait_with_output().expect("offload exits");
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout), "Cancelled\n");
}
