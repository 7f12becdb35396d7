//! The Keyboard Shortcuts, described in a UI file as GTK and libadwaita expect: a
//! shortcuts window of its own on Debian 12's build (`shortcuts.ui`), a dialog inside the
//! main window with `gnome_50` (`shortcuts-dialog.ui`: `AdwShortcutsDialog` replaces the
//! window, which GTK 4.18 deprecates). Both list the same shortcuts, in the same words.

use relm4::adw;
#[cfg(feature = "gnome_50")]
use relm4::adw::prelude::*;
use relm4::gtk;
#[cfg(not(feature = "gnome_50"))]
use relm4::gtk::prelude::*;

#[cfg(not(feature = "gnome_50"))]
pub fn show(parent: &adw::ApplicationWindow) {
    let window: gtk::ShortcutsWindow = from_ui_file(include_str!("shortcuts.ui"));
    window.set_transient_for(Some(parent));
    window.present();
}

#[cfg(feature = "gnome_50")]
pub fn show(parent: &adw::ApplicationWindow) {
    let dialog: adw::ShortcutsDialog = from_ui_file(include_str!("shortcuts-dialog.ui"));
    dialog.present(Some(parent));
}

/// The object `shortcuts` that `definition` describes, its texts in the user's language.
fn from_ui_file<T: gtk::glib::object::IsA<gtk::glib::Object>>(definition: &str) -> T {
    let builder = gtk::Builder::new();
    builder.set_translation_domain(Some(crate::i18n::DOMAIN));
    builder
        .add_from_string(definition)
        .expect("the shortcuts' UI file is valid");
    builder
        .object("shortcuts")
        .expect("the UI file defines the shortcuts")
}
