//! Threads or processes, measured on the user's machine: what a worker costs to start,
//! to command, to stop and to keep, and what happens when it crashes, on each backend.
//! The window's Compare view and `offload compare` run the same code.

mod figure;
mod memory;
mod run;
mod sample;
mod summary;

pub use figure::Figure;
pub use run::{compare, BackendFigures, Comparison, CrashFigures, Interrupted, Plan};
pub use summary::{milliseconds, size, summary};
