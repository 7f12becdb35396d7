//! Long work is safe: closing during a job asks first, the session neither suspends
//! nor logs out while a job runs, and a job that ends behind other windows says so in a
//! notification.

use relm4::adw::prelude::*;
use relm4::gtk::gio;
use relm4::{adw, gtk, ComponentController, ComponentSender};

use super::{App, AppInput};
use crate::i18n::gettext;
use crate::job::JobOutcome;

/// While a job runs: the session manager's promise not to suspend or log out, kept
/// until this is dropped.
pub(super) struct Inhibition(u32);

impl Inhibition {
    /// Asks the session not to suspend or log out while `window`'s job runs; without a
    /// session manager (or the portal in a sandbox), or outside a running application
    /// (the bench, tests), there is nobody to ask.
    pub(super) fn during_job(window: &adw::ApplicationWindow) -> Option<Self> {
        let application = relm4::main_application();
        if !application.is_registered() {
            return None;
        }
        let cookie = application.inhibit(
            Some(window),
            gtk::ApplicationInhibitFlags::SUSPEND | gtk::ApplicationInhibitFlags::LOGOUT,
            Some(&gettext("Offload is counting primes")),
        );
        (cookie != 0).then(|| Self(cookie))
    }
}

impl Drop for Inhibition {
    fn drop(&mut self) {
        let application = relm4::main_application();
        // After the application quit there is no session to tell: GTK would crash.
        if application.is_registered() {
            application.uninhibit(self.0);
        }
    }
}

impl App {
    /// The user closes the window: while a job runs, ask first.
    pub(super) fn ask_to_close(
        &mut self,
        window: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        if !self.job_running() {
            self.begin_close(window, sender);
            return;
        }
        if self.asking_to_close {
            return;
        }
        self.asking_to_close = true;
        let answers = sender.input_sender().clone();
        crate::modals::close_question::ask(window, move |close| {
            answers.emit(AppInput::CloseAnswered { close });
        });
    }

    pub(super) fn job_running(&self) -> bool {
        self.job_panel
            .model()
            .state()
            .is_some_and(crate::job::JobState::is_running)
    }

    /// A job ended: if the user is looking elsewhere, tell them how it went.
    pub(super) fn notify_ended(&self, window: &adw::ApplicationWindow, outcome: &JobOutcome) {
        let application = relm4::main_application();
        if window.is_active() || !application.is_registered() {
            return;
        }
        let (title, body) = match outcome {
            JobOutcome::Done { .. } => (gettext("Job done"), self.job_panel.model().detail()),
            JobOutcome::Failed(_) => (gettext("Job failed"), self.job_panel.model().detail()),
            JobOutcome::Cancelled | JobOutcome::Running => return,
        };
        let notification = gio::Notification::new(&title);
        notification.set_body(Some(&body));
        application.send_notification(Some("job-ended"), &notification);
    }
}
