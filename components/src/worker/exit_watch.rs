//! Knowing when a worker's thread is done, since Relm4 never joins it.
//!
//! The worker's state holds an `ExitSignal`; Relm4 drops that state on the worker's own
//! thread as the thread's last act, which wakes whoever waits on the `ExitWatch`.

use std::convert::Infallible;
use std::sync::mpsc;
use std::time::Duration;

/// Held by the worker state; dropping it announces the end of the worker's thread.
#[derive(Debug)]
pub struct ExitSignal(#[allow(dead_code)] mpsc::Sender<Infallible>);

/// Waits, for a bounded time, until the matching `ExitSignal` is dropped.
#[derive(Debug)]
pub struct ExitWatch(mpsc::Receiver<Infallible>);

pub fn exit_pair() -> (ExitSignal, ExitWatch) {
    let (sender, receiver) = mpsc::channel();
    (ExitSignal(sender), ExitWatch(receiver))
}

impl ExitWatch {
    /// True once the signal is gone; false if `timeout` passed first.
    pub fn wait(&self, timeout: Duration) -> bool {
        matches!(
            self.0.recv_timeout(timeout),
            Err(mpsc::RecvTimeoutError::Disconnected)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_returns_true_once_the_signal_is_dropped() {
        let (signal, watch) = exit_pair();
        assert!(!watch.wait(Duration::ZERO));
        drop(signal);
        assert!(watch.wait(Duration::ZERO));
    }
}
