//! The Keyboard Shortcuts window, described in `shortcuts.ui` as GTK expects.

use relm4::gtk::{self, prelude::*};

// GTK 4.18 deprecates GtkShortcutsWindow; its replacement, AdwShortcutsDialog, comes
// with libadwaita 1.8, newer than the 1.7 that `gnome_48` builds against.
#[cfg_attr(feature = "gnome_48", allow(deprecated))]
pub fn show(parent: &impl IsA<gtk::Window>) {
    let builder = gtk::Builder::new();
    builder.set_translation_domain(Some(crate::i18n::DOMAIN));
    builder
        .add_from_string(include_str!("shortcuts.ui"))
        .expect("shortcuts.ui is valid");
    let window: gtk::ShortcutsWindow = builder
        .object("shortcuts")
        .expect("shortcuts.ui defines the window");
    window.set_transient_for(Some(parent));
    window.present();
}
