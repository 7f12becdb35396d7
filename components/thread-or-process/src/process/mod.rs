//! The process backend: a proxy Worker component in the app that starts a child of the
//! app's own executable and relays over the frame protocol, and the child's side.

pub(crate) mod child;
pub mod frame;
pub(crate) mod proxy;
pub(crate) mod sandbox;
mod spawn;
