//! The work itself: pure Rust, no GTK, no threads, no timers.
//!
//! A job only knows how to take its next step; who drives it, how often, and on which
//! thread or process is the worker's business.

pub mod counter;
pub mod primes;
