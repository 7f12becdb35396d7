//! The process backend without a display: the proxy Worker component and its real child
//! (`offload worker`), every fault it must survive, and the child's own rules.
//!
//! Tests that read the process table hold `PROCESS_TABLE`, so that no other test's child
//! is mistaken for theirs.

#[path = "support/harness.rs"]
mod harness;
#[path = "support/process_list.rs"]
mod process_list;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use harness::{launcher, Harness, PATIENCE};
use offload_components::choices::Backend;
use offload_components::counter::fault::{FaultKind, FaultPlan};
use offload_components::counter::Count;
use offload_components::kinds::KINDS_VERSION;
use process_list::alive;
use thread_or_process::frame::{self, ChildPlan, Envelope, FromChild, ToChild, PROTOCOL_VERSION};
use thread_or_process::{Command as WorkerCommand, CrashReason, Report};

static PROCESS_TABLE: Mutex<()> = Mutex::new(());

fn process_table() -> MutexGuard<'static, ()> {
    PROCESS_TABLE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// This test process's children that are worker children.
fn worker_children() -> Vec<u32> {
    process_list::children(std::process::id())
        .into_iter()
        .filter(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            cmdline == b"offload\0worker\0"
        })
        .collect()
}

/// What this Offload's children say in their Hello.
const OWN_ENVELOPE: Envelope = Envelope {
    protocol: PROTOCOL_VERSION,
    app_version: KINDS_VERSION,
};

fn counted(report: &Report<u64>) -> Option<u64> {
    match report {
        Report::News(number) => Some(*number),
        _ => None,
    }
}

fn crash_reason(harness: &mut Harness<u64>) -> CrashReason {
    let reports = harness.until(|report| matches!(report, Report::Crashed(_)));
    match reports.last() {
        Some(Report::Crashed(reason)) => reason.clone(),
        _ => unreachable!("until() ends on Crashed"),
    }
}

const FAST: Duration = Duration::from_millis(5);

#[test]
fn counts_in_a_child_process_and_reaps_it_before_answering_stopped() {
    let _table = process_table();
    let mut harness = Harness::counting(Backend::Process, FAST, None);
    let numbers: Vec<u64> = (0..4)
        .map(|_| counted(&harness.next()).expect("a number"))
        .collect();
    assert_eq!(numbers, [0, 1, 2, 3]);
    let children = worker_children();
    assert_eq!(children.len(), 1, "one worker child: {children:?}");
    let name = std::fs::read_to_string(format!("/proc/{}/comm", children[0])).expect("comm");
    assert_eq!(name, "offload-worker\n", "what top and pgrep show");

    let last = harness.shutdown().expect("numbers were counted");
    assert!(last >= 3);
    assert!(
        !alive(children[0]),
        "Stopped came before the child was reaped"
    );
}

#[test]
fn stopped_carries_the_last_number_produced_on_both_backends() {
    let _table = process_table();
    for backend in Backend::ALL {
        // No coalescing here: every number produced is reported.
        let mut harness = Harness::counting(backend, Duration::from_millis(1), None);
        let mut reports =
            harness.until(|report| counted(report).is_some_and(|number| number >= 200));
        harness.emit(WorkerCommand::Shutdown);
        reports.extend(harness.until(|report| matches!(report, Report::Stopped(_))));
        let numbers: Vec<u64> = reports.iter().filter_map(counted).collect();
        let produced: Vec<u64> = (0..numbers.len() as u64).collect();
        assert_eq!(
            numbers, produced,
            "{backend:?}: every number, once, in order"
        );
        assert_eq!(
            reports.last(),
            Some(&Report::Stopped(numbers.last().copied())),
            "{backend:?}"
        );
        harness.join();
    }
}

#[test]
fn shutdown_during_a_long_delay_stops_the_child_at_once() {
    let _table = process_table();
    let mut harness = Harness::counting(Backend::Process, Duration::from_secs(3600), None);
    let children = wait_for_children(1);
    // PATIENCE is a tiny fraction of the delay: an answer means the delay was cut short.
    assert_eq!(harness.shutdown(), None);
    assert!(!alive(children[0]));
}

