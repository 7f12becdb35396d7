//! The counting worker's life, seen from the window: launching it, pausing and
//! resuming, switching backend, restarting after a crash, and closing the window.

use std::time::Duration;

use relm4::adw::prelude::*;
use relm4::gtk::glib;
use relm4::ComponentSender;

use super::{App, AppInput, Phase};
use crate::job_run::JobRun;
use crate::settings::Backend;
use crate::stored::WindowState;
use crate::worker::{WorkerInit, WorkerInput, WorkerOutput, WorkerRun};

/// Upper bound on reports per second from the worker, whatever the GUI delay.
const FASTEST_REPORTS: Duration = Duration::from_millis(50);
/// How long a closing window, or a backend switch, waits for the worker's `Stopped`.
const SHUTDOWN_FALLBACK: Duration = Duration::from_millis(500);
/// How long to wait for the worker's thread to end once it answered `Stopped`.
const JOIN_TIMEOUT: Duration = Duration::from_millis(100);
/// Restart delays after crashes in a row: 0.1 s, 0.2 s, 0.4 s, ... at most 5 s.
const FIRST_RESTART_DELAY: Duration = Duration::from_millis(100);
const LONGEST_RESTART_DELAY: Duration = Duration::from_secs(5);

impl App {
    pub(super) fn can_switch(&self) -> bool {
        self.phase == Phase::Open && !self.switching
    }

    pub(super) fn emit(&self, input: WorkerInput) {
        if let Some(worker) = &self.worker {
            worker.emit(input);
        }
    }

    pub(super) fn launch_worker(&mut self, first_number: u64, sender: &ComponentSender<Self>) {
        self.generation += 1;
        let generation = self.generation;
        let placement = self.placement();
        let init = WorkerInit {
            delay: self.settings.worker_delay.duration(),
            report_interval: self.settings.gui_delay.duration().min(FASTEST_REPORTS),
            first_number,
            limit: None,
            echo: None,
            running: self.label.running(),
            fault: self.faults.pop_front(),
            job: None,
        };
        let run = WorkerRun::launch(placement, init, sender.input_sender(), move |output| {
            AppInput::Worker { generation, output }
        });
        self.label.set_backend(self.settings.backend);
        self.worker = Some(run);
    }

    /// The number after the newest one reported: where a new worker continues.
    pub(super) fn next_number(&self) -> u64 {
        self.label
            .newest()
            .map_or(0, |number| number.saturating_add(1))
    }

    pub(super) fn start_refreshing(&mut self, sender: &ComponentSender<Self>) {
        if self.refresh_timer.is_none() {
            let sender = sender.clone();
            let id = glib::timeout_add_local(self.settings.gui_delay.duration(), move || {
                sender.input(AppInput::Refresh);
                glib::ControlFlow::Continue
            });
            self.refresh_timer = Some(id);
        }
    }

    pub(super) fn stop_refreshing(&mut self) {
        if let Some(id) = self.refresh_timer.take() {
            id.remove();
        }
    }

    pub(super) fn set_running(&mut self, running: bool, sender: &ComponentSender<Self>) {
        if let Some(job) = &self.job {
            job.set_running(running);
        }
        if running {
            self.label.start();
            self.emit(WorkerInput::Start);
            self.start_refreshing(sender);
        } else {
            self.label.pause();
            self.emit(WorkerInput::Pause);
            self.stop_refreshing();
        }
    }

    /// Asks the current worker to stop, with a fallback should it not answer.
    pub(super) fn stop_worker(&mut self, sender: &ComponentSender<Self>) {
        self.emit(WorkerInput::Shutdown);
        self.arm_fallback(sender);
    }

    pub(super) fn arm_fallback(&mut self, sender: &ComponentSender<Self>) {
        if self.fallback_timer.is_none() {
            let sender = sender.clone();
            let id = glib::timeout_add_local_once(SHUTDOWN_FALLBACK, move || {
                sender.input(AppInput::StopTimedOut)
            });
            self.fallback_timer = Some(id);
        }
    }

    pub(super) fn cancel_fallback(&mut self) {
        if let Some(id) = self.fallback_timer.take() {
            id.remove();
        }
    }

    pub(super) fn switch_backend(&mut self, backend: Backend, sender: &ComponentSender<Self>) {
        if backend == self.settings.backend || !self.can_switch() {
            return;
        }
        self.settings.backend = backend;
        if self.worker.is_some() {
            self.switching = true;
            self.stop_worker(sender);
        }
        // With no worker (a restart is pending), the restart uses the new backend.
    }

