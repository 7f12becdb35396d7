//! Current libadwaita (`gnome_50`): a toggle group chooses the backend, and a breakpoint
//! says when the window is narrow.

use relm4::adw::prelude::*;
use relm4::gtk::glib;
use relm4::{adw, gtk};

use super::{backend_choices, switch_tooltip, NARROW_BELOW};
use crate::choices::{Backend, BackendName};

/// Calls `narrow` with whether the window is narrower than `NARROW_BELOW`, as its
/// breakpoint applies and unapplies.
pub(in crate::app) fn follow_narrow(
    window: &adw::ApplicationWindow,
    narrow: impl Fn(bool) + Clone + 'static,
) {
    let condition = adw::BreakpointCondition::new_length(
        adw::BreakpointConditionLengthType::MaxWidth,
        f64::from(NARROW_BELOW - 1),
        adw::LengthUnit::Px,
    );
    let breakpoint = adw::Breakpoint::new(condition);
    let applied = narrow.clone();
    breakpoint.connect_apply(move |_| applied(true));
    breakpoint.connect_unapply(move |_| narrow(false));
    // A window with breakpoints must say how small it may get: a phone's screen.
    window.set_size_request(360, 294);
    window.add_breakpoint(breakpoint);
}

/// Thread or Process, as a toggle group.
pub struct BackendSwitch {
    group: adw::ToggleGroup,
    handler: glib::SignalHandlerId,
}

impl BackendSwitch {
    /// `chose` hears the backend the user picks (never one set by `show`).
    pub(in crate::app) fn new(chose: impl Fn(Backend) + Clone + 'static) -> Self {
        let group = adw::ToggleGroup::new();
        group.set_tooltip_text(Some(&switch_tooltip()));
        for (backend, label, tooltip) in backend_choices() {
            group.add(
                adw::Toggle::builder()
                    .name(backend.noun())
                    .label(label)
                    .use_underline(true)
                    .tooltip(tooltip)
                    .build(),
            );
        }
        let handler = group.connect_active_name_notify(move |group| {
            if let Some(backend) = shown_in(group) {
                chose(backend);
            }
        });
        Self { group, handler }
    }

    pub(in crate::app) fn widget(&self) -> &gtk::Widget {
        self.group.upcast_ref()
    }

    /// Picks `backend` as the user's click does.
    pub fn pick(&self, backend: Backend) {
        self.group.set_active_name(Some(backend.noun()));
    }

    /// The backend shown as chosen.
    pub fn shown(&self) -> Option<Backend> {
        shown_in(&self.group)
    }

    /// Whether the user may switch now.
    pub fn takes_clicks(&self) -> bool {
        self.group.is_sensitive()
    }

    /// Shows `backend` as chosen; `sensitive` says whether the user may switch now.
    pub(in crate::app) fn show(&self, backend: Backend, sensitive: bool) {
        self.group.block_signal(&self.handler);
        self.group.set_active_name(Some(backend.noun()));
        self.group.unblock_signal(&self.handler);
        self.group.set_sensitive(sensitive);
    }
}

fn shown_in(group: &adw::ToggleGroup) -> Option<Backend> {
    let active = group.active_name()?;
    Backend::ALL
        .into_iter()
        .find(|backend| active == backend.noun())
}
