//! What the desktop session hears about a job: while one runs, the session neither
//! suspends nor logs out; one that ends behind other windows says so in a notification.

use relm4::adw::prelude::*;
use relm4::gtk::gio;
use relm4::{adw, gtk};

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

/// A job ended: if the user is looking elsewhere, tell them how it went (`detail` is
/// the panel's line under the bar).
pub(super) fn notify_job_ended(
    window: &adw::ApplicationWindow,
    outcome: &JobOutcome,
    detail: String,
) {
    let application = relm4::main_application();
    if window.is_active() || !application.is_registered() {
        return;
    }
    let title = match outcome {
        JobOutcome::Done { .. } => gettext("Job done"),
        JobOutcome::Failed(_) => gettext("Job failed"),
        JobOutcome::Cancelled => return,
    };
    let notification = gio::Notification::new(&title);
    notification.set_body(Some(&detail));
    application.send_notification(Some("job-ended"), &notification);
}
