//! Joining a worker's thread, which Relm4 never joins, and ending it safely.
//!
//! The worker's state holds an `ExitSignal`, which Relm4 drops on the worker's own thread
//! once the worker has stopped. Two hazards lie there, both in how GLib frees a main
//! context (GLib 2.74, Debian 12): the worker's thread frees its own context when it
//! ends, and another thread that is still waking (or letting go of) a waker of that
//! context at that moment writes into freed memory, which corrupts the heap.
//!
//! - The owner wakes the worker's context as it drops the worker's controller (Relm4's
//!   shutdown-on-drop). So the dropped signal first waits until the owner says it has
//!   let go of the controller (`ExitWatch::wait`, or dropping the watch).
//! - Whoever waits for the end of the thread may then free contexts the worker's thread
//!   still wakes while it lets go of its last channels. So the end is announced only
//!   when the thread itself exits, after all of that: a true join.

use std::cell::RefCell;
use std::convert::Infallible;
use std::sync::mpsc;
use std::time::Duration;

/// Held by the worker's state; see the module's comment for what dropping it does.
#[derive(Debug)]
pub(crate) struct ExitSignal {
    exited: Option<mpsc::Sender<Infallible>>,
    released: mpsc::Receiver<Infallible>,
}

/// Held by the worker's owner, next to (and dropped after) the worker's controller.
#[derive(Debug)]
pub(crate) struct ExitWatch {
    released: Option<mpsc::Sender<Infallible>>,
    exited: mpsc::Receiver<Infallible>,
}

pub(crate) fn exit_pair() -> (ExitSignal, ExitWatch) {
    let (exited_sender, exited) = mpsc::channel();
    let (released_sender, released) = mpsc::channel();
    let signal = ExitSignal {
        exited: Some(exited_sender),
        released,
    };
    let watch = ExitWatch {
        released: Some(released_sender),
        exited,
    };
    (signal, watch)
}

impl ExitWatch {
    /// Lets the worker's thread end (call it once the controller is dropped), then waits
    /// for the thread's end. True once the thread has ended; false if `timeout` passed
    /// first.
    pub(crate) fn wait(&mut self, timeout: Duration) -> bool {
        self.released.take();
        matches!(
            self.exited.recv_timeout(timeout),
            Err(mpsc::RecvTimeoutError::Disconnected)
        )
    }
}

thread_local! {
    /// Announcements of this thread's end: dropped by the thread's exit, after everything
    /// the thread's own code held.
    static AT_THREAD_EXIT: RefCell<Vec<mpsc::Sender<Infallible>>> = const { RefCell::new(Vec::new()) };
}

impl Drop for ExitSignal {
    fn drop(&mut self) {
        // Only a dropped sender ever ends this wait: nothing is ever sent.
        let _ = self.released.recv();
        if let Some(exited) = self.exited.take() {
            // Fails only while the thread is already exiting; the sender then drops
            // here, at the thread's end anyway.
            let _ =
                AT_THREAD_EXIT.try_with(|announcements| announcements.borrow_mut().push(exited));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    #[test]
    fn the_end_is_announced_when_the_signals_thread_exits_not_when_it_is_dropped() {
        let (signal, mut watch) = exit_pair();
        let (go_on, hold) = mpsc::channel::<()>();
        let (dropped, signal_dropped) = mpsc::channel();
        let thread = thread::spawn(move || {
            drop(signal);
            dropped.send(()).expect("the test waits");
            let _ = hold.recv();
        });
        assert!(
            !watch.wait(Duration::ZERO),
            "the thread cannot have ended yet"
        );
        signal_dropped
            .recv()
            .expect("the signal is dropped once released");
        assert!(!watch.wait(Duration::ZERO), "the thread still runs");
        drop(go_on);
        thread.join().expect("the thread ends");
        assert!(watch.wait(Duration::ZERO));
    }

    #[test]
    fn dropping_the_signal_waits_until_the_owner_lets_go() {
        let (signal, watch) = exit_pair();
        let (dropped, signal_dropped) = mpsc::channel();
        let thread = thread::spawn(move || {
            drop(signal);
            dropped.send(()).expect("the test waits");
        });
        assert_eq!(
            signal_dropped.recv_timeout(Duration::from_millis(50)),
            Err(mpsc::RecvTimeoutError::Timeout)
        );
        drop(watch);
        signal_dropped
            .recv()
            .expect("released by dropping the watch");
        thread.join().expect("the thread ends");
    }
}
