//! How soon a job's worker answers Pause: the time from the command to its `Paused`,
//! mid-job, many times over, where a step has the most to do (below the top of the
//! accepted range, where every sieving prime up to 10^6 is crossed).

use std::time::{Duration, Instant};

use offload_components::choices::{Backend, BackendName, MAX_UPTO};
use offload_components::job::history::Percentiles;
use offload_components::job::{PrimesPart, Progress};
use offload_components::kinds;
use relm4::gtk::glib;
use thread_or_process::{Command, Launch, Report, WorkerHandle};

/// How often the worker may report progress: each pause waits for one report after
/// Start, so the worker is mid-job again when it is paused.
const REPORT_INTERVAL: Duration = Duration::from_millis(5);

/// Generous: only reached when a worker stopped answering.
const PATIENCE: Duration = Duration::from_secs(10);

/// Pauses a worker sieving the upper half of the accepted range (hours of work)
/// `pauses` times, resuming it after each; the times from Pause to `Paused`.
pub fn pause_answers(backend: Backend, pauses: usize) -> Result<Percentiles, String> {
    let context = glib::MainContext::default();
    let (sender, reports) = relm4::channel();
    let kind = PrimesPart {
        start: MAX_UPTO / 2,
        end: MAX_UPTO,
        niceness: 0,
    };
    let worker = kinds::launcher().launch(
        kind,
        Launch::running(backend, REPORT_INTERVAL),
        &sender,
        |report| report,
    );
    let next_report = || match context.block_on(glib::future_with_timeout(PATIENCE, reports.recv()))
    {
        Ok(Some(output)) => Ok(output),
        _ => Err(format!("a {} worker stopped answering", backend.noun())),
    };
    let answers = pause_and_stop(&worker, pauses, next_report);
    worker.retire();
    answers.map(|answers| Percentiles::of(answers.into_iter()))
}

/// Pauses the running `worker` `pauses` times, each time once it has reported progress
/// since the last, then stops it; how long each Pause took to be answered.
fn pause_and_stop(
    worker: &WorkerHandle,
    pauses: usize,
    next_report: impl Fn() -> Result<Report<Progress>, String>,
) -> Result<Vec<Duration>, String> {
    let mut answers = Vec::with_capacity(pauses);
    for _ in 0..pauses {
        while !matches!(next_report()?, Report::News(_)) {}
        let asked = Instant::now();
        worker.emit(Command::Pause);
        while !matches!(next_report()?, Report::Paused(_)) {}
        answers.push(asked.elapsed());
        worker.emit(Command::Start);
    }
    worker.emit(Command::Shutdown);
    while !matches!(next_report()?, Report::Stopped(_)) {}
    Ok(answers)
}
