//! Hostile tasks, each trying one thing from inside a worker child: every attempt fails
//! or the sandbox ends the child, the owner hears it, a well-behaved worker beside them
//! counts on, and no process is left.
//!
//! A `harness = false` binary whose `main` serves its own children first. With
//! `--in-flatpak` it also accepts a child that the Flatpak's own sandbox confined before
//! ours (bubblewrap's seccomp filter under ours, and no Landlock where the kernel or the
//! sandbox lacks it), and says what holds there.

use std::io::Write;
use std::net::TcpListener;
use std::process::ExitCode;
use std::time::Duration;

use relm4::gtk::glib;
use serde::{Deserialize, Serialize};
use thread_or_process::{
    Backend, ChildCommand, Command, CrashReason, Flow, Kind, Launch, Launcher, Pace, Report, Task,
    WorkerHandle,
};

/// Generous: only reached when something is broken.
const PATIENCE: Duration = Duration::from_secs(10);
/// How Rust words EACCES.
const PERMISSION_DENIED: &str = "Permission denied (os error 13)";
/// What a task that is about to spin forever says first.
const SPINNING: &str = "spinning from the next step on";

/// One thing a compromised task might try.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum Attempt {
    ReadFile(String),
    ListFolder(String),
    CreateFile(String),
    Connect(u16),
    Exec,
    Fork,
    SignalParent(i32),
    TraceParent(i32),
    Allocate(u64),
    NewPipe,
    SpinForever,
    /// Not an attack: says how the child was confined.
    DescribeSandbox,
    /// Not an attack: what a parser does, allocating and freeing megabytes in small
    /// pieces (glibc then trims the thread's heap, and reads a /proc file to do so).
    Churn,
}

/// What an attempt that came back says: `Err` with the system's words, or `Ok`.
type Outcome = Result<(), String>;

impl Kind for Attempt {
    const NAME: &'static str = "attempt";
    type News = Outcome;

    fn task(self) -> Box<dyn Task<News = Outcome>> {
        Box::new(Attempting {
            attempt: self,
            outcome: None,
        })
    }
}

struct Attempting {
    attempt: Attempt,
    outcome: Option<Outcome>,
}

impl Task for Attempting {
    type News = Outcome;

    fn pace(&self) -> Pace {
        Pace::Every(Duration::from_millis(1))
    }

    /// Tries once and is done; one that spins says so first, then never comes back.
    fn step(&mut self) -> Flow {
        if let Attempt::SpinForever = self.attempt {
            if self.outcome.is_some() {
                loop {
                    std::hint::spin_loop();
                }
            }
            self.outcome = Some(Err(SPINNING.into()));
            return Flow::More;
        }
        self.outcome = Some(attempt(&self.attempt));
        Flow::Done
    }

    fn news(&self) -> Option<Outcome> {
        self.outcome.clone()
    }
}

