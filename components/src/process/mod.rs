//! The process backend: the worker in a child process of our own executable.
//!
//! `proxy` is the parent's Worker component, `child` the hidden `offload worker`
//! subcommand, `frame` what they say to each other, `spawn` how the child is started.

pub mod child;
pub mod frame;
pub mod proxy;
mod spawn;
