//! Starting a worker of any of the app's kinds on the backend chosen at that moment, and
//! the one handle its owner commands and retires it with, whichever backend runs it.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::sync::{Arc, Once};
use std::time::Duration;

use relm4::{Component, Sender, Worker, WorkerController};

use crate::child_command::ChildCommand;
use crate::process::child::{self, ChildError, Registered, Registry};
use crate::process::frame::ChildPlan;
use crate::process::proxy::{ChildProxy, ProxyInit};
use crate::process::sandbox;
use crate::report::{Command, Report};
use crate::task::{Kind, Task};
use crate::thread::{exit_pair, ExitWatch, TaskWorker, TaskWorkerInit};

/// How long the owner of a worker that answered `Stopped` (or crashed) waits for its
/// thread to end in [`WorkerHandle::retire`]: it only has its state left to drop (and a
/// child to reap), and a window must not feel it.
pub const JOIN_TIMEOUT: Duration = Duration::from_millis(100);

/// Where a worker runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Backend {
    /// A Relm4 Worker component on its own thread, in the app's process.
    #[default]
    Thread,
    /// A child process of the app's own executable, driven by a Worker component's
    /// thread in the app: a crash of the work leaves the app alive.
    Process,
}

impl Backend {
    /// Every backend.
    pub const ALL: [Backend; 2] = [Backend::Thread, Backend::Process];
}

/// How a worker starts, besides its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Launch {
    /// Where it runs.
    pub backend: Backend,
    /// Shortest time between two reports of news: the coalescing that keeps a fast task
    /// from flooding its owner.
    pub report_interval: Duration,
    /// Start working at once; otherwise the worker waits for [`Command::Start`].
    pub running: bool,
}

impl Launch {
    /// Working at once on `backend`, reporting news at most every `report_interval`.
    pub fn running(backend: Backend, report_interval: Duration) -> Self {
        Self {
            backend,
            report_interval,
            running: true,
        }
    }
}

/// Starts workers of the app's kinds, on either backend; and, in a child, serves them.
///
/// Make one with every kind the app's children may run, early in `main`:
/// [`Launcher::serve_if_child`] there turns the process into a worker child when the
/// parent started it as one.
#[derive(Clone)]
pub struct Launcher {
    child: ChildCommand,
    kinds: Arc<Registry>,
    confined: bool,
}

impl fmt::Debug for Launcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Launcher")
            .field("child", &self.child)
            .field("kinds", &self.kinds.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Launcher {
    /// A launcher whose worker children are started as `child` says, serving no kind yet.
    pub fn new(child: ChildCommand) -> Self {
        Self {
            child,
            kinds: Arc::new(BTreeMap::new()),
            confined: true,
        }
    }

    /// Lets the app's worker children serve `K`: the one registration a kind needs.
    /// Kinds that only ever run on threads need none.
    ///
    /// # Panics
    /// If another kind of the same [`Kind::NAME`] was registered: a programming error.
    pub fn kind<K: Kind>(mut self) -> Self {
        let kinds = Arc::make_mut(&mut self.kinds);
        let kind = Registered {
            serve: child::serve_kind::<K>,
            memory_limit: K::MEMORY_LIMIT,
        };
        assert!(
            kinds.insert(K::NAME, kind).is_none(),
            "two kinds are named {}",
            K::NAME
        );
        self
    }

    /// The same launcher, its children started from `program` (tests, whose own
    /// executable is a test runner).
    pub fn children_from(self, program: std::path::PathBuf) -> Self {
        Self {
            child: self.child.program(program),
            ..self
        }
    }

    /// The same launcher, its children left unconfined: only for measuring what the
    /// sandbox costs. No app should offer its users this.
    #[doc(hidden)]
    pub fn without_sandbox_to_measure_it(self) -> Self {
        Self {
            confined: false,
            ..self
        }
    }

    /// Starts a worker doing `kind` as `launch` says; its reports reach `receiver` as
    /// `transform(report)`. The first report is `Started`, or `Crashed` if a child could
    /// not be started.
    pub fn launch<K: Kind, X: 'static>(
        &self,
        kind: K,
        launch: Launch,
        receiver: &Sender<X>,
        transform: impl Fn(Report<K::News>) -> X + 'static,
    ) -> WorkerHandle {
        match launch.backend {
            Backend::Thread => launch_thread(
                kind.task(),
                launch.report_interval,
                launch.running,
                receiver,
                transform,
            ),
            Backend::Process => {
                if self.confined {
                    warn_once_of_a_weaker_sandbox();
                }
                let (exit, watch) = exit_pair();
                let plan = ChildPlan {
                    confined: self.confined,
                    ..ChildPlan::new(&kind, launch.report_interval, launch.running)
                };
                let controller = ChildProxy::<K::News>::builder()
                    .detach_worker(ProxyInit {
                        child: self.child.clone(),
                        plan,
                        exit,
                    })
                    .forward(receiver, transform);
                WorkerHandle::new(controller, watch)
            }
        }
    }

    /// Serves the parent on stdin and stdout if this process was started as a worker
    /// child (see [`ChildCommand::is_this_process`]), until it says Shutdown or goes
    /// away; None in any other process, which goes on as the app.
    ///
    /// Call it first thing in `main`, before any thread starts or any file is opened: a
    /// child closes every descriptor above stderr, and confines itself only while it has
    /// a single thread (it refuses to run otherwise).
    pub fn serve_if_child(&self) -> Option<Result<(), ChildError>> {
        self.child.is_this_process().then(|| {
            child::serve(
                &self.kinds,
                &self.child.process_name,
                child::envelope(self.child.app_version),
                Box::new(io::stdin()),
                Box::new(io::stdout()),
            )
        })
    }

    /// Whether this process was started as one of this launcher's worker children.
    pub fn is_child(&self) -> bool {
        self.child.is_this_process()
    }
}

