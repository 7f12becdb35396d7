//! `offload headless`: the same Worker components, no window.
//!
//! Counting prints the seed's "Other thread: N" lines and ends after `--count` numbers;
//! a job prints its result and elapsed time. Either ends on Ctrl+C, SIGTERM or SIGHUP, always
//! through the workers' typed Shutdown.

use std::io::{self, BufWriter, Write};
use std::time::Duration;

use offload_components::backend::{WorkerInit, WorkerKind, WorkerRun};
use offload_components::job::{JobOutcome, JobRun};
use offload_components::kinds;
use offload_components::settings::{Backend, Delay};
use offload_components::worker::{WorkerInput, WorkerOutput};
use relm4::gtk::glib;

use crate::signals::CaughtSignals;

/// Headless reports only decide when to stop; a few per second are plenty.
const REPORT_INTERVAL: Duration = Duration::from_millis(100);

pub fn count(worker_delay: Delay, count: Option<u64>) -> Result<(), String> {
    let caught = CaughtSignals::catch()?;
    let main_loop = glib::MainLoop::new(None, false);
    let (sender, receiver) = relm4::channel::<WorkerOutput>();
    let worker = WorkerRun::launch(
        &kinds::placement(Backend::Thread),
        WorkerInit {
            echo: Some(Box::new(BufWriter::new(io::stdout()))),
            ..WorkerInit::running(
                WorkerKind::Counter {
                    delay: worker_delay.duration(),
                    first_number: 0,
                    limit: count,
                },
                REPORT_INTERVAL,
            )
        },
        &sender,
        |output| output,
    );
    let interrupt = worker.sender();
    let signals = caught.deliver_to(move || interrupt.emit(WorkerInput::Shutdown));

    let quit = main_loop.clone();
    let worker_input = worker.sender();
    glib::MainContext::default().spawn_local(async move {
        while let Some(output) = receiver.recv().await {
            match output {
                WorkerOutput::Finished { .. } => worker_input.emit(WorkerInput::Shutdown),
                WorkerOutput::Stopped { .. } | WorkerOutput::Crashed { .. } => break,
                _ => {}
            }
        }
        quit.quit();
    });
    main_loop.run();

    drop(signals);
    if worker.retire() {
        Ok(())
    } else {
        Err("the worker did not stop in time".to_owned())
    }
}

/// What a headless job's main loop hears.
enum JobEvent {
    Report(usize, WorkerOutput),
    Interrupted,
}

pub fn primes(upto: u64, parts: usize, backend: Backend, niceness: u8) -> Result<(), String> {
    let caught = CaughtSignals::catch()?;
    let main_loop = glib::MainLoop::new(None, false);
    let (sender, receiver) = relm4::channel::<JobEvent>();
    let mut job = JobRun::launch(
        &kinds::placement(backend),
        upto,
        parts,
        niceness,
        &sender,
        JobEvent::Report,
    );
    let interrupt = sender.clone();
    let signals = caught.deliver_to(move || interrupt.emit(JobEvent::Interrupted));

    let quit = main_loop.clone();
    let outcome = glib::MainContext::default().block_on(async move {
        while let Some(event) = receiver.recv().await {
            match event {
                JobEvent::Report(part, output) => job.handle(part, output),
                JobEvent::Interrupted => job.cancel(),
            }
            if job.all_gone() {
                break;
            }
        }
        quit.quit();
        (job.state().outcome().clone(), job.state().detail())
    });
    drop(signals);
    match outcome {
        (JobOutcome::Done { .. }, detail) => {
            let unit = match (backend, parts) {
                (Backend::Thread, 1) => "thread",
                (Backend::Thread, _) => "threads",
                (Backend::Process, 1) => "process",
                (Backend::Process, _) => "processes",
            };
            say(&format!("{detail} on {parts} {unit}"));
            Ok(())
        }
        (JobOutcome::Cancelled, _) => {
            say("Cancelled");
            Ok(())
        }
        (_, detail) => Err(detail),
    }
}

/// Prints a line; a reader that went away has nothing left to read, so that is no error.
fn say(line: &str) {
    let _ = writeln!(io::stdout(), "{line}");
}