#[test]
fn pause_start_and_reset_are_relayed_to_the_child() {
    let _table = process_table();
    let mut harness = Harness::counting(Backend::Process, FAST, None);
    harness.until(|report| counted(report) == Some(2));
    harness.emit(WorkerCommand::Pause);
    let reports = harness.until(|report| matches!(report, Report::Paused(_)));
    let Some(Report::Paused(Some(last))) = reports.last().cloned() else {
        panic!("expected Paused with a number: {reports:?}");
    };
    assert_eq!(
        harness.next_within(Duration::from_millis(100)),
        None,
        "counted while paused"
    );
    harness.emit(WorkerCommand::Start);
    assert_eq!(counted(&harness.next()), Some(last + 1));

    harness.emit(WorkerCommand::Reset);
    harness.until(|report| *report == Report::Cleared);
    assert_eq!(counted(&harness.next()), Some(0));
    harness.shutdown();
}

fn survives(kind: FaultKind, expected_reason: CrashReason) {
    let _table = process_table();
    let plan = FaultPlan { kind, after: 3 };
    let mut harness = Harness::counting(Backend::Process, FAST, Some(plan));
    let children = wait_for_children(1);
    assert_eq!(crash_reason(&mut harness), expected_reason, "{kind}");
    assert!(
        !alive(children[0]),
        "{kind}: Crashed came before the child was reaped"
    );
    harness.join();
}

#[test]
fn a_child_that_panics_is_reported_and_reaped() {
    survives(FaultKind::Panic, CrashReason::Panicked);
}

#[test]
fn a_child_that_aborts_is_reported_and_reaped() {
    survives(FaultKind::Abort, CrashReason::KilledBySignal(libc::SIGABRT));
}

#[test]
fn a_child_that_segfaults_is_reported_and_reaped() {
    survives(
        FaultKind::Segfault,
        CrashReason::KilledBySignal(libc::SIGSEGV),
    );
}

#[test]
fn a_child_that_writes_garbage_is_killed_reported_and_reaped() {
    survives(FaultKind::Garbage, CrashReason::BrokeProtocol);
}

#[test]
fn a_child_killed_from_outside_is_reported_and_reaped() {
    let _table = process_table();
    let mut harness = Harness::counting(Backend::Process, FAST, None);
    harness.until(|report| counted(report) == Some(1));
    let children = worker_children();
    let status = Command::new("kill")
        .args(["-KILL", &children[0].to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    assert_eq!(
        crash_reason(&mut harness),
        CrashReason::KilledBySignal(libc::SIGKILL)
    );
    assert!(!alive(children[0]));
}

#[test]
fn a_hung_child_is_killed_when_asked_to_stop() {
    let _table = process_table();
    let plan = FaultPlan {
        kind: FaultKind::Hang,
        after: 3,
    };
    let mut harness = Harness::counting(Backend::Process, FAST, Some(plan));
    harness.until(|report| counted(report) == Some(1));
    let children = worker_children();
    assert_eq!(
        harness.next_within(Duration::from_millis(200)),
        None,
        "a hung child reports"
    );
    harness.shutdown();
    assert!(!alive(children[0]));
}

#[test]
fn a_thread_worker_that_panics_is_reported_and_its_thread_ends() {
    let plan = FaultPlan {
        kind: FaultKind::Panic,
        after: 3,
    };
    let mut harness = Harness::counting(Backend::Thread, FAST, Some(plan));
    assert_eq!(crash_reason(&mut harness), CrashReason::Panicked);
    harness.join();
}

/// A stand-in worker child, written for the test and removed after it: it greets with
/// `envelope`, then waits for its stdin to close as a real child would.
struct StandInChild(PathBuf);

impl StandInChild {
    fn greeting(envelope: Envelope) -> Self {
        let hello = frame::encode(&FromChild::<u64>::Hello(envelope)).expect("encodes");
        let octal: String = hello.iter().map(|byte| format!("\\{byte:03o}")).collect();
        let script = format!("#!/bin/sh\nprintf '{octal}'\nexec /bin/cat >/dev/null\n");
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "stand_in_child_{}_{}_{}.sh",
            std::process::id(),
            envelope.protocol,
            envelope.app_version
        ));
        std::fs::write(&path, script).expect("the target folder is writable");
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("the script can be made executable");
        Self(path)
    }
}

