//! The counting worker's life, seen from the window: launching it, pausing and
//! resuming, switching backend, restarting after a crash, and closing the window.
//!
//! Each state of `CounterLife` owns the worker and the timer it waits with, so leaving
//! a state removes its timer; every worker that stopped is retired through one path.

use std::mem;
use std::time::Duration;

use relm4::adw::prelude::*;
use relm4::{adw, ComponentController, ComponentSender};
use thread_or_process::{Backoff, Command, CrashReason, Launch, OwnedSource, Report, WorkerHandle};

use super::{App, AppEvent, Event, Phase};
use crate::counter::Count;
use crate::fault::FaultyCount;
use crate::i18n::{fill, gettext, numbers};
use crate::job::JobPanelInput;
use crate::stored::WindowState;

/// The longest a counting worker holds back its newest number: a refresh never shows a
/// number more than 50 ms stale. With a GUI delay shorter than that, the worker reports
/// once per GUI delay instead, so every refresh can find a new number.
const LONGEST_REPORT_INTERVAL: Duration = Duration::from_millis(50);
/// How long a closing window, or a backend switch, waits for the worker's `Stopped`.
const SHUTDOWN_FALLBACK: Duration = Duration::from_millis(500);
const FIRST_RESTART_DELAY: Duration = Duration::from_millis(100);
const LONGEST_RESTART_DELAY: Duration = Duration::from_secs(5);

/// Where the counting worker is in its life.
pub(super) enum CounterLife {
    /// Counting (or paused).
    Live(WorkerHandle),
    /// Asked to stop because its backend or delays changed; its successor, as the
    /// settings now say, starts when it has stopped.
    Replacing {
        worker: WorkerHandle,
        _fallback: OwnedSource,
    },
    /// Crashed and retired; a new worker starts when the back-off is over.
    Restarting { _timer: OwnedSource },
    /// Asked to stop for good: the window closes (within its close deadline).
    Stopping(WorkerHandle),
    /// Gone for good; `joined` says whether its thread ended in time.
    Retired { joined: bool },
}

impl App {
    /// Whether the header's backend toggle takes a click: not while a worker is being
    /// replaced.
    pub(super) fn can_switch(&self) -> bool {
        self.phase == Phase::Open && !matches!(self.counter, CounterLife::Replacing { .. })
    }

    fn live_worker(&self) -> Option<&WorkerHandle> {
        match &self.counter {
            CounterLife::Live(worker) => Some(worker),
            _ => None,
        }
    }

    pub(super) fn launch_counter(
        &mut self,
        first_number: u64,
        sender: &ComponentSender<Self>,
    ) -> WorkerHandle {
        self.generation += 1;
        let generation = self.generation;
        let count = Count::from(self.settings.worker_delay.duration(), first_number);
        let launch = Launch {
            backend: self.settings.backend,
            report_interval: self
                .settings
                .gui_delay
                .duration()
                .min(LONGEST_REPORT_INTERVAL),
            running: self.label.running(),
        };
        let receiver = sender.command_sender();
        let transform = move |report| AppEvent(Event::Counter { generation, report });
        let worker = match self.faults.pop_front() {
            Some(plan) => {
                self.launcher
                    .launch(FaultyCount::new(count, plan), launch, receiver, transform)
            }
            None => self.launcher.launch(count, launch, receiver, transform),
        };
        self.label.set_backend(self.settings.backend);
        worker
    }

    /// The number after the newest one reported: where a new worker continues.
    fn next_number(&self) -> u64 {
        self.label
            .newest()
            .map_or(0, |number| number.saturating_add(1))
    }

    pub(super) fn start_refreshing(&mut self, sender: &ComponentSender<Self>) {
        if self.refresh.is_none() {
            let sender = sender.command_sender().clone();
            let period = self.settings.gui_delay.duration();
            self.refresh = Some(OwnedSource::every(period, move || {
                sender.emit(AppEvent(Event::Refresh));
            }));
        }
    }

    pub(super) fn set_running(&mut self, running: bool, sender: &ComponentSender<Self>) {
        self.job_panel.emit(JobPanelInput::SetRunning(running));
        let command = if running {
            self.label.start();
            self.start_refreshing(sender);
            Command::Start
        } else {
            self.label.pause();
            self.refresh = None;
            Command::Pause
        };
        if let Some(worker) = self.live_worker() {
            worker.emit(command);
        }
    }

    pub(super) fn reset(&self) {
        if let Some(worker) = self.live_worker() {
            worker.emit(Command::Reset);
        }
    }

    /// The counting worker's backend or delays changed: a new worker takes over from
    /// where the current one stops. While none runs (a restart is pending, or one is
    /// being replaced already), the next one is started as the settings then say.
    pub(super) fn replace_counter(&mut self, sender: &ComponentSender<Self>) {
        self.counter = match self.take_counter() {
            CounterLife::Live(worker) => {
                worker.emit(Command::Shutdown);
                CounterLife::Replacing {
                    worker,
                    _fallback: stop_fallback(sender),
                }
            }
            other => other,
        };
    }

    pub(super) fn restart(&mut self, sender: &ComponentSender<Self>) {
        if self.phase == Phase::Open && matches!(self.counter, CounterLife::Restarting { .. }) {
            self.counter = CounterLife::Live(self.launch_counter(self.next_number(), sender));
        }
    }

