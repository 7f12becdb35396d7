//! The child side of the process backend: `offload worker`, started by the proxy.
//!
//! It runs the very same `CounterWorker` as the thread backend, reading commands from
//! stdin and writing that worker's (already coalesced) reports to stdout as frames.
//! The end of stdin means the parent is gone: the child then stops like on Shutdown.

use std::io::{Read, Write};
use std::thread;
use std::time::Duration;

use relm4::gtk::glib;

use super::frame::{self, ChildPlan, Command, FrameError, FromChild, ToChild, PROTOCOL_VERSION};
use crate::fault::{self, FaultKind};
use crate::settings::Backend;
use crate::worker::{Placement, WorkerInit, WorkerInput, WorkerOutput, WorkerRun};

const JOIN_TIMEOUT: Duration = Duration::from_millis(500);
/// The exit status of a child whose worker thread panicked, as for a panicking program.
const CRASHED_STATUS: i32 = 101;

#[derive(Debug, thiserror::Error)]
pub enum ChildError {
    #[error("the parent speaks protocol {0}, this worker speaks {PROTOCOL_VERSION}")]
    ProtocolMismatch(u32),
    #[error("the parent did not start with Hello and Begin")]
    NoHandshake,
    #[error("talking to the parent failed: {0}")]
    Frame(#[from] FrameError),
    #[error("the worker did not stop in time")]
    WorkerHung,
}

/// Serves one parent until it says Shutdown or goes away.
pub fn serve(
    mut commands: impl Read + Send + 'static,
    mut reports: impl Write + 'static,
) -> Result<(), ChildError> {
    let plan = handshake(&mut commands, &mut reports)?;
    let main_loop = glib::MainLoop::new(None, false);
    let (sender, receiver) = relm4::channel::<WorkerOutput>();
    let worker = WorkerRun::launch(
        Placement::Thread,
        WorkerInit {
            delay: Duration::from_nanos(plan.delay_nanos),
            report_interval: Duration::from_nanos(plan.report_interval_nanos),
            first_number: plan.first_number,
            limit: None,
            echo: None,
            running: plan.running,
            // Faults of the worker's own code happen there; faults of the whole
            // process happen below, in the relay.
            fault: plan
                .fault
                .filter(|fault| fault.kind.survivable_on(Backend::Thread)),
            job: plan.job,
        },
        &sender,
        |output| output,
    );
    relay_commands(commands, worker.sender());

    let quit = main_loop.clone();
    let shutdown = worker.sender();
    let fault = plan
        .fault
        .filter(|fault| !fault.kind.survivable_on(Backend::Thread))
        .map(|fault| fault.for_count_from(plan.first_number));
    glib::MainContext::default().spawn_local(async move {
        while let Some(output) = receiver.recv().await {
            if let (Some(strike), WorkerOutput::Counted(number)) = (fault, &output) {
                if *number >= strike.at {
                    fail(strike.kind, &mut reports);
                }
            }
            if let WorkerOutput::Crashed { reason } = &output {
                // The parent sees this process end, and tells the user.
                eprintln!("offload worker: {reason}");
                std::process::exit(CRASHED_STATUS);
            }
            let stopped = matches!(output, WorkerOutput::Stopped { .. });
            let sent = frame::write_frame(&mut reports, &FromChild::Report(output));
            if stopped {
                break;
            }
            if sent.is_err() {
                shutdown.emit(WorkerInput::Shutdown);
            }
        }
        quit.quit();
    });
    main_loop.run();

    if worker.join(JOIN_TIMEOUT) {
        Ok(())
    } else {
        Err(ChildError::WorkerHung)
    }
}

fn handshake(commands: &mut impl Read, reports: &mut impl Write) -> Result<ChildPlan, ChildError> {
    match frame::read_frame(commands)? {
        ToChild::Hello { protocol } if protocol == PROTOCOL_VERSION => {}
        ToChild::Hello { protocol } => {
            // Say who we are, so the parent can tell the user what is wrong.
            let _ = frame::write_frame(
                reports,
                &FromChild::Hello {
                    protocol: PROTOCOL_VERSION,
                },
            );
            return Err(ChildError::ProtocolMismatch(protocol));
        }
        _ => return Err(ChildError::NoHandshake),
    }
    frame::write_frame(
        reports,
        &FromChild::Hello {
            protocol: PROTOCOL_VERSION,
        },
    )?;
    match frame::read_frame(commands)? {
        ToChild::Begin(plan) => Ok(plan),
        _ => Err(ChildError::NoHandshake),
    }
}

/// Forwards commands from stdin on a thread of its own; the end of stdin, or anything
/// that is not a command, stops the worker. The thread ends with the process.
fn relay_commands(mut commands: impl Read + Send + 'static, worker: relm4::Sender<WorkerInput>) {
    let relay = move || loop {
        let input = match frame::read_frame::<ToChild>(&mut commands) {
            Ok(ToChild::Command(Command::Start)) => WorkerInput::Start,
            Ok(ToChild::Command(Command::Pause)) => WorkerInput::Pause,
            Ok(ToChild::Command(Command::Reset)) => WorkerInput::Reset,
            Ok(_) | Err(_) => {
                worker.emit(WorkerInput::Shutdown);
                return;
            }
        };
        worker.emit(input);
    };
    let spawned = thread::Builder::new()
        .name("parent-commands".into())
        .spawn(relay);
    if spawned.is_err() {
        eprintln!("offload worker: cannot read commands; stopping");
    }
}

fn fail(kind: FaultKind, reports: &mut impl Write) {
    if kind == FaultKind::Garbage {
        let _ = reports.write_all(&[0xff; 32]);
        let _ = reports.flush();
        // Keep going as if nothing happened: the parent must notice on its own.
        return;
    }
    fault::strike(kind);
}
