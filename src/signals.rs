//! SIGINT, SIGTERM and SIGHUP, caught for a clean stop: a terminal's Ctrl+C, what a
//! logout or a service manager sends, a closed terminal. They are caught on Relm4's
//! tokio runtime before any work starts, so that a signal in the first moments stops the
//! work instead of killing the process, and held until there is somewhere to deliver them.

use std::io;
use std::sync::mpsc;

use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::oneshot;

pub struct CaughtSignals {
    interrupt: Signal,
    terminate: Signal,
    hangup: Signal,
}

impl CaughtSignals {
    /// From now on these signals no longer end the process.
    pub fn catch() -> Result<Self, String> {
        let (caught, registered) = mpsc::channel();
        relm4::spawn(async move {
            let streams = || -> io::Result<CaughtSignals> {
                Ok(CaughtSignals {
                    interrupt: signal(SignalKind::interrupt())?,
                    terminate: signal(SignalKind::terminate())?,
                    hangup: signal(SignalKind::hangup())?,
                })
            };
            let _ = caught.send(streams());
        });
        registered
            .recv()
            .map_err(|_| "cannot watch for signals".to_owned())?
            .map_err(|error| format!("cannot watch for signals: {error}"))
    }

    /// Turns every signal, those already caught included, into an `on_signal` call,
    /// until the returned watch is stopped or dropped.
    pub fn deliver_to(self, on_signal: impl Fn() + Send + 'static) -> SignalWatch {
        let Self {
            mut interrupt,
            mut terminate,
            mut hangup,
        } = self;
        let (stop, mut stopped) = oneshot::channel();
        relm4::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    _ = interrupt.recv() => on_signal(),
                    _ = terminate.recv() => on_signal(),
                    _ = hangup.recv() => on_signal(),
                }
            }
        });
        SignalWatch { _stop: stop }
    }
}

/// Delivers caught signals for as long as it is kept.
pub struct SignalWatch {
    _stop: oneshot::Sender<()>,
}
