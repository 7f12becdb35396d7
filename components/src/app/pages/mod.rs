//! The window's two pages: the counter's, where Offload opens, and Compare, one click
//! away through the Compare button at the start of the counter's header. Each build
//! moves between them as its libadwaita does: a stack with a Back button on libadwaita
//! 1.2 (`stack.rs`), a navigation view with current GNOME's (`navigation.rs`).

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
    let open = crate::a11y::mnemonic_button(&gettext("Co_mpare"));
    open.set_tooltip_text(Some(&gettext("Threads or processes: measure both here")));
    open
}