impl Drop for StandInChild {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A worker counting in a child started from `program`.
fn counting_in_children_of(program: PathBuf) -> Harness<u64> {
    Harness::counting_from(
        &launcher().children_from(program),
        Backend::Process,
        FAST,
        None,
    )
}

#[test]
fn a_child_speaking_another_protocol_or_app_version_is_refused() {
    let others = [
        Envelope {
            protocol: PROTOCOL_VERSION + 1,
            ..OWN_ENVELOPE
        },
        Envelope {
            app_version: KINDS_VERSION + 1,
            ..OWN_ENVELOPE
        },
    ];
    for other in others {
        let child = StandInChild::greeting(other);
        let mut harness = counting_in_children_of(child.0.clone());
        assert_eq!(
            crash_reason(&mut harness),
            CrashReason::Incompatible {
                protocol: other.protocol,
                app_version: other.app_version
            }
        );
        harness.join();
    }
}

#[test]
fn a_missing_program_is_reported_not_a_panic() {
    let mut harness = counting_in_children_of(PathBuf::from("/nonexistent/offload"));
    assert_eq!(
        crash_reason(&mut harness),
        CrashReason::CouldNotStart {
            errno: Some(libc::ENOENT)
        }
    );
    harness.join();
}

/// `offload worker` started by hand, as the proxy would.
fn spawn_child() -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_offload"))
        .arg("worker")
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("offload worker starts")
}

/// A child that has greeted us and been told to count from `first_number` every `delay`.
struct GreetedChild {
    process: std::process::Child,
    commands: std::process::ChildStdin,
    reports: std::process::ChildStdout,
}

fn greeted_child(delay: Duration, first_number: u64) -> GreetedChild {
    let mut process = spawn_child();
    let mut commands = process.stdin.take().expect("piped");
    let mut reports = process.stdout.take().expect("piped");
    frame::write_frame(&mut commands, &ToChild::Hello(OWN_ENVELOPE)).expect("writes");
    let plan = ChildPlan::new(&Count::from(delay, first_number), Duration::ZERO, true);
    frame::write_frame(&mut commands, &ToChild::Begin(plan)).expect("writes");
    let answer: FromChild<u64> = frame::read_frame(&mut reports).expect("reads");
    assert_eq!(answer, FromChild::Hello(OWN_ENVELOPE));
    let started: FromChild<u64> = frame::read_frame(&mut reports).expect("reads");
    assert_eq!(started, FromChild::Report(Report::Started));
    GreetedChild {
        process,
        commands,
        reports,
    }
}

#[test]
fn the_child_stops_and_exits_when_its_stdin_closes() {
    let GreetedChild {
        mut process,
        commands,
        mut reports,
    } = greeted_child(Duration::from_millis(1), 7);
    let first: FromChild<u64> = frame::read_frame(&mut reports).expect("reads");
    assert_eq!(first, FromChild::Report(Report::News(7)));

    drop(commands);
    let mut last = None;
    loop {
        match frame::read_frame::<FromChild<u64>>(&mut reports) {
            Ok(FromChild::Report(Report::Stopped(stopped))) => last = stopped,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let status = process.wait().expect("the child exits");
    assert!(status.success(), "{status}");
    assert!(last >= Some(7), "Stopped carries the last number: {last:?}");
}

#[test]
fn the_child_answers_a_shutdown_frame_with_stopped_and_exits() {
    let mut child = greeted_child(Duration::from_secs(3600), 0);
    let shutdown = ToChild::Command(WorkerCommand::Shutdown);
    frame::write_frame(&mut child.commands, &shutdown).expect("writes");
    let stopped: FromChild<u64> = frame::read_frame(&mut child.reports).expect("reads");
    assert_eq!(stopped, FromChild::Report(Report::Stopped(None)));
    assert!(child.process.wait().expect("the child exits").success());
}

#[test]
fn the_child_refuses_a_parent_speaking_another_protocol() {
    let mut child = spawn_child();
    let mut commands = child.stdin.take().expect("piped");
    let parent = Envelope {
        protocol: 999,
        ..OWN_ENVELOPE
    };
    frame::write_frame(&mut commands, &ToChild::Hello(parent)).expect("writes");
    let output = child.wait_with_output().expect("the child exits");
    assert!(!output.status.success());
    let answer: FromChild<u64> = frame::read_frame(&mut output.stdout.as_slice()).expect("a Hello");
    assert_eq!(answer, FromChild::Hello(OWN_ENVELOPE));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("protocol 999"), "{stderr}");
}

#[test]
fn the_child_refuses_a_kind_it_does_not_know() {
    let mut child = spawn_child();
    let mut commands = child.stdin.take().expect("piped");
    frame::write_frame(&mut commands, &ToChild::Hello(OWN_ENVELOPE)).expect("writes");
    let plan = ChildPlan {
        kind: "juggling".into(),
        ..ChildPlan::new(&Count::from(FAST, 0), Duration::ZERO, true)
    };
    frame::write_frame(&mut commands, &ToChild::Begin(plan)).expect("writes");
    let output = child.wait_with_output().expect("the child exits");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("'juggling'"), "{stderr}");
}

