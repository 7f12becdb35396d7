//! The example app (`examples/leibniz.rs`), run as a user would on a private display,
//! once on each backend: it shows progress, a child killed from outside is restarted and
//! the sum goes on, SIGTERM closes it through Shutdown, and nothing is left running.
//!
//! A `harness = false` binary: it runs the real example executable, which `cargo test`
//! builds next to it.

#[path = "../../../tests/support/display.rs"]
mod display;
#[path = "../../../tests/support/process_list.rs"]
mod process_list;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use process_list::{alive, children};

/// Generous: only reached when something is broken.
const PATIENCE: Duration = Duration::from_secs(20);
/// How many terms the example sums in a step.
const TERMS_A_STEP: u64 = 1000;

fn main() -> ExitCode {
    display::require_display_tools();
    for backend in ["thread", "process"] {
        run_on(backend);
        println!("example_app: {backend}: ok");
    }
    ExitCode::SUCCESS
}

/// The example, beside this test in the target folder.
fn example() -> PathBuf {
    let this = std::env::current_exe().expect("the test knows its own path");
    let examples = this
        .parent()
        .and_then(|deps| deps.parent())
        .expect("tests run from target/<profile>/deps")
        .join("examples");
    let example = examples.join("leibniz");
    assert!(
        example.is_file(),
        "{} is missing: `cargo test` builds it (or `cargo build --example leibniz`)",
        example.display()
    );
    example
}

fn run_on(backend: &str) {
    let (mut command, _display) = display::on_private_display(example(), &[backend]);
    let mut session = command
        .stdout(Stdio::piped())
        .spawn()
        .expect("dbus-run-session starts");
    let mut reports = Reports::of(&mut session);
    reports.until("Started");
    // Several reports in, so that a sum started over would show.
    let mut before = reports.news_done();
    while before < 10 * TERMS_A_STEP {
        before = reports.news_done();
    }
    let app = descendant_named(session.id(), "leibniz");
    let mut workers = Vec::new();

    if backend == "process" {
        let first = only_worker_child(app);
        // SAFETY: kill() has no memory-safety preconditions; `first` is our grandchild.
        unsafe { libc::kill(first as libc::pid_t, libc::SIGKILL) };
        // Reports that were on their way when it was killed may come first.
        let last_before = reports.news_done_until("Crashed(KilledBySignal(9))", before);
        reports.until("Started");
        let after = reports.news_done();
        assert!(
            after > last_before,
            "the sum went back: {last_before} terms before the kill, {after} after"
        );
        let second = only_worker_child(app);
        assert_ne!(first, second, "a new child took over");
        assert!(!alive(first), "the killed child was reaped");
        workers.extend([first, second]);
    } else {
        assert!(
            children(app).is_empty(),
            "a thread worker starts no process"
        );
        reports.news_done();
    }

    // SAFETY: as above; `app` is the example, which closes on SIGTERM.
    unsafe { libc::kill(app as libc::pid_t, libc::SIGTERM) };
    reports.until("Stopped(Some(");
    let status = wait_for_exit(&mut session);
    assert!(
        status.success(),
        "{backend}: the example exited with {status}"
    );
    assert!(!alive(app), "{backend}: the example is gone");
    for worker in workers {
        assert!(!alive(worker), "{backend}: worker child {worker} is left");
    }
}

/// The example's report lines, read on a thread of their own.
struct Reports(mpsc::Receiver<String>);

impl Reports {
    fn of(session: &mut Child) -> Self {
        let output = session.stdout.take().expect("stdout is piped");
        let (lines, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(output).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    return;
                }
            }
        });
        Self(receiver)
    }

    fn next(&self) -> String {
        self.0
            .recv_timeout(PATIENCE)
            .expect("the example reported in time")
    }

    /// Reads up to the first line that starts with `start`.
    fn until(&mut self, start: &str) {
        while !self.next().starts_with(start) {}
    }

    /// Waits for news; how many terms it says are summed.
    fn news_done(&mut self) -> u64 {
        loop {
            if let Some(done) = terms_done(&self.next()) {
                return done;
            }
        }
    }

    /// Reads up to the line that starts with `end`; the most terms any news said, from
    /// `newest` on.
    fn news_done_until(&mut self, end: &str, mut newest: u64) -> u64 {
        loop {
            let line = self.next();
            if line.starts_with(end) {
                return newest;
            }
            newest = newest.max(terms_done(&line).unwrap_or(0));
        }
    }
}

/// How many terms a news line says are summed.
fn terms_done(line: &str) -> Option<u64> {
    let rest = line.strip_prefix("News(Leibniz { done: ")?;
    let done = rest.split(',').next().expect("a count, then the sum");
    Some(done.parse().expect("the count of terms"))
}

/// The process named `name` among the descendants of `root` (waiting until it shows).
fn descendant_named(root: u32, name: &str) -> u32 {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let mut pending = vec![root];
        while let Some(pid) = pending.pop() {
            if comm(pid) == name {
                return pid;
            }
            pending.extend(children(pid));
        }
        assert!(Instant::now() < deadline, "no process named {name}");
        std::thread::yield_now();
    }
}

/// The one worker child of the example.
fn only_worker_child(app: u32) -> u32 {
    let workers: Vec<u32> = children(app)
        .into_iter()
        .filter(|pid| alive(*pid) && comm(*pid) == "leibniz-worker")
        .collect();
    assert_eq!(workers.len(), 1, "one worker child: {workers:?}");
    workers[0]
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim_end()
        .to_owned()
}

fn wait_for_exit(session: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(status) = session.try_wait().expect("the session can be waited for") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = session.kill();
            panic!("the example did not exit after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}
