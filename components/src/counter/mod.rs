//! The seed's work: an increasing counter, the task that runs it on a worker, and what
//! the window's label says about it. No GTK here.

mod count;
mod label;
mod task;

pub use count::Counter;
pub use label::{Activity, Freshness, LabelState};
pub use task::{Count, CounterTask};
