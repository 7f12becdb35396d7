//! Soak: the real binary flooding (worker delay 0, label refreshed every 10 ms) with its
//! window open. What the window's process (and its worker child) holds, sampled each
//! second after a warm-up, must stay flat; then it closes by itself, cleanly.

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::proc_table;
use crate::report::{Table, UsageSeries};

const SAMPLE_EVERY: Duration = Duration::from_secs(1);
/// Memory may move by this much after the warm-up (allocator noise, font caches).
const RSS_ALLOWANCE_KIB: u64 = 4 * 1024;
fn check_and_report(samples: &UsageSeries, whose: &str, table: &mut Table, run: &str) {
    samples.assert_flat(whose, RSS_ALLOWANCE_KIB);
    let [rss, threads, fds] = samples.summaries();
    table.row(&[&run, &whose, &rss, &threads, &fds]);
}

pub fn table() -> Table {
    Table::new(
        "Soak: flooding with the window open, sampled each second after the warm-up",
        &[
            "run",
            "process",
            "resident memory",
            "threads",
            "open descriptors",
        ],
    )
}

pub fn soak(backend: &str, span: Duration, table: &mut Table) {
    let warm_up = (span / 10).max(Duration::from_secs(3));
    let close_after = (warm_up + span).as_secs_f64().to_string();
    let mut app = crate::offload()
        .args(["--backend", backend, "--worker-delay", "0", "--gui-delay"])
        .args(["0.01", "--close-after", &close_after])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("offload starts");
    let pid = app.id();
    let started = Instant::now();
    let mut window = UsageSeries::default();
    let mut worker = UsageSeries::default();
    let mut worker_pids = Vec::new();
    let mut next_sample = started + warm_up;
    loop {
        std::thread::sleep(next_sample.saturating_duration_since(Instant::now()));
        next_sample += SAMPLE_EVERY;
        if started.elapsed() >= warm_up + span {
            break;
        }
        let Some(usage) = proc_table::usage(pid) else {
            break;
        };
        window.push(usage);
        if backend == "process" {
            let children = proc_table::children(pid);
            let [child] = children[..] else {
                panic!("one worker child while flooding, found {children:?}");
            };
            if !worker_pids.contains(&child) {
                assert_started_safely(pid, child);
                worker_pids.push(child);
            }
            worker.push(proc_table::usage(child).expect("the worker child is alive"));
        }
    }
    let status = app.wait().expect("offload ends");
    let (mut stdout, mut stderr) = (String::new(), String::new());
    app.stdout
        .take()
        .map(|mut out| out.read_to_string(&mut stdout));
    app.stderr
        .take()
        .map(|mut err| err.read_to_string(&mut stderr));
    assert!(status.success(), "offload failed: {status}: {stderr}");
    assert_eq!(stdout.trim(), "closing", "closed by itself");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        window.len() as u64 + 1 >= span.as_secs(),
        "sampled each second: {} samples in {span:?}",
        window.len()
    );
    proc_table::reap_all_within(Duration::ZERO).expect("nothing left running after the close");

    let run = format!("{backend}, {} s", span.as_secs());
    check_and_report(&window, "window", table, &run);
    if backend == "process" {
        assert_eq!(worker_pids.len(), 1, "one worker child all along");
        check_and_report(&worker, "worker child", table, &run);
    }
}

/// The child is our own executable, exactly (not whatever `offload` a PATH or a shell
/// would find), started as `offload worker` with an empty environment.
fn assert_started_safely(window: u32, child: u32) {
    let exe = |pid: u32| std::fs::read_link(format!("/proc/{pid}/exe")).expect("readable");
    assert_eq!(
        exe(child),
        exe(window),
        "the child runs the window's executable"
    );
    let read = |what: &str| std::fs::read(format!("/proc/{child}/{what}")).expect("readable");
    assert_eq!(read("cmdline"), b"offload\0worker\0");
    assert!(
        read("environ").is_empty(),
        "the child's environment is empty"
    );
}
