//! libadwaita 1.2: two linked toggle buttons choose the backend, and the window's width
//! is watched by hand.

use relm4::adw::prelude::*;
use relm4::gtk::glib;
use relm4::{adw, gtk};

use super::{backend_choices, is_narrow, switch_tooltip};
use crate::choices::Backend;

/// Calls `narrow` with whether the window is narrower than `NARROW_BELOW`, whenever its
/// width changes (the user, or the window manager fitting it to a screen).
pub(in crate::app) fn follow_narrow(
    window: &adw::ApplicationWindow,
    narrow: impl Fn(bool) + Clone + 'static,
) {
    window.connect_default_width_notify(move |window| {
        narrow(is_narrow(window.default_width()));
    });
}

/// Thread or Process, as two linked toggle buttons.
pub struct BackendSwitch {
    linked: gtk::Box,
    buttons: [(Backend, gtk::ToggleButton, glib::SignalHandlerId); 2],
}

impl BackendSwitch {
    /// `chose` hears the backend the user picks (never one set by `show`).
    pub(in crate::app) fn new(chose: impl Fn(Backend) + Clone + 'static) -> Self {
        let linked = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        linked.add_css_class("linked");
        linked.set_tooltip_text(Some(&switch_tooltip()));
        let buttons = backend_choices().map(|(backend, label, tooltip)| {
            let button = toggle(&label, &tooltip);
            linked.append(&button);
            let chose = chose.clone();
            let handler = button.connect_toggled(move |button| {
                if button.is_active() {
                    chose(backend);
                }
            });
            (backend, button, handler)
        });
        let [(_, thread, _), (_, process, _)] = &buttons;
        process.set_group(Some(thread));
        Self { linked, buttons }
    }

    pub(in crate::app) fn widget(&self) -> &gtk::Widget {
        self.linked.upcast_ref()
    }

    /// Picks `backend` as the user's click does.
    pub fn pick(&self, backend: Backend) {
        for (shown, button, _) in &self.buttons {
            if *shown == backend {
                button.set_active(true);
            }
        }
    }

    /// The backend shown as chosen.
    pub fn shown(&self) -> Option<Backend> {
        self.buttons
            .iter()
            .find(|(_, button, _)| button.is_active())
            .map(|(backend, _, _)| *backend)
    }

    /// Whether the user may switch now.
    pub fn takes_clicks(&self) -> bool {
        self.buttons
            .iter()
            .all(|(_, button, _)| button.is_sensitive())
    }

    /// Shows `backend` as chosen; `sensitive` says whether the user may switch now.
    pub(in crate::app) fn show(&self, backend: Backend, sensitive: bool) {
        for (_, button, handler) in &self.buttons {
            button.block_signal(handler);
        }
        for (shown, button, _) in &self.buttons {
            button.set_active(*shown == backend);
            button.set_sensitive(sensitive);
        }
        for (_, button, handler) in &self.buttons {
            button.unblock_signal(handler);
        }
    }
}

fn toggle(mnemonic: &str, tooltip: &str) -> gtk::ToggleButton {
    let button = gtk::ToggleButton::new();
    button.set_tooltip_text(Some(tooltip));
    // A label of its own that names the button: with a mnemonic in the button's own
    // label, GTK 4.8 would say "_Thread Thread".
    let label = gtk::Label::with_mnemonic(mnemonic);
    label.set_mnemonic_widget(Some(&button));
    button.set_child(Some(&label));
    button
}