    /// The old worker of a switch is gone: its successor continues the count.
    pub(super) fn complete_switch(&mut self, last: Option<u64>, sender: &ComponentSender<Self>) {
        self.switching = false;
        let first = last.map_or_else(|| self.next_number(), |number| number.saturating_add(1));
        self.launch_worker(first, sender);
    }

    pub(super) fn begin_close(&mut self, sender: &ComponentSender<Self>) {
        if !matches!(self.phase, Phase::Open) {
            return;
        }
        self.phase = Phase::Closing;
        let (width, height) = self.window.default_size();
        self.stored.save_window(WindowState {
            width,
            height,
            maximized: self.window.is_maximized(),
        });
        self.window.set_visible(false);
        self.stop_refreshing();
        self.stop_probe();
        if let Some(id) = self.restart_timer.take() {
            id.remove();
        }
        if let Some(job) = &mut self.job {
            job.cancel();
        }
        self.emit(WorkerInput::Shutdown);
        self.arm_fallback(sender);
        self.maybe_finish_close();
    }

    /// Closing ends once the counting worker and every job worker are joined.
    pub(super) fn maybe_finish_close(&mut self) {
        let job_gone = self.job.as_ref().is_none_or(JobRun::all_gone);
        if self.phase == Phase::Closing && self.worker.is_none() && job_gone {
            self.finish_close(true);
        }
    }

    pub(super) fn finish_close(&mut self, worker_joined: bool) {
        self.cancel_fallback();
        if !worker_joined {
            eprintln!("offload: the worker did not stop in time; quitting without it");
        }
        self.phase = Phase::Closed { worker_joined };
        relm4::main_application().quit();
    }

    pub(super) fn on_worker(&mut self, output: WorkerOutput, sender: &ComponentSender<Self>) {
        match output {
            WorkerOutput::Counted(number) => {
                self.crashes_in_a_row = 0;
                self.label.receive(number);
            }
            WorkerOutput::Cleared => self.label.clear(),
            WorkerOutput::Paused { last } => self.label.confirm_paused(last),
            WorkerOutput::Finished { last } => {
                self.label.finished(last);
                self.stop_refreshing();
            }
            WorkerOutput::Stopped { last } => {
                self.cancel_fallback();
                self.label.receive_last(last);
                if self.phase == Phase::Closing {
                    if let Some(worker) = self.worker.take() {
                        worker.join(JOIN_TIMEOUT);
                    }
                    self.maybe_finish_close();
                } else if self.switching {
                    if let Some(worker) = self.worker.take() {
                        worker.join(JOIN_TIMEOUT);
                    }
                    self.complete_switch(last, sender);
                }
            }
            WorkerOutput::Crashed { reason } => self.on_crash(&reason, sender),
            // The counting worker runs no job.
            WorkerOutput::JobProgress(_) | WorkerOutput::JobDone(_) => {}
        }
    }

    pub(super) fn on_crash(&mut self, reason: &str, sender: &ComponentSender<Self>) {
        self.cancel_fallback();
        if let Some(worker) = self.worker.take() {
            // Its thread is on its way out (or has reaped its child already).
            worker.join(JOIN_TIMEOUT);
        }
        if self.phase == Phase::Closing {
            self.maybe_finish_close();
            return;
        }
        if self.switching {
            self.switching = false;
            self.launch_worker(self.next_number(), sender);
            return;
        }
        let delay = restart_delay(self.crashes_in_a_row);
        self.crashes_in_a_row += 1;
        self.toast(&format!(
            "Worker {reason}; restarting in {:.1} s",
            delay.as_secs_f64()
        ));
        let sender = sender.clone();
        let id = glib::timeout_add_local_once(delay, move || sender.input(AppInput::Restart));
        self.restart_timer = Some(id);
    }

    pub(super) fn on_stop_timed_out(&mut self, sender: &ComponentSender<Self>) {
        self.fallback_timer = None;
        if self.phase == Phase::Closing {
            self.finish_close(false);
        } else if self.switching {
            // A hung worker's thread cannot be stopped from outside; it is left to end
            // with the process, and a fresh worker takes over.
            self.worker = None;
            self.toast("Worker did not stop; a new one took over");
            self.complete_switch(None, sender);
        }
    }
}

/// Back-off: each crash in a row doubles the wait before the next restart.
fn restart_delay(crashes_before: u32) -> Duration {
    FIRST_RESTART_DELAY
        .saturating_mul(2u32.saturating_pow(crashes_before))
        .min(LONGEST_RESTART_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restarts_back_off_doubling_up_to_a_ceiling() {
        let delays: Vec<u128> = (0..8).map(|n| restart_delay(n).as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
        assert_eq!(restart_delay(u32::MAX), LONGEST_RESTART_DELAY);
    }
}
