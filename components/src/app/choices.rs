//! The user's choices, seen from the window: the stored ones are the truth, a
//! command-line override stands until the user makes that choice again, and a change
//! from anywhere (this window, Preferences, another window, dconf-editor) applies at once.

use std::mem;

use relm4::{ComponentController, ComponentSender};

use super::{App, Phase};
use crate::job::{default_parts, JobPanelInput, JobRequest};
use crate::modals::preferences::PreferencesInput;
use crate::settings::{Choice, RunSettings};

impl App {
    /// The user made `choice` here: it is stored, ends its override, and applies.
    pub(super) fn choose(&mut self, choice: Choice, sender: &ComponentSender<Self>) {
        if self.phase != Phase::Open {
            return;
        }
        self.overrides.end(choice);
        self.stored.save(choice);
        self.apply(self.settings.with(choice), sender);
    }

    /// A stored choice changed: what changed ends its override, and applies.
    pub(super) fn on_stored_changed(&mut self, sender: &ComponentSender<Self>) {
        if self.phase != Phase::Open {
            return;
        }
        let now = self.stored.load();
        for choice in now.changes_since(&self.remembered) {
            self.overrides.end(choice);
        }
        self.remembered = now;
        self.apply(self.remembered.run_settings(self.overrides), sender);
    }

    /// Puts `next` in force: the counter goes on with a new worker when its backend or
    /// delays changed (the same handshake as a backend switch, so no number is lost or
    /// repeated); the job's size and workers apply to the next job.
    fn apply(&mut self, next: RunSettings, sender: &ComponentSender<Self>) {
        let before = mem::replace(&mut self.settings, next);
        if next == before {
            return;
        }
        if (next.job_upto, next.job_workers) != (before.job_upto, before.job_workers) {
            self.job_panel
                .emit(JobPanelInput::SetRequest(job_request(next)));
        }
        if next.backend != before.backend {
            self.job_panel.emit(JobPanelInput::SetBackend(next.backend));
        }
        if next.gui_delay != before.gui_delay && self.refresh.is_some() {
            self.refresh = None;
            self.start_refreshing(sender);
        }
        let counting =
            |settings: RunSettings| (settings.backend, settings.worker_delay, settings.gui_delay);
        if counting(next) != counting(before) {
            self.replace_counter(sender);
        }
        if let Some(preferences) = &self.preferences {
            preferences.emit(PreferencesInput::Show(next));
        }
    }
}

/// The job that `settings` ask for.
pub(super) fn job_request(settings: RunSettings) -> JobRequest {
    let workers = match settings.job_workers {
        0 => default_parts(),
        workers => workers as usize,
    };
    JobRequest {
        upto: settings.job_upto,
        workers,
    }
}
