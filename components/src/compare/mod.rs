//! Threads or processes, measured on the user's machine: what a worker costs to start,
//! to command, to stop and to keep, a heavy job on each, and what happens when one
//! crashes. The window's Compare page, `offload compare` and the bench's child start run
//! the same samples.

mod chart;
mod export;
mod figure;
mod memory;
mod page;
mod run;
pub mod sample;
mod summary;
mod table;

pub use export::json;
pub use page::{ComparePage, ComparePageInit, ComparePageInput, ComparePageOutput};
pub use run::{compare, Comparison, Interrupted, Plan};
pub use table::as_text;