/// Says once per process what this kernel cannot confine in a worker child.
fn warn_once_of_a_weaker_sandbox() {
    static CHECKED: Once = Once::new();
    CHECKED.call_once(|| {
        if let Some(shortfall) = sandbox::landlock_shortfall() {
            tracing::warn!("worker processes are less confined here: {shortfall}");
        }
    });
}

/// Starts `task` on a thread worker.
pub(crate) fn launch_thread<N, X: 'static>(
    task: Box<dyn Task<News = N>>,
    report_interval: Duration,
    running: bool,
    receiver: &Sender<X>,
    transform: impl Fn(Report<N>) -> X + 'static,
) -> WorkerHandle
where
    N: fmt::Debug + Send + 'static,
{
    let (exit, watch) = exit_pair();
    let controller = TaskWorker::builder()
        .detach_worker(TaskWorkerInit {
            task,
            report_interval,
            running,
            exit,
        })
        .forward(receiver, transform);
    WorkerHandle::new(controller, watch)
}

/// A launched worker, whichever backend runs it: its owner commands it, and retires it
/// once it reported `Stopped` or `Crashed`.
///
/// Dropping the handle drops the worker's controller, which shuts a Relm4 worker down,
/// but nobody waits for it then: send [`Command::Shutdown`], wait for `Stopped`, then
/// [`retire`](Self::retire).
pub struct WorkerHandle {
    /// Senders into the worker, dropped (like `controller`) before `exit`.
    commands: CommandSender,
    /// Dropped before `exit`: the worker's thread ends only once its controller is gone
    /// (see `ExitWatch`).
    controller: Box<dyn Any>,
    exit: ExitWatch,
}

impl fmt::Debug for WorkerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkerHandle").finish_non_exhaustive()
    }
}

impl WorkerHandle {
    fn new<W>(controller: WorkerController<W>, exit: ExitWatch) -> Self
    where
        W: Worker + 'static,
        W::Input: From<Command>,
    {
        let commands = controller.sender().clone();
        Self {
            commands: CommandSender::new(move |command| commands.emit(command.into())),
            controller: Box::new(controller),
            exit,
        }
    }

    /// Sends `command` to the worker.
    pub fn emit(&self, command: Command) {
        self.commands.emit(command);
    }

    /// A sender for commands, for callbacks that outlive a borrow of this handle.
    pub fn sender(&self) -> CommandSender {
        self.commands.clone()
    }

    /// Lets the stopped (or crashed) worker's thread end and waits for it, at most
    /// [`JOIN_TIMEOUT`]. True when the thread has ended (after reaping its child, if
    /// any); a worker hung in its task's code cannot be stopped from outside, and is left
    /// to end with the process.
    pub fn retire(self) -> bool {
        let Self {
            commands,
            controller,
            mut exit,
        } = self;
        drop(commands);
        drop(controller);
        exit.wait(JOIN_TIMEOUT)
    }
}

/// Sends commands to a worker, whichever backend runs it.
#[derive(Clone)]
pub struct CommandSender(Arc<dyn Fn(Command) + Send + Sync>);

impl CommandSender {
    fn new(emit: impl Fn(Command) + Send + Sync + 'static) -> Self {
        Self(Arc::new(emit))
    }

    /// Sends `command`; a worker that is gone already does not hear it.
    pub fn emit(&self, command: Command) {
        (self.0)(command);
    }
}

impl fmt::Debug for CommandSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CommandSender")
    }
}
