//! Starting the worker child: the exact executable, no shell, an empty environment, and
//! a parent-death signal so that it cannot outlive us. Its reports are read by a task on
//! Relm4's tokio runtime, so a child costs its parent no thread beyond the proxy's.

use std::convert::Infallible;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, ChildStdin, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tokio::net::unix::pipe;
use tokio::task::JoinHandle;

use serde::de::DeserializeOwned;

use super::frame::{self, FrameError, FromChild, ToChild};
use crate::child_command::ChildCommand;
use crate::report::CrashReason;

/// A running child, its command pipe, and the task reading its reports.
pub(crate) struct RunningChild {
    process: Child,
    commands: ChildStdin,
    reader: Option<Reader>,
}

/// The task reading the child's reports, and how to know it is gone.
struct Reader {
    task: JoinHandle<()>,
    /// Disconnected once the task's future, and with it `on_frame`, is dropped.
    gone: mpsc::Receiver<Infallible>,
}

/// How long a cancelled reader may take to let go; it only has to finish one call of
/// `on_frame`.
const READER_EXIT_TIMEOUT: Duration = Duration::from_millis(100);

impl RunningChild {
    /// Starts the child as `child` says; every frame the child sends, and finally the reason its
    /// pipe ended, goes to `on_frame`, called from a task on Relm4's tokio runtime.
    ///
    /// Must be called from a thread that lives as long as the child should: the kernel
    /// sends the parent-death signal when the *spawning thread* exits.
    pub fn spawn<N: DeserializeOwned + Send + 'static>(
        child: &ChildCommand,
        on_frame: impl Fn(Result<FromChild<N>, FrameError>) + Send + 'static,
    ) -> io::Result<Self> {
        let parent = std::process::id();
        let mut command = std::process::Command::new(&child.program);
        command
            .arg0(&child.arg0)
            .arg(child.argument_os())
            .env_clear()
            .current_dir("/")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        // SAFETY: the closure runs in the forked child before exec, where only
        // async-signal-safe calls are allowed; prctl(), getppid() and signal() are all
        // that, and the closure neither allocates nor takes locks.
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(io::Error::last_os_error());
                }
                // The parent may have died between fork and prctl: then no signal comes.
                if u32::try_from(libc::getppid()).ok() != Some(parent) {
                    return Err(io::Error::from_raw_os_error(libc::ESRCH));
                }
                // The terminal's Ctrl+C and hangup, and a SIGTERM to the whole group, are
                // for the window: it stops its children itself. An ignored signal stays
                // ignored across exec.
                for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                    libc::signal(signal, libc::SIG_IGN);
                }
                Ok(())
            });
        }
        let mut process = command.spawn()?;
        let commands = process.stdin.take().expect("stdin was piped");
        let reports = OwnedFd::from(process.stdout.take().expect("stdout was piped"));
        let (gone_signal, gone) = mpsc::channel::<Infallible>();
        let task = relm4::spawn(async move {
            let _gone_signal = gone_signal;
            let mut reports = match pipe::Receiver::from_owned_fd(reports) {
                Ok(reports) => reports,
                Err(error) => return on_frame(Err(FrameError::Io(error))),
            };
            loop {
                let frame = frame::read_frame_async::<FromChild<N>>(&mut reports).await;
                let ended = frame.is_err();
                on_frame(frame);
                if ended {
                    break;
                }
            }
        });
        Ok(Self {
            process,
            commands,
            reader: Some(Reader { task, gone }),
        })
    }

    pub fn send(&mut self, message: &ToChild) -> Result<(), FrameError> {
        frame::write_frame(&mut self.commands, message)
    }

    pub fn kill(&mut self) {
        // Fails only if the child was reaped already, which only `reap` does.
        let _ = self.process.kill();
    }

    /// Kills the child if it still runs, waits for it, and stops reading its reports.
    /// Returns how the child ended.
    pub fn reap(mut self) -> io::Result<ExitStatus> {
        // A child that closed its pipe is exiting or broken; either way it is done.
        // SIGKILL cannot change the status of a child that is already exiting.
        self.kill();
        let status = self.process.wait();
        self.stop_reading();
        status
    }

    /// Cancels the reader and waits (briefly) until it is gone. The reader wakes the
    /// proxy's main context from another thread; it must be done before the proxy's
    /// thread ends and frees that context (see `worker::ExitWatch`).
    fn stop_reading(&mut self) {
        if let Some(reader) = self.reader.take() {
            reader.task.abort();
            let _ = reader.gone.recv_timeout(READER_EXIT_TIMEOUT);
        }
    }
}

impl Drop for RunningChild {
    fn drop(&mut self) {
        if self.reader.is_some() {
            self.kill();
            let _ = self.process.wait();
            self.stop_reading();
        }
    }
}

/// Why a child that nobody asked to stop ended as it did.
pub(crate) fn crash_reason(status: ExitStatus) -> CrashReason {
    match (status.code(), status.signal()) {
        (Some(code), _) => CrashReason::ExitedWithStatus(code),
        (None, Some(signal)) => CrashReason::KilledBySignal(signal),
        // A stopped or continued child is still running, and `wait` does not return those.
        (None, None) => CrashReason::BrokeProtocol,
    }
}