#[test]
fn the_child_refuses_garbage_instead_of_a_handshake() {
    let mut child = spawn_child();
    let mut commands = child.stdin.take().expect("piped");
    std::io::Write::write_all(&mut commands, &[0xff; 64]).expect("writes");
    drop(commands);
    let output = child.wait_with_output().expect("the child exits");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// What `/proc/<pid>/status` says of `field`.
fn status_of(pid: u32, field: &str) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .map(|value| value.trim().to_owned())
        .unwrap_or_default()
}

/// How many seccomp filters `pid` runs under.
fn filters(pid: u32) -> u32 {
    status_of(pid, "Seccomp_filters:").parse().unwrap_or(0)
}

/// A worker child shows its sandbox in /proc: seccomp filtering, no new privileges, and a
/// cap on its address space.
fn assert_confined(child: u32) {
    assert_eq!(status_of(child, "Seccomp:"), "2", "child {child}");
    assert_eq!(status_of(child, "NoNewPrivs:"), "1", "child {child}");
    let limits = std::fs::read_to_string(format!("/proc/{child}/limits")).unwrap_or_default();
    let address_space = limits
        .lines()
        .find(|line| line.starts_with("Max address space"))
        .expect("the limits list the address space");
    assert!(
        !address_space.contains("unlimited"),
        "child {child}: {address_space}"
    );
}

#[test]
fn a_counting_child_is_confined() {
    let _table = process_table();
    let mut harness = Harness::counting(Backend::Process, FAST, None);
    harness.until(|report| counted(report).is_some());
    let children = worker_children();
    assert_eq!(children.len(), 1, "{children:?}");
    assert_confined(children[0]);
    harness.shutdown();
}

#[test]
fn the_children_of_a_headless_job_are_confined() {
    let mut job = Command::new(env!("CARGO_BIN_EXE_offload"))
        .args(["headless", "--job", "primes", "--upto", "1e12"])
        .args(["--workers", "2", "--backend", "process"])
        .stdout(Stdio::null())
        .spawn()
        .expect("offload headless starts");
    let deadline = Instant::now() + PATIENCE;
    let children = loop {
        let children = process_list::children(job.id());
        // A child confined itself once it has filters of its own on top of its parent's
        // (which has some already inside a Flatpak); its limits come before them.
        let own = filters(std::process::id());
        if children.len() == 2 && children.iter().all(|child| filters(*child) > own) {
            break children;
        }
        assert!(
            Instant::now() < deadline,
            "two confined children: {children:?}"
        );
        std::thread::yield_now();
    };
    children.iter().copied().for_each(assert_confined);
    // SAFETY: kill() has no memory-safety preconditions; `job` is our own child.
    unsafe { libc::kill(job.id() as libc::pid_t, libc::SIGTERM) };
    assert!(job.wait().expect("the job exits").success());
    assert!(
        children.iter().all(|child| !alive(*child)),
        "a child is left"
    );
}

/// Waits (bounded) until this process has `count` worker children; a child appears only
/// once the worker's thread got to spawning it.
fn wait_for_children(count: usize) -> Vec<u32> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let children = worker_children();
        if children.len() == count {
            return children;
        }
        assert!(
            Instant::now() < deadline,
            "expected {count} worker children: {children:?}"
        );
        std::thread::yield_now();
    }
}
