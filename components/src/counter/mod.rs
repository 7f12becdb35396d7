//! The seed's work: an increasing counter, the task that runs it on a worker (and its
//! faulty twin, for tests of crash recovery), what the label says about it, and the panel
//! component that shows the label and owns the counting worker's life.

mod count;
pub mod fault;
mod label;
mod panel;
mod task;

pub use count::Counter;
pub use label::{Activity, Freshness, LabelState};
pub use panel::{
    CounterPanel, CounterPanelInit, CounterPanelInput, CounterPanelOutput, CounterPanelWidgets,
};
pub use task::{Count, CounterTask};
