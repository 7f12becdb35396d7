//! What an app's kind of work must offer to be run by a worker: a serializable
//! description (`Kind`) that makes a `Task`, which takes one step at a time. The worker
//! decides when steps happen; a task never sleeps and never blocks.

use std::fmt::Debug;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The address-space cap of a kind that does not set its own: 1 GiB, four times what a
/// child of a GTK app maps before it does any work.
pub const DEFAULT_MEMORY_LIMIT: u64 = 1 << 30;

/// One kind of an app's background work, as data: what a worker is to do. It is sent
/// as it is to a child process, so it is serializable; the child makes its task there.
///
/// A kind is one type implementing this trait, plus one [`Launcher::kind`] call that
/// lets the app's worker children serve it.
///
/// [`Launcher::kind`]: crate::Launcher::kind
pub trait Kind: Serialize + DeserializeOwned + Send + 'static {
    /// The kind's name on the wire: unique among the app's kinds, and stable between a
    /// parent and the children it starts.
    const NAME: &'static str;

    /// The most address space a worker child of this kind may map, in bytes (its
    /// `RLIMIT_AS`): the app's executable and libraries, a few threads, and the task's
    /// own memory. A task that needs more fails to allocate, and the child dies.
    const MEMORY_LIMIT: u64 = DEFAULT_MEMORY_LIMIT;

    /// What the work reports of itself: the newest state of the work. Reports are
    /// coalesced, so news must say where the work *is*, not what happened since the
    /// last report.
    type News: Serialize + DeserializeOwned + Clone + Debug + Send + 'static;

    /// Makes the task: on the launching thread, or in a child once the kind arrived there.
    /// Whatever must happen on the worker's own thread belongs in [`Task::begin`].
    fn task(self) -> Box<dyn Task<News = Self::News>>;
}

/// How the worker paces a task's steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// One step per `Duration`.
    Every(Duration),
    /// As many steps as fit in a short slice (a millisecond), then the worker's
    /// messages, then again.
    Busy,
}

/// Whether a task has more to do after a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Step again.
    More,
    /// The work is done; the worker reports `Finished` with the task's news.
    Done,
}

/// A kind's work in progress, driven by a worker on a thread of its own, in the app's
/// process or in a child.
pub trait Task: Send {
    /// What [`Task::news`] says.
    type News;

    /// How often to step: as often as it can, unless the task says otherwise.
    fn pace(&self) -> Pace {
        Pace::Busy
    }

    /// Called once, on the worker's own thread, before the first step.
    fn begin(&mut self) {}

    /// Does one short piece of the work.
    fn step(&mut self) -> Flow;

    /// Where the work is now: what reports carry. None before there is anything to say.
    fn news(&self) -> Option<Self::News>;

    /// Starts over, if this task can; the worker then reports `Cleared`. Tasks that
    /// cannot start over ignore Reset, as the default does.
    fn reset(&mut self) -> bool {
        false
    }
}
