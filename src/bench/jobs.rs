//! The same job headless and in a window that shows its progress, run in turns.

use std::time::Duration;

use offload_components::choices::Backend;
use offload_components::job::{JobOutcome, JobPanelInput, JobRun};
use offload_components::kinds;
use relm4::gtk::glib;
use relm4::ComponentController;
use thread_or_process::Launcher;

use super::window::{close, launch_window, run_main_loop_until};

/// The job with no window: its workers at normal priority, and a main loop that only
/// takes their reports. How long it took, and what it found.
pub fn job_headless(
    backend: Backend,
    upto: u64,
    workers: usize,
) -> Result<(Duration, u64), String> {
    job_headless_from(&kinds::launcher(), backend, upto, workers)
}

/// `job_headless`, its workers started by `launcher`.
pub fn job_headless_from(
    launcher: &Launcher,
    backend: Backend,
    upto: u64,
    workers: usize,
) -> Result<(Duration, u64), String> {
    let (sender, receiver) = relm4::channel();
    let mut job = JobRun::launch(
        launcher,
        backend,
        upto,
        workers,
        0,
        &sender,
        |part, output| (part, output),
    );
    glib::MainContext::default().block_on(async {
        while let Some((part, output)) = receiver.recv().await {
            job.handle(part, output);
            if job.all_gone() {
                break;
            }
        }
    });
    match job.state().outcome() {
        Some(JobOutcome::Done { elapsed, primes }) => Ok((*elapsed, *primes)),
        other => Err(format!("the headless job did not finish: {other:?}")),
    }
}

/// The same job, started in a window that shows its progress, on one worker per core.
pub fn job_in_window(backend: Backend, upto: u64) -> Result<Duration, String> {
    let app = launch_window(backend, upto);
    app.model().job_panel().emit(JobPanelInput::StartOrCancel);
    run_main_loop_until(&|| app.model().job().is_some_and(|job| !job.is_running()));
    let outcome = app.model().job().and_then(|job| job.outcome().cloned());
    close(&app);
    match outcome {
        Some(JobOutcome::Done { elapsed, .. }) => Ok(elapsed),
        other => Err(format!("the job in the window did not finish: {other:?}")),
    }
}
