//! `offload headless`: the same Worker component, no window, printing the seed's
//! "Other thread: N" lines. Ends after `--count` numbers, on Ctrl+C or on SIGTERM,
//! always through the worker's typed Shutdown.

use std::io::{self, BufWriter};
use std::thread;
use std::time::Duration;

use offload_components::settings::Delay;
use offload_components::worker::{Placement, WorkerInit, WorkerInput, WorkerOutput, WorkerRun};
use relm4::gtk::glib;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::oneshot;

/// Headless reports only decide when to stop; a few per second are plenty.
const REPORT_INTERVAL: Duration = Duration::from_millis(100);
const JOIN_TIMEOUT: Duration = Duration::from_millis(500);

pub fn run(worker_delay: Delay, count: Option<u64>) -> Result<(), String> {
    let main_loop = glib::MainLoop::new(None, false);
    let (sender, receiver) = relm4::channel::<WorkerOutput>();
    let worker = WorkerRun::launch(
        Placement::Thread,
        WorkerInit {
            delay: worker_delay.duration(),
            report_interval: REPORT_INTERVAL,
            first_number: 0,
            limit: count,
            echo: Some(Box::new(BufWriter::new(io::stdout()))),
            running: true,
            fault: None,
        },
        &sender,
        |output| output,
    );
    let signals = SignalWatch::start(worker.sender())?;

    let quit = main_loop.clone();
    let worker_input = worker.sender();
    glib::MainContext::default().spawn_local(async move {
        while let Some(output) = receiver.recv().await {
            match output {
                WorkerOutput::Finished { .. } => worker_input.emit(WorkerInput::Shutdown),
                WorkerOutput::Stopped { .. } | WorkerOutput::Crashed { .. } => break,
                WorkerOutput::Counted(_) | WorkerOutput::Cleared | WorkerOutput::Paused { .. } => {}
            }
        }
        quit.quit();
    });
    main_loop.run();

    signals.stop();
    if worker.join(JOIN_TIMEOUT) {
        Ok(())
    } else {
        Err("the worker did not stop in time".to_owned())
    }
}

/// A thread that turns SIGINT and SIGTERM into the worker's Shutdown until stopped.
struct SignalWatch {
    stop: oneshot::Sender<()>,
    thread: thread::JoinHandle<()>,
}

impl SignalWatch {
    fn start(worker: relm4::Sender<WorkerInput>) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .map_err(|error| format!("cannot watch for signals: {error}"))?;
        let (mut interrupt, mut terminate) = runtime
            .block_on(async {
                Ok::<_, io::Error>((
                    signal(SignalKind::interrupt())?,
                    signal(SignalKind::terminate())?,
                ))
            })
            .map_err(|error| format!("cannot watch for signals: {error}"))?;
        let (stop, mut stopped) = oneshot::channel();
        let thread = thread::Builder::new()
            .name("signal-watch".into())
            .spawn(move || {
                runtime.block_on(async move {
                    loop {
                        tokio::select! {
                            _ = &mut stopped => break,
                            _ = interrupt.recv() => worker.emit(WorkerInput::Shutdown),
                            _ = terminate.recv() => worker.emit(WorkerInput::Shutdown),
                        }
                    }
                });
            })
            .map_err(|error| format!("cannot watch for signals: {error}"))?;
        Ok(Self { stop, thread })
    }

    fn stop(self) {
        let _ = self.stop.send(());
        if self.thread.join().is_err() {
            eprintln!("offload: the signal watch ended abnormally");
        }
    }
}
