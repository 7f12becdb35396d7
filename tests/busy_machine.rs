//! The job beside busy programs: a headless job at normal priority keeps a fair share of
//! the machine, and a job as nice as the window makes its jobs still makes progress.
//!
//! A test binary of its own, one test: its busy programs would disturb any other test's
//! timing, and its speeds are ratios within one run, never wall times.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use offload_components::job::{default_parts, NICENESS_BESIDE_THE_WINDOW};

/// Big enough to be timed (about half a second alone on two cores here).
const UPTO: &str = "4e9";

/// Programs at normal priority that keep one core each busy until dropped.
struct BusyPrograms(Vec<Child>);

impl BusyPrograms {
    fn one_per_core() -> Self {
        let children = (0..default_parts())
            .map(|_| {
                Command::new("yes")
                    .stdout(Stdio::null())
                    .spawn()
                    .expect("yes(1) runs")
            })
            .collect();
        Self(children)
    }
}

impl Drop for BusyPrograms {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// How long `offload headless` takes to count the primes below [`UPTO`] at `niceness`,
/// on one worker per core.
fn headless_job(niceness: u8) -> Duration {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_offload"))
        .args(["headless", "--job", "primes", "--upto", UPTO])
        .args(["--nice", &niceness.to_string()])
        .output()
        .expect("offload runs");
    let elapsed = started.elapsed();
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the job failed: {output:?}");
    assert!(
        said.starts_with("189 961 812 primes below"),
        "wrong count: {said}"
    );
    elapsed
}

#[test]
fn beside_busy_programs_a_headless_job_keeps_its_share_and_a_nice_one_still_progresses() {
    let alone = headless_job(0).min(headless_job(0));
    let busy = BusyPrograms::one_per_core();
    let beside_normal = headless_job(0);
    let beside_nice = headless_job(NICENESS_BESIDE_THE_WINDOW);
    drop(busy);

    let share = |beside: Duration| alone.as_secs_f64() / beside.as_secs_f64();
    let figures = format!(
        "alone {alone:?}, beside busy programs {beside_normal:?} at niceness 0 and \
         {beside_nice:?} at niceness {NICENESS_BESIDE_THE_WINDOW}"
    );
    println!("{figures}");
    assert!(share(beside_normal) >= 0.40, "{figures}");
    assert!(share(beside_nice) >= 0.05, "{figures}");
}
