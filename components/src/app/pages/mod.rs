//! The window's two pages: the counter's, where Offload opens, and Compare, one click
//! away through the Compare button in the counter page's bottom bar (always in view; the
//! header, with the choice of backend as its title, has no room for it at 360 px). Each
//! build moves between them as its libadwaita does: a stack with a Back button on
//! libadwaita 1.2 (`stack.rs`), a navigation view with current GNOME's
//! (`navigation.rs`).

#[cfg(feature = "gnome_50")]
mod navigation;
#[cfg(not(feature = "gnome_50"))]
mod stack;

#[cfg(feature = "gnome_50")]
pub use navigation::Pages;
#[cfg(not(feature = "gnome_50"))]
pub use stack::Pages;

use relm4::gtk::{self, prelude::*};

use crate::i18n::gettext;

/// The counter's way to the Compare page.
fn compare_button() -> gtk::Button {
    let open = crate::a11y::mnemonic_button(&gettext("Co_mpare Threads and Processes"));
    open.set_tooltip_text(Some(&gettext(
        "Measure here what a thread and a process cost and protect",
    )));
    open
}

/// A bar below the counter's page that holds `open`, centred.
fn bottom_bar(open: &gtk::Button) -> gtk::Box {
    let bar = gtk::Box::new(gtk::Orientation::Horizontal, 0);
    bar.set_halign(gtk::Align::Center);
    bar.set_margin_top(6);
    bar.set_margin_bottom(6);
    bar.append(open);
    bar
}
