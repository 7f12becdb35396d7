//! Threads or processes, measured on the user's machine: what a worker costs to start,
//! to command, to stop and to keep, and what happens when it crashes, on each backend.
//! The window's Compare view and `offload compare` run the same code.

mod chart;
mod export;
mod figure;
mod memory;
mod page;
mod run;
pub mod sample;
mod summary;
mod table;

pub use export::{json, write};
pub use figure::Figure;
pub use page::{ComparePage, ComparePageInit, ComparePageInput, ComparePageOutput};
pub use run::{compare, BackendFigures, Comparison, CrashFigures, Interrupted, Plan};
pub use summary::{milliseconds, size, summary};
pub use table::as_text;
