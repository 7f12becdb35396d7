//! A heavy job in progress: the primes below N, cut into parts, one worker per part
//! (threads or child processes), their reports combined into one `JobState`.
//!
//! Used alike by the window, `offload headless` and the bench; it owns its workers'
//! whole life.

use std::time::{Duration, Instant};

use thread_or_process::{Backend, Command, Launch, Launcher, Report, WorkerHandle};

use super::sieve;
use super::state::JobState;
use super::{PrimesPart, Progress};

/// Progress reports per part and second, at most: enough for a smooth bar.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(250);

/// How nice a job started from the window is: nice enough that, with the yields a
/// giving-way part makes (see `task.rs`), the window's threads run within a millisecond
/// of waking, not so nice that busy programs starve the job (measured in
/// docs/benchmarks.md, "Tuned constants").
pub const NICENESS_BESIDE_THE_WINDOW: u8 = 5;

/// One worker per core, unless told otherwise.
pub fn default_parts() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

pub struct JobRun {
    workers: Vec<Option<WorkerHandle>>,
    state: JobState,
    started: Instant,
}

impl JobRun {
    /// Starts counting the primes below `upto` on `parts` workers on `backend`, their
    /// threads at `niceness`; their reports reach `receiver` as `transform(part, report)`.
    #[allow(clippy::too_many_arguments)]
    pub fn launch<X: 'static>(
        launcher: &Launcher,
        backend: Backend,
        upto: u64,
        parts: usize,
        niceness: u8,
        receiver: &relm4::Sender<X>,
        transform: impl Fn(usize, Report<Progress>) -> X + Clone + 'static,
    ) -> Self {
        let ranges = sieve::split(0..upto, parts);
        let state = JobState::new(upto, ranges.iter().map(|range| range.end - range.start));
        let workers = ranges
            .into_iter()
            .enumerate()
            .map(|(part, range)| {
                let kind = PrimesPart {
                    start: range.start,
                    end: range.end,
                    niceness,
                };
                let transform = transform.clone();
                Some(launcher.launch(
                    kind,
                    Launch::running(backend, PROGRESS_INTERVAL),
                    receiver,
                    move |report| transform(part, report),
                ))
            })
            .collect();
        Self {
            workers,
            state,
            started: Instant::now(),
        }
    }

    pub fn state(&self) -> &JobState {
        &self.state
    }

    /// Takes in a report from the worker of `part`.
    pub fn handle(&mut self, part: usize, report: Report<Progress>) {
        let elapsed = self.started.elapsed();
        match report {
            Report::News(progress) => self.state.update(part, progress, elapsed),
            Report::Finished(progress) => {
                if let Some(progress) = progress {
                    self.state.update(part, progress, elapsed);
                }
                self.stop_part(part);
            }
            Report::Stopped(_) => self.retire_part(part),
            Report::Crashed(reason) => {
                self.retire_part(part);
                self.state.fail(reason);
                self.stop_all();
            }
            Report::Started | Report::Paused(_) | Report::Cleared => {}
        }
    }

    /// Pause or resume every part.
    pub fn set_running(&self, running: bool) {
        let command = if running {
            Command::Start
        } else {
            Command::Pause
        };
        for worker in self.workers.iter().flatten() {
            worker.emit(command);
        }
    }

    /// Stops every part; the job ends as cancelled unless it was over already.
    pub fn cancel(&mut self) {
        self.state.cancel();
        self.stop_all();
    }

    /// True once every worker has stopped and its thread was joined.
    pub fn all_gone(&self) -> bool {
        self.workers.iter().all(Option::is_none)
    }

    fn stop_all(&mut self) {
        for part in 0..self.workers.len() {
            self.stop_part(part);
        }
    }

    fn stop_part(&self, part: usize) {
        if let Some(Some(worker)) = self.workers.get(part) {
            worker.emit(Command::Shutdown);
        }
    }

    fn retire_part(&mut self, part: usize) {
        if let Some(worker) = self.workers.get_mut(part).and_then(Option::take) {
            worker.retire();
        }
    }
}
