//! The child side of the process backend: the app's executable started as a worker.
//!
//! It runs the kind it is told on a thread worker, exactly as the thread backend would,
//! reading commands from stdin and writing that worker's (already coalesced) reports to
//! stdout as frames. The end of stdin means the parent is gone: the child then stops as
//! on Shutdown.

use std::collections::BTreeMap;
use std::ffi::CStr;
use std::io::{Read, Write};
use std::thread;

use relm4::gtk::glib;

use super::frame::{self, ChildPlan, Envelope, FrameError, FromChild, ToChild, PROTOCOL_VERSION};
use super::sandbox::{self, SandboxError};
use crate::launcher::{launch_thread, CommandSender};
use crate::report::{Command, Report};
use crate::task::Kind;

/// The exit status of a child whose task panicked, as for a panicking program.
const PANICKED_STATUS: i32 = 101;
/// The exit status of a child whose news does not fit in a frame.
const NEWS_TOO_LONG_STATUS: i32 = 3;

/// Why a worker child could not serve its parent.
#[derive(Debug, thiserror::Error)]
pub enum ChildError {
    /// The parent's envelope is not this child's.
    #[error(
        "the parent speaks protocol {} of app version {}, this worker protocol {} of app version {}",
        parent.protocol, parent.app_version, own.protocol, own.app_version
    )]
    Incompatible {
        /// What the parent said.
        parent: Envelope,
        /// What this child is.
        own: Envelope,
    },
    /// The parent did not begin with Hello and Begin.
    #[error("the parent did not start with Hello and Begin")]
    NoHandshake,
    /// The parent asked for a kind this app did not register.
    #[error("the parent asked for the kind '{0}', which this worker does not know")]
    UnknownKind(String),
    /// The kind's parameters did not decode.
    #[error("the parameters of the kind '{0}' could not be decoded")]
    BadParameters(String),
    /// The pipes to the parent failed.
    #[error("talking to the parent failed: {0}")]
    Frame(#[from] FrameError),
    /// The thread that reads the parent's commands could not start.
    #[error("cannot read the parent's commands: {0}")]
    NoCommandReader(std::io::Error),
    /// The worker did not stop in time after Shutdown.
    #[error("the worker did not stop in time")]
    WorkerHung,
    /// The child could not confine itself, so it runs nothing.
    #[error("the worker's sandbox could not be set up: {0}")]
    Sandbox(#[from] SandboxError),
}

/// Serves one kind, once its plan has arrived and the child is confined.
pub(crate) type ServeKind =
    fn(ChildPlan, Box<dyn Read + Send>, Box<dyn Write>) -> Result<(), ChildError>;

/// A kind a child can serve.
#[derive(Clone, Copy)]
pub(crate) struct Registered {
    pub serve: ServeKind,
    pub memory_limit: u64,
}

/// The kinds a child can serve, by name.
pub(crate) type Registry = BTreeMap<&'static str, Registered>;

/// Serves one parent until it says Shutdown or goes away.
pub(crate) fn serve(
    registry: &Registry,
    process_name: &CStr,
    own: Envelope,
    mut commands: Box<dyn Read + Send>,
    mut reports: Box<dyn Write>,
) -> Result<(), ChildError> {
    sandbox::close_inherited_descriptors()?;
    name_this_process(process_name);
    let plan = handshake(&mut commands, &mut reports, own)?;
    let kind = *registry
        .get(plan.kind.as_str())
        .ok_or_else(|| ChildError::UnknownKind(plan.kind.clone()))?;
    if plan.confined {
        sandbox::confine(kind.memory_limit)?;
    }
    (kind.serve)(plan, commands, reports)
}

/// `ServeKind` for the kind `K`.
pub(crate) fn serve_kind<K: Kind>(
    plan: ChildPlan,
    commands: Box<dyn Read + Send>,
    mut reports: Box<dyn Write>,
) -> Result<(), ChildError> {
    let kind: K = postcard::from_bytes(&plan.params)
        .map_err(|_| ChildError::BadParameters(plan.kind.clone()))?;
    let main_loop = glib::MainLoop::new(None, false);
    let (sender, receiver) = relm4::channel::<Report<K::News>>();
    let worker = launch_thread(
        kind.task(),
        plan.report_interval,
        plan.running,
        &sender,
        |report| report,
    );
    if let Err(error) = relay_commands(commands, worker.sender()) {
        worker.emit(Command::Shutdown);
        worker.retire();
        return Err(error);
    }

    let quit = main_loop.clone();
    let shutdown = worker.sender();
    glib::MainContext::default().spawn_local(async move {
        while let Some(report) = receiver.recv().await {
            let panicked = matches!(report, Report::Crashed(_));
            let stopped = matches!(report, Report::Stopped(_));
            let sent = frame::write_frame(&mut reports, &FromChild::Report(report));
            if let Err(FrameError::TooLong(length)) = sent {
                // The app's mistake, not the parent's going away: end visibly.
                tracing::error!(
                    "a report of the kind '{}' takes {length} bytes, over the frame limit",
                    K::NAME
                );
                std::process::exit(NEWS_TOO_LONG_STATUS);
            }
            if panicked {
                // The parent hears why, then sees this process end.
                std::process::exit(PANICKED_STATUS);
            }
            if stopped {
                break;
            }
            if sent.is_err() {
                shutdown.emit(Command::Shutdown);
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

/// Names the process (its first thread) as the app chose, so that it shows as the app's
/// worker, not as `exe`, the name of the `/proc/self/exe` link it was started from.
fn name_this_process(name: &CStr) {
    // SAFETY: PR_SET_NAME reads a NUL-terminated string and copies at most 16 bytes of
    // it; the kernel keeps no pointer.
    unsafe {
        libc::prctl(libc::PR_SET_NAME, name.as_ptr());
    }
}

fn handshake(
    commands: &mut impl Read,
    reports: &mut impl Write,
    own: Envelope,
) -> Result<ChildPlan, ChildError> {
    let hello = FromChild::<()>::Hello(own);
    match frame::read_frame(commands)? {
        ToChild::Hello(parent) if parent == own => {}
        ToChild::Hello(parent) => {
            // Say who we are, so the parent can tell the user what is wrong.
            let _ = frame::write_frame(reports, &hello);
            return Err(ChildError::Incompatible { parent, own });
        }
        _ => return Err(ChildError::NoHandshake),
    }
    frame::write_frame(reports, &hello)?;
    match frame::read_frame(commands)? {
        ToChild::Begin(plan) => Ok(plan),
        _ => Err(ChildError::NoHandshake),
    }
}

/// Forwards commands from stdin on a thread of its own; Shutdown, the end of stdin, or
/// anything that is not a command stops the worker. The thread ends with the process.
fn relay_commands(
    mut commands: impl Read + Send + 'static,
    worker: CommandSender,
) -> Result<(), ChildError> {
    let relay = move || loop {
        match frame::read_frame::<ToChild>(&mut commands) {
            Ok(ToChild::Command(command)) if command != Command::Shutdown => worker.emit(command),
            Ok(_) | Err(_) => {
                worker.emit(Command::Shutdown);
                return;
            }
        }
    };
    thread::Builder::new()
        .name("parent-commands".into())
        .spawn(relay)
        .map(drop)
        .map_err(ChildError::NoCommandReader)
}

/// The envelope a child of this library and app version sends.
pub(crate) fn envelope(app_version: u32) -> Envelope {
    Envelope {
        protocol: PROTOCOL_VERSION,
        app_version,
    }
}
