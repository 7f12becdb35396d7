//! The child side of the process backend: `offload worker`, started by the proxy.
//!
//! It runs the kind of worker it is told, on a thread worker exactly as the thread
//! backend would, reading commands from stdin and writing that worker's (already
//! coalesced) reports to stdout as frames. The end of stdin means the parent is gone:
//! the child then stops like on Shutdown.

use std::io::{Read, Write};
use std::thread;

use relm4::gtk::glib;

use super::frame::{self, ChildPlan, FrameError, FromChild, ToChild, PROTOCOL_VERSION};
use super::kind::MakeTask;
use super::run::{CommandSender, Placement, WorkerInit, WorkerRun};
use crate::fault::{self, FaultKind};
use crate::settings::Backend;
use crate::worker::{WorkerInput, WorkerOutput};

/// What the process table shows as the child's name (top, System Monitor, `pgrep`); the
/// kernel keeps 15 bytes of it.
const PROCESS_NAME: &std::ffi::CStr = c"offload-worker";
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

/// Serves one parent until it says Shutdown or goes away; `make_task` makes what the
/// parent's `WorkerKind` asks for.
pub fn serve(
    mut commands: impl Read + Send + 'static,
    mut reports: impl Write + 'static,
    make_task: MakeTask,
) -> Result<(), ChildError> {
    name_this_process();
    let plan = handshake(&mut commands, &mut reports)?;
    let main_loop = glib::MainLoop::new(None, false);
    let (sender, receiver) = relm4::channel::<WorkerOutput>();
    let ChildPlan {
        kind,
        report_interval,
        running,
        fault,
    } = plan;
    let worker = WorkerRun::launch_with_fault(
        &Placement::for_backend(Backend::Thread, make_task),
        WorkerInit {
            kind,
            report_interval,
            running,
            echo: None,
        },
        // Faults of the worker's own code happen there; faults of the whole process
        // happen below, in the relay.
        fault.filter(|fault| fault.kind.survivable_on(Backend::Thread)),
        &sender,
        |output| output,
    );
    relay_commands(commands, worker.sender());

    let quit = main_loop.clone();
    let shutdown = worker.sender();
    let fault = fault.filter(|fault| !fault.kind.survivable_on(Backend::Thread));
    glib::MainContext::default().spawn_local(async move {
        while let Some(output) = receiver.recv().await {
            if let (Some(strike), WorkerOutput::Counted(number)) = (fault, &output) {
                if *number >= strike.at {
                    fail(strike.kind, &mut reports);
                }
            }
            if let WorkerOutput::Crashed { reason } = &output {
                // The parent sees this process end, and tells the user.
                tracing::error!("{reason}");
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

    if worker.retire() {
        Ok(())
    } else {
        Err(ChildError::WorkerHung)
    }
}

/// Names the process (its first thread) so that it shows as Offload's worker, not as
/// `exe`, the name of the `/proc/self/exe` link it was started from.
fn name_this_process() {
    // SAFETY: PR_SET_NAME reads a NUL-terminated string of at most 16 bytes, which
    // PROCESS_NAME is; the kernel copies it and keeps no pointer.
    unsafe {
        libc::prctl(libc::PR_SET_NAME, PROCESS_NAME.as_ptr());
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

/// Forwards commands from stdin on a thread of its own; Shutdown, the end of stdin, or
/// anything that is not a command stops the worker. The thread ends with the process.
fn relay_commands(mut commands: impl Read + Send + 'static, worker: CommandSender) {
    let relay = move || loop {
        match frame::read_frame::<ToChild>(&mut commands) {
            Ok(ToChild::Command(input)) if input != WorkerInput::Shutdown => worker.emit(input),
            Ok(_) | Err(_) => {
                worker.emit(WorkerInput::Shutdown);
                return;
            }
        }
    };
    let spawned = thread::Builder::new()
        .name("parent-commands".into())
        .spawn(relay);
    if spawned.is_err() {
        tracing::error!("cannot read commands; stopping");
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
