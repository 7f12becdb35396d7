//! "Stop the job and close?": asked when the window closes during a job. A message
//! dialog on libadwaita 1.2, an alert dialog (its replacement) with `gnome_50`.

use relm4::adw;
use relm4::adw::prelude::*;

use crate::i18n::gettext;

/// The question's answers, as libadwaita names responses.
const KEEP: &str = "keep";
const CLOSE: &str = "close";

/// Asks over `window`; `answered` hears whether the user chose to close.
pub fn ask(window: &adw::ApplicationWindow, answered: impl Fn(bool) + 'static) {
    let heading = gettext("Stop the job and close?");
    let body = gettext("Closing stops the count of primes; the work done so far is lost.");
    #[cfg(not(feature = "gnome_50"))]
    let dialog = adw::MessageDialog::new(Some(window), Some(&heading), Some(&body));
    #[cfg(feature = "gnome_50")]
    let dialog = adw::AlertDialog::new(Some(&heading), Some(&body));
    dialog.add_responses(&[
        (KEEP, &gettext("_Keep Counting")),
        (CLOSE, &gettext("_Stop and Close")),
    ]);
    dialog.set_response_appearance(CLOSE, adw::ResponseAppearance::Destructive);
    dialog.set_default_response(Some(KEEP));
    dialog.set_close_response(KEEP);
    dialog.connect_response(None, move |_, response| answered(response == CLOSE));
    #[cfg(not(feature = "gnome_50"))]
    dialog.present();
    #[cfg(feature = "gnome_50")]
    dialog.present(Some(window));
}
