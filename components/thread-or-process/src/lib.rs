//! Relm4 workers that run an app's own kinds of work on a thread, or in a child process
//! of the app's own executable, chosen at each launch, and that stop cleanly.
//!
//! Relm4's `Worker` runs a component on a thread of its own. This crate builds on it what
//! an app needs to do heavy work without freezing its window:
//! - a **typed Shutdown** that is seen within a millisecond, even mid-work, because a
//!   task takes short steps and never sleeps;
//! - a **real join**: `Stopped` means nothing of the worker runs any more, and
//!   [`WorkerHandle::retire`] waits for its thread (Relm4 never joins it) and reaps its
//!   child;
//! - **coalesced news**: however fast a task works, at most one report per interval
//!   reaches the owner, so its channel cannot flood;
//! - **crash reports** as data ([`CrashReason`]), on both backends, and a child that
//!   cannot outlive its parent;
//! - the **process backend**: the child is the app's own executable, started with an
//!   empty environment and no shell, speaking a small versioned frame protocol on its
//!   stdin and stdout ([`frame`]).
//!
//! # Quick start
//!
//! An app declares each kind of work as a [`Kind`], a serializable description that
//! makes a [`Task`]:
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use thread_or_process::{Flow, Kind, Task};
//!
//! /// Sums the numbers below `upto`.
//! #[derive(Serialize, Deserialize)]
//! struct Sum { upto: u64 }
//!
//! struct Summing { next: u64, upto: u64, total: u64 }
//!
//! impl Kind for Sum {
//!     const NAME: &'static str = "sum";
//!     type News = u64;
//!     fn task(self) -> Box<dyn Task<News = u64>> {
//!         Box::new(Summing { next: 0, upto: self.upto, total: 0 })
//!     }
//! }
//!
//! impl Task for Summing {
//!     type News = u64;
//!     fn step(&mut self) -> Flow {
//!         if self.next == self.upto { return Flow::Done; }
//!         self.total += self.next;
//!         self.next += 1;
//!         Flow::More
//!     }
//!     fn news(&self) -> Option<u64> { Some(self.total) }
//! }
//!
//! let mut summing = Sum { upto: 4 }.task();
//! while summing.step() == Flow::More {}
//! assert_eq!(summing.news(), Some(6));
//! ```
//!
//! Early in `main`, before any window, the app lets its own executable serve as a
//! worker child; then it launches workers on the backend of its choice, and their
//! [`Report`]s arrive as its component's messages:
//!
//! ```no_run
//! # use serde::{Deserialize, Serialize};
//! # use thread_or_process::{Flow, Kind, Task};
//! # #[derive(Serialize, Deserialize)] struct Sum { upto: u64 }
//! # impl Kind for Sum { const NAME: &'static str = "sum"; type News = u64;
//! #     fn task(self) -> Box<dyn Task<News = u64>> { unimplemented!() } }
//! use std::time::Duration;
//! use thread_or_process::{Backend, ChildCommand, Command, Launch, Launcher, Report};
//!
//! let launcher = Launcher::new(ChildCommand::new("myapp", 1)).kind::<Sum>();
//! if let Some(served) = launcher.serve_if_child() {
//!     std::process::exit(if served.is_ok() { 0 } else { 1 });
//! }
//!
//! // In a component (here a bare channel stands for its sender):
//! let (sender, receiver) = relm4::channel::<Report<u64>>();
//! let launch = Launch::running(Backend::Process, Duration::from_millis(100));
//! let worker = launcher.launch(Sum { upto: 1 << 40 }, launch, &sender, |report| report);
//! // ... Report::Started, then Report::News(total) a few times a second ...
//! worker.emit(Command::Shutdown);
//! // ... once Report::Stopped(last news) arrives:
//! assert!(worker.retire(), "the thread ended and the child was reaped");
//! ```
//!
//! `examples/leibniz.rs` is a whole Relm4 app of 150 lines that switches backend live,
//! shows its work's progress, survives a killed child and closes with Shutdown:
//! `cargo run -p thread-or-process --example leibniz`.
//!
//! # Rules a task keeps
//! - [`Task::step`] returns within a fraction of a millisecond: the worker looks at its
//!   messages between steps (with [`Pace::Busy`], after a millisecond of them).
//! - News says where the work is, not what happened since the last report: reports are
//!   coalesced, so a report may stand for many steps.
//! - A kind's parameters and its news each fit in a frame (64 KiB, postcard-encoded).
//!
//! # What a task may do in a worker child
//! A child confines itself before its task begins (see [`Confinement`]): it has only its
//! pipes to the parent and stderr, an address space capped at [`Kind::MEMORY_LIMIT`],
//! no file system (opening a file fails), no sockets, no new processes, and a seccomp
//! allowlist of the system calls a worker makes; any other call ends the child with
//! SIGSYS (`CrashReason::KilledBySignal`), naming the call on stderr. So a task computes
//! on what its kind carries and reports news; it reads no files (not even through a
//! library: `std::thread::available_parallelism` reads `/proc` and `/sys`, and gets a
//! refusal), and never prints on stdout, which carries the frames.

#![deny(missing_docs)]

mod backoff;
mod child_command;
mod launcher;
mod process;
mod report;
mod source;
mod task;
mod thread;
mod throttle;

pub use backoff::Backoff;
pub use child_command::ChildCommand;
pub use launcher::{Backend, CommandSender, Launch, Launcher, WorkerHandle, JOIN_TIMEOUT};
pub use process::child::ChildError;
pub use process::frame;
pub use process::sandbox::{confinement, Confinement, Enforced, SandboxError};
pub use report::{signal_name, Command, CrashReason, Report};
pub use source::OwnedSource;
pub use task::{Flow, Kind, Pace, Task, DEFAULT_MEMORY_LIMIT};
