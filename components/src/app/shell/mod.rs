//! The parts of the window that differ between GNOME versions, behind one API: the
//! choice of backend in the header, and how the window learns that it became narrow
//! (how the pages make the window is in `pages/`). Debian 12's build (libadwaita 1.2) uses
//! `gnome_43.rs`; the `gnome_50` feature (the Flatpak's) uses `gnome_50.rs`.

#[cfg(not(feature = "gnome_50"))]
mod gnome_43;
#[cfg(not(feature = "gnome_50"))]
use gnome_43 as widgets;

#[cfg(feature = "gnome_50")]
mod gnome_50;
#[cfg(feature = "gnome_50")]
use gnome_50 as widgets;

pub(super) use widgets::follow_narrow;
pub use widgets::BackendSwitch;

use crate::choices::Backend;
use crate::i18n::gettext;

/// Below this width the window lays its content out for a phone: what is side by side
/// stacks. Above the wide layout's own minimum, so a window can always narrow past it.
const NARROW_BELOW: i32 = 500;

/// Whether a window `width` px wide (0: not known yet) is laid out for a phone.
pub(super) fn is_narrow(width: i32) -> bool {
    width > 0 && width < NARROW_BELOW
}

/// What the backend switch says as a whole.
fn switch_tooltip() -> String {
    gettext("Where the worker runs")
}

/// Each backend with its label (with a mnemonic) and its tooltip, in the header's order.
fn backend_choices() -> [(Backend, String, String); 2] {
    Backend::ALL.map(|backend| match backend {
        Backend::Thread => (
            backend,
            gettext("_Thread"),
            gettext("Run the worker on a thread of this app"),
        ),
        Backend::Process => (
            backend,
            gettext("Pr_ocess"),
            gettext("Run the worker in a separate process"),
        ),
    })
}
