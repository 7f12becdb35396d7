//! The heavy job and the responsiveness probe, seen from the window: starting and
//! cancelling the job, combining its reports, and sampling the main loop's lateness.

use std::time::{Duration, Instant};

use relm4::gtk::{glib, prelude::*};
use relm4::ComponentSender;

use super::{App, AppInput, Phase, Probe};
use crate::job_run::JobRun;
use crate::job_state::JobOutcome;
use crate::responsiveness::{Sample, PROBE_INTERVAL};
use crate::settings::Backend;
use crate::worker::{Placement, WorkerOutput};

/// Redraw the chart once every this many probe samples.
const CHART_REDRAW_EVERY: usize = 5;

impl App {
    pub(super) fn start_probe(&mut self, sender: &ComponentSender<Self>) {
        if self.probe.is_some() {
            return;
        }
        self.history.borrow_mut().clear();
        let sender = sender.clone();
        let mut expected = Instant::now() + PROBE_INTERVAL;
        let timer = glib::timeout_add_local(PROBE_INTERVAL, move || {
            let now = Instant::now();
            sender.input(AppInput::Probe(now.saturating_duration_since(expected)));
            // GLib schedules the next run from this dispatch, not from the last deadline.
            expected = now + PROBE_INTERVAL;
            glib::ControlFlow::Continue
        });
        self.probe = Some(Probe {
            timer,
            started: Instant::now(),
        });
    }

    pub(super) fn stop_probe(&mut self) {
        if let Some(probe) = self.probe.take() {
            probe.timer.remove();
        }
    }

    pub(super) fn record_probe(&mut self, lateness: Duration) {
        let Some(probe) = &self.probe else { return };
        let rate = self
            .job
            .as_ref()
            .filter(|job| job.state().is_running())
            .and_then(|job| job.state().rate())
            .unwrap_or(0.0);
        let mut history = self.history.borrow_mut();
        history.push(Sample {
            at: probe.started.elapsed(),
            lateness,
            rate,
        });
        // Redrawing costs the job CPU time (software rendering above all): twice a
        // second is smooth enough for a one-minute chart.
        if history.len() % CHART_REDRAW_EVERY == 0 {
            self.chart.queue_draw();
        }
    }

    pub(super) fn job_running(&self) -> bool {
        self.job
            .as_ref()
            .is_some_and(|job| job.state().is_running())
    }

    pub(super) fn start_job(&mut self, sender: &ComponentSender<Self>) {
        if self.job_running() || self.phase != Phase::Open {
            return;
        }
        self.job_generation += 1;
        let generation = self.job_generation;
        let job = JobRun::launch(
            &self.placement(),
            self.job_request.upto,
            self.job_request.workers,
            sender.input_sender(),
            move |part, output| AppInput::Job {
                generation,
                part,
                output,
            },
        );
        if !self.label.running() {
            job.set_running(false);
        }
        self.job = Some(job);
        self.start_probe(sender);
    }

    pub(super) fn on_job(
        &mut self,
        part: usize,
        output: WorkerOutput,
        sender: &ComponentSender<Self>,
    ) {
        let Some(job) = &mut self.job else { return };
        let was_running = job.state().is_running();
        job.handle(part, output);
        if was_running && !job.state().is_running() {
            if !self.probe_always {
                self.stop_probe();
            }
            let Some(job) = &self.job else { return };
            match job.state().outcome() {
                JobOutcome::Failed(reason) => {
                    let text = format!("Job failed: worker {reason}");
                    self.toast(&text);
                }
                JobOutcome::Done { .. } if self.quit_when_done => self.begin_close(sender),
                _ => {}
            }
        }
        self.maybe_finish_close();
    }

    pub(super) fn placement(&self) -> Placement {
        match self.settings.backend {
            Backend::Thread => Placement::Thread,
            Backend::Process => Placement::Process {
                program: self.child_program.clone(),
            },
        }
    }
}
