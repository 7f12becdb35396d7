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

use harness::{children_from, in_a_child, thread, Harness, PATIENCE};
use offload_components::backend::frame::{self, ChildPlan, FromChild, ToChild, PROTOCOL_VERSION};
use offload_components::backend::WorkerKind;
use offload_components::fault::{FaultKind, FaultPlan};
use offload_components::worker::{WorkerInput, WorkerOutput};
use process_list::alive;

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

fn counted(output: &WorkerOutput) -> Option<u64> {
    match output {
        WorkerOutput::Counted(number) => Some(*number),
        _ => None,
    }
}

fn crash_reason(harness: &Harness) -> String {
    let reports = harness.until(|output| matches!(output, WorkerOutput::Crashed { .. }));
    match reports.last() {
        Some(WorkerOutput::Crashed { reason }) => reason.clone(),
        _ => unreachable!("until() ends on Crashed"),
    }
}

const FAST: Duration = Duration::from_millis(5);

#[test]
fn counts_in_a_child_process_and_reaps_it_before_answering_stopped() {
    let _table = process_table();
    let mut harness = Harness::counting(in_a_child(), FAST, None);
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
    for placement in [thread(), in_a_child()] {
        // No coalescing here: every number produced is reported.
        let mut harness = Harness::counting(placement.clone(), Duration::from_millis(1), None);
        let mut reports =
            harness.until(|output| counted(output).is_some_and(|number| number >= 200));
        harness.emit(WorkerInput::Shutdown);
        reports.extend(harness.until(|output| matches!(output, WorkerOutput::Stopped { .. })));
        let numbers: Vec<u64> = reports.iter().filter_map(counted).collect();
        let produced: Vec<u64> = (0..numbers.len() as u64).collect();
        assert_eq!(
            numbers, produced,
            "{placement:?}: every number, once, in order"
        );
        assert_eq!(
            reports.last(),
            Some(&WorkerOutput::Stopped {
                last: numbers.last().copied()
            }),
            "{placement:?}"
        );
        harness.join();
    }
}

#[test]
fn shutdown_during_a_long_delay_stops_the_child_at_once() {
    let _table = process_table();
    let mut harness = Harness::counting(in_a_child(), Duration::from_secs(3600), None);
    let children = wait_for_children(1);
    // PATIENCE is a tiny fraction of the delay: an answer means the delay was cut short.
    assert_eq!(harness.shutdown(), None);
    assert!(!alive(children[0]));
}

#[test]
fn pause_start_and_reset_are_relayed_to_the_child() {
    let _table = process_table();
    let mut harness = Harness::counting(in_a_child(), FAST, None);
    harness.until(|output| counted(output) == Some(2));
    harness.emit(WorkerInput::Pause);
    let reports = harness.until(|output| matches!(output, WorkerOutput::Paused { .. }));
    let Some(WorkerOutput::Paused { last: Some(last) }) = reports.last().cloned() else {
        panic!("expected Paused with a number: {reports:?}");
    };
    assert_eq!(
        harness.next_within(Duration::from_millis(100)),
        None,
        "counted while paused"
    );
    harness.emit(WorkerInput::Start);
    assert_eq!(counted(&harness.next()), Some(last + 1));

    harness.emit(WorkerInput::Reset);
    harness.until(|output| *output == WorkerOutput::Cleared);
    assert_eq!(counted(&harness.next()), Some(0));
    harness.shutdown();
}

fn survives(kind: FaultKind, expected_reason: &str) {
    let _table = process_table();
    let plan = FaultPlan { kind, after: 3 };
    let mut harness = Harness::counting(in_a_child(), FAST, Some(plan));
    let children = wait_for_children(1);
    let reason = crash_reason(&harness);
    assert!(reason.contains(expected_reason), "{kind}: {reason}");
    assert!(
        !alive(children[0]),
        "{kind}: Crashed came before the child was reaped"
    );
    harness.join();
}

#[test]
fn a_child_that_panics_is_reported_and_reaped() {
    survives(FaultKind::Panic, "exited with status 101");
}

#[test]
fn a_child_that_aborts_is_reported_and_reaped() {
    survives(FaultKind::Abort, "killed by SIGABRT");
}

#[test]
fn a_child_that_segfaults_is_reported_and_reaped() {
    survives(FaultKind::Segfault, "killed by SIGSEGV");
}

#[test]
fn a_child_that_writes_garbage_is_killed_reported_and_reaped() {
    survives(FaultKind::Garbage, "sent garbage");
}

