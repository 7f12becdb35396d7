//! The words a worker speaks with its owner, whichever backend runs it: commands in,
//! reports out. A report carries the kind's own news; a crash's reason is data, for the
//! app to put into its own (translated) words.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Commands to a worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// Work (again) from where the work is.
    Start,
    /// Stop working for now; answered by [`Report::Paused`].
    Pause,
    /// Start over, if the task can; answered by [`Report::Cleared`].
    Reset,
    /// Stop for good; answered by [`Report::Stopped`] once nothing runs any more.
    Shutdown,
}

/// Reports from a worker, in the order of its life. `N` is the kind's news.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Report<N> {
    /// The worker is ready for commands (a child: started and greeted).
    Started,
    /// The newest news (earlier news may have been coalesced away).
    News(N),
    /// The answer to `Pause`, with where the work is.
    Paused(Option<N>),
    /// A reset took effect: news from now on is the new start's.
    Cleared,
    /// The task is done, with its final news; the worker idles until Shutdown.
    Finished(Option<N>),
    /// The answer to `Shutdown`, with the last news: nothing of the worker runs any more.
    Stopped(Option<N>),
    /// The worker died without being asked to stop; it sends nothing more.
    Crashed(CrashReason),
}

impl<N> Report<N> {
    /// The news this report carries, if any: `News`, and the answers that say where the
    /// work is (`Paused`, `Finished`, `Stopped`).
    pub fn news(&self) -> Option<&N> {
        match self {
            Self::News(news) => Some(news),
            Self::Paused(news) | Self::Finished(news) | Self::Stopped(news) => news.as_ref(),
            Self::Started | Self::Cleared | Self::Crashed(_) => None,
        }
    }
}

/// Why a worker crashed. New reasons may come: match with a fallback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CrashReason {
    /// The task panicked (on a thread, or in the child).
    Panicked,
    /// The child process was killed by this signal.
    KilledBySignal(i32),
    /// The child process exited with this status without being asked to.
    ExitedWithStatus(i32),
    /// The child sent something that is no frame of the protocol, or not in its place.
    BrokeProtocol,
    /// The child did not greet its parent in time.
    DidNotAnswer,
    /// The child speaks another protocol or another app version, and was refused.
    Incompatible {
        /// The library protocol the child speaks.
        protocol: u32,
        /// The app version the child was built as.
        app_version: u32,
    },
    /// The child process could not be started.
    CouldNotStart {
        /// The OS's error number, if it gave one.
        errno: Option<i32>,
    },
}

/// In English, for logs; an app shows its users its own words.
impl fmt::Display for CrashReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Panicked => write!(f, "panicked"),
            Self::KilledBySignal(signal) => write!(f, "was killed by {}", signal_name(*signal)),
            Self::ExitedWithStatus(status) => write!(f, "exited with status {status}"),
            Self::BrokeProtocol => write!(f, "broke the protocol"),
            Self::DidNotAnswer => write!(f, "did not answer"),
            Self::Incompatible {
                protocol,
                app_version,
            } => write!(
                f,
                "was refused: it speaks protocol {protocol} of app version {app_version}"
            ),
            Self::CouldNotStart { errno: Some(errno) } => write!(
                f,
                "could not start ({})",
                std::io::Error::from_raw_os_error(*errno)
            ),
            Self::CouldNotStart { errno: None } => write!(f, "could not start"),
        }
    }
}

/// The usual name of a signal ("SIGSEGV"), or its number.
pub fn signal_name(signal: i32) -> String {
    let name = match signal {
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGABRT => "SIGABRT",
        libc::SIGTERM => "SIGTERM",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGSYS => "SIGSYS",
        libc::SIGXCPU => "SIGXCPU",
        other => return format!("signal {other}"),
    };
    name.to_owned()
}
