//! Closing the window, the App's side of it, from the request to the quit: the question
//! asked while a job runs, `Shutdown` to the counter panel, the job panel and the
//! Compare page, the
//! deadline they have to answer by, which of them has answered, and `CloseNow` from
//! scripts and signals (caught in the binary's `signals.rs`) or at the end of a job run
//! with `--quit-when-done`, which never asks.
//!
//! The workers' side is in the panels: each stops its workers and says `Stopped`.

use std::time::Duration;

use relm4::adw::prelude::*;
use relm4::{adw, ComponentController, ComponentSender};
use thread_or_process::OwnedSource;

use super::{App, AppEvent, AppInput, Event};
use crate::compare::ComparePageInput;
use crate::counter::CounterPanelInput;
use crate::job::{JobPanelInput, JobState};
use crate::stored::WindowState;

/// How long the workers (the counter's, the job's) have to stop once the window closes;
/// one stuck in its code cannot be stopped from outside, and is left to end with the
/// process.
const CLOSE_DEADLINE: Duration = Duration::from_millis(500);

/// Where the window is in closing.
pub(super) enum Closing {
    /// Open; `asking` while the question "Stop the job and close?" shows;
    /// `quit_when_job_done` for `--quit-when-done`.
    Open {
        asking: bool,
        quit_when_job_done: bool,
    },
    /// `Shutdown` went to both panels; waiting for their `Stopped` until the deadline.
    Waiting {
        _deadline: OwnedSource,
        /// `Some(joined)` once the counter panel answered.
        counter_joined: Option<bool>,
        job_panel_stopped: bool,
        compare_page_stopped: bool,
    },
    /// Every worker answered (or the deadline passed); quit was asked.
    Closed { worker_joined: bool },
}

/// Where the app is in its life, as scripts and tests see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Open,
    /// Shutdown sent to every worker, waiting for them to stop.
    Closing,
    /// Every worker answered and was retired (or the deadline passed); quit asked.
    Closed {
        worker_joined: bool,
    },
}

impl Closing {
    pub(super) fn is_open(&self) -> bool {
        matches!(self, Self::Open { .. })
    }

    pub(super) fn phase(&self) -> Phase {
        match self {
            Self::Open { .. } => Phase::Open,
            Self::Waiting { .. } => Phase::Closing,
            Self::Closed { worker_joined } => Phase::Closed {
                worker_joined: *worker_joined,
            },
        }
    }
}

impl App {
    /// The user closes the window (its close button, Ctrl+W, Ctrl+Q): while a job runs,
    /// ask first, once; once no job runs, close.
    pub(super) fn close_requested(
        &mut self,
        window: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        let job_running = self
            .job_panel
            .model()
            .state()
            .is_some_and(JobState::is_running);
        match &mut self.closing {
            Closing::Open { .. } if !job_running => self.close_now(window, sender),
            Closing::Open { asking, .. } if !*asking => {
                *asking = true;
                let answers = sender.input_sender().clone();
                crate::modals::close_question::ask(window, move |close| {
                    answers.emit(AppInput::CloseAnswered { close });
                });
            }
            _ => {}
        }
    }

    /// The user answered the question: close, or keep the window and its job.
    pub(super) fn close_answered(
        &mut self,
        close: bool,
        window: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        if let Closing::Open { asking, .. } = &mut self.closing {
            *asking = false;
            if close {
                self.close_now(window, sender);
            }
        }
    }

    /// Closes without asking: the window goes, every worker is told to stop, and the app
    /// quits once they have, or at the deadline.
    pub(super) fn close_now(
        &mut self,
        window: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        if !self.closing.is_open() {
            return;
        }
        let (width, height) = window.default_size();
        self.stored.save_window(WindowState {
            width,
            height,
            maximized: window.is_maximized(),
        });
        window.set_visible(false);
        // Let the session go while the application can still tell it.
        self.inhibition = None;
        let events = sender.command_sender().clone();
        self.closing = Closing::Waiting {
            _deadline: OwnedSource::once(CLOSE_DEADLINE, move || {
                events.emit(AppEvent(Event::CloseDeadline));
            }),
            counter_joined: None,
            job_panel_stopped: false,
            compare_page_stopped: false,
        };
        self.counter_panel.emit(CounterPanelInput::Shutdown);
        self.job_panel.emit(JobPanelInput::Shutdown);
        self.compare_page.emit(ComparePageInput::Shutdown);
    }

    /// The job is done: with `--quit-when-done`, close.
    pub(super) fn on_job_done(
        &mut self,
        window: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        if let Closing::Open {
            quit_when_job_done: true,
            ..
        } = self.closing
        {
            self.close_now(window, sender);
        }
    }

    pub(super) fn on_counter_stopped(&mut self, joined: bool) {
        if let Closing::Waiting { counter_joined, .. } = &mut self.closing {
            *counter_joined = Some(joined);
        }
        self.quit_once_all_stopped();
    }

    pub(super) fn on_job_panel_stopped(&mut self) {
        if let Closing::Waiting {
            job_panel_stopped, ..
        } = &mut self.closing
        {
            *job_panel_stopped = true;
        }
        self.quit_once_all_stopped();
    }

    pub(super) fn on_compare_page_stopped(&mut self) {
        if let Closing::Waiting {
            compare_page_stopped,
            ..
        } = &mut self.closing
        {
            *compare_page_stopped = true;
        }
        self.quit_once_all_stopped();
    }

    /// The deadline passed with a worker still running: quit without it.
    pub(super) fn on_close_deadline(&mut self) {
        if let Closing::Waiting {
            counter_joined,
            job_panel_stopped,
            compare_page_stopped,
            ..
        } = self.closing
        {
            if counter_joined.is_none() {
                tracing::error!("the counting worker did not stop in time");
            }
            if !job_panel_stopped {
                tracing::error!("the job's workers did not stop in time");
            }
            if !compare_page_stopped {
                tracing::error!("the comparison's workers did not stop in time");
            }
            self.quit(false);
        }
    }

    fn quit_once_all_stopped(&mut self) {
        if let Closing::Waiting {
            counter_joined: Some(joined),
            job_panel_stopped: true,
            compare_page_stopped: true,
            ..
        } = self.closing
        {
            self.quit(joined);
        }
    }

    fn quit(&mut self, worker_joined: bool) {
        if !worker_joined {
            tracing::error!("quitting without the workers that did not stop in time");
        }
        self.closing = Closing::Closed { worker_joined };
        relm4::main_application().quit();
    }
}