#[test]
fn a_child_killed_from_outside_is_reported_and_reaped() {
    let _table = process_table();
    let harness = Harness::counting(in_a_child(), FAST, None);
    harness.until(|output| counted(output) == Some(1));
    let children = worker_children();
    let status = Command::new("kill")
        .args(["-KILL", &children[0].to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let reason = crash_reason(&harness);
    assert!(reason.contains("killed by SIGKILL"), "{reason}");
    assert!(!alive(children[0]));
}

#[test]
fn a_hung_child_is_killed_when_asked_to_stop() {
    let _table = process_table();
    let plan = FaultPlan {
        kind: FaultKind::Hang,
        after: 3,
    };
    let mut harness = Harness::counting(in_a_child(), FAST, Some(plan));
    harness.until(|output| counted(output) == Some(1));
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
    let mut harness = Harness::counting(thread(), FAST, Some(plan));
    assert_eq!(crash_reason(&harness), "thread panicked");
    harness.join();
}

/// A stand-in worker child, written for the test and removed after it: it greets with
/// the next protocol version, then waits for its stdin to close as a real child would.
struct NextProtocolChild(PathBuf);

impl NextProtocolChild {
    fn write() -> Self {
        let hello = frame::encode(&FromChild::Hello {
            protocol: PROTOCOL_VERSION + 1,
        })
        .expect("encodes");
        let octal: String = hello.iter().map(|byte| format!("\\{byte:03o}")).collect();
        let script = format!("#!/bin/sh\nprintf '{octal}'\nexec /bin/cat >/dev/null\n");
        let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("next_protocol_child_{}.sh", std::process::id()));
        std::fs::write(&path, script).expect("the target folder is writable");
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("the script can be made executable");
        Self(path)
    }
}

impl Drop for NextProtocolChild {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn a_child_speaking_another_protocol_is_refused() {
    let child = NextProtocolChild::write();
    let mut harness = Harness::counting(children_from(child.0.clone()), FAST, None);
    let reason = crash_reason(&harness);
    assert_eq!(
        reason,
        format!(
            "process speaks protocol {}, not {PROTOCOL_VERSION}",
            PROTOCOL_VERSION + 1
        )
    );
    harness.join();
}

#[test]
fn a_missing_program_is_reported_not_a_panic() {
    let program = PathBuf::from("/nonexistent/offload");
    let mut harness = Harness::counting(children_from(program), FAST, None);
    assert!(crash_reason(&harness).starts_with("process could not start"));
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
    let hello = ToChild::Hello {
        protocol: PROTOCOL_VERSION,
    };
    frame::write_frame(&mut commands, &hello).expect("writes");
    let plan = ChildPlan {
        kind: WorkerKind::Counter {
            delay,
            first_number,
            limit: None,
        },
        report_interval: Duration::ZERO,
        running: true,
        fault: None,
    };
    frame::write_frame(&mut commands, &ToChild::Begin(plan)).expect("writes");
    let answer: FromChild = frame::read_frame(&mut reports).expect("reads");
    let expected = FromChild::Hello {
        protocol: PROTOCOL_VERSION,
    };
    assert_eq!(answer, expected);
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
    let first: FromChild = frame::read_frame(&mut reports).expect("reads");
    assert_eq!(first, FromChild::Report(WorkerOutput::Counted(7)));

    drop(commands);
    let mut last = None;
    loop {
        match frame::read_frame::<FromChild>(&mut reports) {
            Ok(FromChild::Report(WorkerOutput::Stopped { last: stopped })) => last = stopped,
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
    let shutdown = ToChild::Command(WorkerInput::Shutdown);
    frame::write_frame(&mut child.commands, &shutdown).expect("writes");
    let stopped: FromChild = frame::read_frame(&mut child.reports).expect("reads");
    assert_eq!(
        stopped,
        FromChild::Report(WorkerOutput::Stopped { last: None })
    );
    assert!(child.process.wait().expect("the child exits").success());
}

#[test]
fn the_child_refuses_a_parent_speaking_another_protocol() {
    let mut child = spawn_child();
    let mut commands = child.stdin.take().expect("piped");
    frame::write_frame(&mut commands, &ToChild::Hello { protocol: 999 }).expect("writes");
    let output = child.wait_with_output().expect("the child exits");
    assert!(!output.status.success());
    let answer: FromChild = frame::read_frame(&mut output.stdout.as_slice()).expect("a Hello");
    assert_eq!(
        answer,
        FromChild::Hello {
            protocol: PROTOCOL_VERSION
        }
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("protocol 999"), "{stderr}");
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