fn attempt(attempt: &Attempt) -> Outcome {
    let failed = |error: std::io::Error| error.to_string();
    let last_error = || Err(std::io::Error::last_os_error().to_string());
    match attempt {
        Attempt::ReadFile(path) => std::fs::read(path).map(drop).map_err(failed),
        Attempt::ListFolder(path) => std::fs::read_dir(path).map(drop).map_err(failed),
        Attempt::CreateFile(path) => std::fs::File::create(path)
            .and_then(|mut file| file.write_all(b"escaped"))
            .map_err(failed),
        Attempt::Connect(port) => std::net::TcpStream::connect(("127.0.0.1", *port))
            .map(drop)
            .map_err(failed),
        Attempt::Exec => std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg("true")
            .status()
            .map(drop)
            .map_err(failed),
        // SAFETY (all below): plain system calls on integers; a fork that succeeded
        // would end its child at once.
        Attempt::Fork => match unsafe { libc::fork() } {
            -1 => last_error(),
            0 => unsafe { libc::_exit(0) },
            _ => Ok(()),
        },
        Attempt::SignalParent(parent) => match unsafe { libc::kill(*parent, libc::SIGCONT) } {
            0 => Ok(()),
            _ => last_error(),
        },
        Attempt::TraceParent(parent) => {
            let traced = unsafe { libc::ptrace(libc::PTRACE_ATTACH, *parent, 0, 0) };
            if traced == 0 {
                Ok(())
            } else {
                last_error()
            }
        }
        Attempt::Allocate(bytes) => {
            let mut memory = Vec::<u8>::new();
            let size = usize::try_from(*bytes).map_err(|error| error.to_string())?;
            memory
                .try_reserve_exact(size)
                .map_err(|error| error.to_string())
        }
        Attempt::NewPipe => {
            let mut ends = [0; 2];
            if unsafe { libc::pipe2(ends.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
                return last_error();
            }
            match unsafe { libc::write(ends[1], b"x".as_ptr().cast(), 1) } {
                1 => Ok(()),
                _ => last_error(),
            }
        }
        Attempt::SpinForever => unreachable!("a spinning task does not try anything else"),
        Attempt::DescribeSandbox => Err(format!("{:?}", thread_or_process::confinement())),
        Attempt::Churn => {
            for _ in 0..10 {
                let pieces: Vec<Box<[u8; 1024]>> =
                    (0..10_000).map(|_| Box::new([1; 1024])).collect();
                std::hint::black_box(&pieces);
            }
            Ok(())
        }
    }
}

/// Counts once a millisecond: the well-behaved worker beside the hostile ones.
#[derive(Serialize, Deserialize)]
struct Steady;

struct Steps(u64);

impl Kind for Steady {
    const NAME: &'static str = "steady";
    type News = u64;

    fn task(self) -> Box<dyn Task<News = u64>> {
        Box::new(Steps(0))
    }
}

impl Task for Steps {
    type News = u64;

    fn pace(&self) -> Pace {
        Pace::Every(Duration::from_millis(1))
    }

    fn step(&mut self) -> Flow {
        self.0 += 1;
        Flow::More
    }

    fn news(&self) -> Option<u64> {
        Some(self.0)
    }
}

fn launcher() -> Launcher {
    let this = std::env::current_exe().expect("the test knows its own path");
    Launcher::new(ChildCommand::new("hostile", 1))
        .children_from(this)
        .kind::<Attempt>()
        .kind::<Steady>()
}

/// How an attempt may end, and be right.
#[derive(Debug, PartialEq)]
enum Ending {
    /// The call came back with an error, in these words.
    Refused(String),
    /// The sandbox ended the child (seccomp's trap: SIGSYS).
    StoppedBySandbox,
    /// The child did not answer Shutdown, and was stopped anyway.
    StoppedAnyway,
    /// It did what it set out to do (only work that is no attack).
    Succeeded,
}

fn main() -> ExitCode {
    if let Some(served) = launcher().serve_if_child() {
        return if served.is_ok() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    // A pipe this process holds open without O_CLOEXEC, as a careless library might:
    // a child must not keep it.
    let mut leaked = [0; 2];
    // SAFETY: pipe() writes two descriptors into the array.
    assert_eq!(
        unsafe { libc::pipe(leaked.as_mut_ptr()) },
        0,
        "a pipe to leak"
    );
    let context = glib::MainContext::new();
    let _default = context.acquire().expect("a fresh context is free");
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port on loopback");
    let port = listener.local_addr().expect("a bound listener").port();
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let parent = std::process::id() as i32;
    let attempts = [
        Attempt::ReadFile("/etc/passwd".into()),
        Attempt::ListFolder(home),
        Attempt::CreateFile(format!("/tmp/offload-escaped-{parent}")),
        Attempt::Connect(port),
        Attempt::Exec,
        Attempt::Fork,
        Attempt::SignalParent(parent),
        Attempt::TraceParent(parent),
        Attempt::Allocate(8 << 30),
        Attempt::NewPipe,
        Attempt::SpinForever,
        Attempt::Churn,
    ];

    let (steady_sender, steady_reports) = relm4::channel();
    let launch = Launch::running(Backend::Process, Duration::from_millis(5));
    let steady = context
        .with_thread_default(|| launcher().launch(Steady, launch, &steady_sender, |r| r))
        .expect("the context is free");
    let before = newest(&context, &steady_reports);
    the_child_is_confined(&context);

    for attempt in attempts {
        let ending = run(&context, attempt.clone());
        let expected = match attempt {
            // Landlock refuses it, or, where there is none, seccomp.
            Attempt::ReadFile(_) | Attempt::ListFolder(_) | Attempt::CreateFile(_) => {
                Ending::Refused(PERMISSION_DENIED.into())
            }
            // The allocator's own words, whatever they are: it failed, and said so.
            Attempt::Allocate(_) => Ending::Refused(ending_words(&ending)),
            Attempt::SpinForever => Ending::StoppedAnyway,
            Attempt::Churn => Ending::Succeeded,
            _ => Ending::StoppedBySandbox,
        };
        assert_eq!(ending, expected, "{attempt:?}");
        println!("hostile_tasks: {attempt:?}: {ending:?}");
    }

    assert!(
        !std::path::Path::new(&format!("/tmp/offload-escaped-{parent}")).exists(),
        "a file was created"
    );
    assert!(
        listener.set_nonblocking(true).is_ok() && listener.accept().is_err(),
        "a connection reached the listener"
    );
    let after = newest(&context, &steady_reports);
    assert!(after > before, "the well-behaved worker counted on");
    steady.emit(Command::Shutdown);
    while !matches!(next(&context, &steady_reports), Report::Stopped(_)) {}
    assert!(steady.retire(), "the well-behaved worker ended");
    assert_eq!(children(), Vec::<String>::new(), "no process is left");
    ExitCode::SUCCESS
}

/// Runs one attempt in a child of its own, to its end.
fn run(context: &glib::MainContext, attempt: Attempt) -> Ending {
    let (sender, reports) = relm4::channel();
    let launch = Launch::running(Backend::Process, Duration::ZERO);
    let worker: WorkerHandle = context
        .with_thread_default(|| launcher().launch(attempt, launch, &sender, |r| r))
        .expect("the context is free");
    let ending = loop {
        match next(context, &reports) {
            Report::Finished(Some(Ok(()))) => break Ending::Succeeded,
            Report::Finished(Some(Err(words))) => break Ending::Refused(words),
            Report::Crashed(CrashReason::KilledBySignal(libc::SIGSYS)) => {
                break Ending::StoppedBySandbox
            }
            Report::Crashed(reason) => panic!("the child crashed otherwise: {reason}"),
            Report::News(Err(said)) if said == SPINNING => worker.emit(Command::Shutdown),
            Report::Stopped(_) => break Ending::StoppedAnyway,
            _ => {}
        }
    };
    if let Ending::Refused(_) | Ending::Succeeded = ending {
        worker.emit(Command::Shutdown);
        while !matches!(next(context, &reports), Report::Stopped(_)) {}
    }
    assert!(worker.retire(), "the child was reaped");
    ending
}

fn ending_words(ending: &Ending) -> String {
    match ending {
        Ending::Refused(words) => words.clone(),
        _ => String::new(),
    }
}

/// The steady worker's child shows every layer in /proc, and says how it was confined.
/// In the Flatpak the child's filters come on top of bubblewrap's, and Landlock is there
/// only where the kernel and the Flatpak's own filter let it be.
fn the_child_is_confined(context: &glib::MainContext) {
    let in_flatpak = std::env::args().any(|argument| argument == "--in-flatpak");
    let status = |pid: &str, field: &str| {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .map(|value| value.trim().to_owned())
            .unwrap_or_default()
    };
    let children = children();
    let [steady] = children.as_slice() else {
        panic!("one child, the steady one: {children:?}");
    };
    let steady = steady.as_str();
    assert_eq!(status(steady, "NoNewPrivs:"), "1");
    assert_eq!(status(steady, "Seccomp:"), "2");
    let filters = |pid| status(pid, "Seccomp_filters:").parse::<u32>().unwrap_or(0);
    assert!(
        filters(steady) > filters("self"),
        "the child adds seccomp filters"
    );
    let descriptors = std::fs::read_dir(format!("/proc/{steady}/fd")).expect("its descriptors");
    for descriptor in descriptors.filter_map(Result::ok) {
        let number = descriptor.file_name().to_string_lossy().into_owned();
        let target = std::fs::read_link(descriptor.path()).unwrap_or_default();
        let target = target.to_string_lossy();
        assert!(
            ["0", "1", "2"].contains(&number.as_str()) || target == "anon_inode:[eventfd]",
            "the child keeps descriptor {number}: {target}"
        );
    }
    let limits = std::fs::read_to_string(format!("/proc/{steady}/limits")).unwrap_or_default();
    let address_space = limits
        .lines()
        .find(|line| line.starts_with("Max address space"))
        .expect("a limit on address space")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!address_space.contains("unlimited"), "{address_space}");

    let Ending::Refused(described) = run(context, Attempt::DescribeSandbox) else {
        panic!("a child that describes its sandbox is not stopped");
    };
    assert!(described.starts_with("Some(Confinement"), "{described}");
    if !in_flatpak {
        assert!(described.contains("landlock: Fully"), "{described}");
    }
    println!(
        "hostile_tasks: the child: Seccomp_filters {} (this process {}), {address_space}; {described}",
        filters(steady),
        filters("self")
    );
}

/// This process's children, whichever of its threads started them.
fn children() -> Vec<String> {
    let tasks = std::fs::read_dir("/proc/self/task").expect("Linux lists threads");
    tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join("children")).ok())
        .flat_map(|list| {
            list.split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn next<N>(context: &glib::MainContext, reports: &relm4::Receiver<Report<N>>) -> Report<N> {
    let report = glib::future_with_timeout(PATIENCE, reports.recv());
    context
        .block_on(report)
        .ok()
        .flatten()
        .expect("the worker reported in time")
}

/// The next news of the steady worker.
fn newest(context: &glib::MainContext, reports: &relm4::Receiver<Report<u64>>) -> u64 {
    loop {
        if let Report::News(steps) = next(context, reports) {
            return steps;
        }
    }
}