    pub(super) fn begin_close(
        &mut self,
        window: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        if self.phase != Phase::Open {
            return;
        }
        self.phase = Phase::Closing;
        let (width, height) = window.default_size();
        self.stored.save_window(WindowState {
            width,
            height,
            maximized: window.is_maximized(),
        });
        window.set_visible(false);
        self.refresh = None;
        // Let the session go while the application can still tell it.
        self.inhibition = None;
        self.job_panel.emit(JobPanelInput::Shutdown);
        // Every worker (the counter's, the job's) has this long to stop; one stuck in its
        // code cannot be stopped from outside, and is left to end with the process.
        let deadline = sender.command_sender().clone();
        self.close_deadline = Some(OwnedSource::once(SHUTDOWN_FALLBACK, move || {
            deadline.emit(AppEvent(Event::CloseTimedOut));
        }));
        self.counter = match self.take_counter() {
            CounterLife::Live(worker) => {
                worker.emit(Command::Shutdown);
                CounterLife::Stopping(worker)
            }
            // Shutdown was sent already: keep waiting for the same answer.
            CounterLife::Replacing { worker, .. } => CounterLife::Stopping(worker),
            stopping @ CounterLife::Stopping(_) => stopping,
            CounterLife::Restarting { .. } => CounterLife::Retired { joined: true },
            retired @ CounterLife::Retired { .. } => retired,
        };
        self.maybe_finish_close();
    }

    /// Closing ends once the counting worker is retired and the job panel shut down.
    pub(super) fn maybe_finish_close(&mut self) {
        if let (Phase::Closing, CounterLife::Retired { joined }, true) =
            (self.phase, &self.counter, self.job_panel_shut_down)
        {
            self.finish_close(*joined);
        }
    }

    fn finish_close(&mut self, worker_joined: bool) {
        self.close_deadline = None;
        if !worker_joined {
            tracing::error!("the worker did not stop in time; quitting without it");
        }
        self.phase = Phase::Closed { worker_joined };
        relm4::main_application().quit();
    }

    pub(super) fn on_counter(&mut self, report: Report<u64>, sender: &ComponentSender<Self>) {
        match report {
            Report::Started => {}
            Report::News(number) => {
                self.restarts.recovered();
                self.label.receive(number);
            }
            Report::Cleared => self.label.clear(),
            Report::Paused(last) => self.label.confirm_paused(last),
            Report::Finished(last) => {
                self.label.finished(last);
                self.refresh = None;
            }
            Report::Stopped(last) => {
                self.label.receive_last(last);
                self.on_stopped(last, sender);
            }
            Report::Crashed(reason) => self.on_crash(&reason, sender),
        }
    }

    fn on_stopped(&mut self, last: Option<u64>, sender: &ComponentSender<Self>) {
        self.counter = match self.take_counter() {
            CounterLife::Replacing { worker, .. } => {
                worker.retire();
                let first = last.map_or_else(|| self.next_number(), |n| n.saturating_add(1));
                CounterLife::Live(self.launch_counter(first, sender))
            }
            CounterLife::Stopping(worker) => CounterLife::Retired {
                joined: worker.retire(),
            },
            other => other,
        };
        self.maybe_finish_close();
    }

    /// The close deadline passed with a worker still running: quit without it.
    pub(super) fn on_close_timed_out(&mut self) {
        if self.phase == Phase::Closing {
            if let CounterLife::Stopping(worker) = self.take_counter() {
                drop(worker);
            }
            self.counter = CounterLife::Retired { joined: false };
            self.finish_close(false);
        }
    }

    fn on_crash(&mut self, reason: &CrashReason, sender: &ComponentSender<Self>) {
        self.counter = match self.take_counter() {
            CounterLife::Live(worker) => {
                // Its thread is on its way out (or has reaped its child already).
                worker.retire();
                let delay = self.restarts.crashed();
                self.toasts.push(fill(
                    // Translators: {} is why the worker stopped ("Worker panicked"),
                    // then the seconds until a new worker starts.
                    &gettext("{}; restarting in {} s"),
                    &[
                        &crate::crash::describe(reason),
                        &numbers().decimal(delay.as_secs_f64(), 1),
                    ],
                ));
                let sender = sender.command_sender().clone();
                CounterLife::Restarting {
                    _timer: OwnedSource::once(delay, move || {
                        sender.emit(AppEvent(Event::Restart));
                    }),
                }
            }
            CounterLife::Replacing { worker, .. } => {
                worker.retire();
                CounterLife::Live(self.launch_counter(self.next_number(), sender))
            }
            CounterLife::Stopping(worker) => CounterLife::Retired {
                joined: worker.retire(),
            },
            other => other,
        };
        self.maybe_finish_close();
    }

    /// A worker asked to stop did not answer. A hung thread cannot be stopped from
    /// outside: it is left to end with the process.
    pub(super) fn on_stop_timed_out(&mut self, sender: &ComponentSender<Self>) {
        match self.take_counter() {
            CounterLife::Replacing { worker, .. } => {
                drop(worker);
                self.toasts
                    .push(gettext("Worker did not stop; a new one took over"));
                self.counter = CounterLife::Live(self.launch_counter(self.next_number(), sender));
            }
            other => self.counter = other,
        }
    }

    fn take_counter(&mut self) -> CounterLife {
        mem::replace(&mut self.counter, CounterLife::Retired { joined: true })
    }
}

/// Tells the App when a worker asked to stop has had long enough to answer.
fn stop_fallback(sender: &ComponentSender<App>) -> OwnedSource {
    let sender = sender.command_sender().clone();
    OwnedSource::once(SHUTDOWN_FALLBACK, move || {
        sender.emit(AppEvent(Event::StopTimedOut));
    })
}

/// The counting worker's restarts after crashes in a row: 0.1 s, 0.2 s, 0.4 s, ... at
/// most 5 s.
pub(super) fn restarts() -> Backoff {
    Backoff::new(FIRST_RESTART_DELAY, LONGEST_RESTART_DELAY)
}
