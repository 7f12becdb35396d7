//! The parts of the window that differ between GNOME versions, behind one API: how the
//! header bar and the content make the window, the choice of backend in the header, and
//! how the window learns that it became narrow. Debian 12's build (libadwaita 1.2) uses
//! `gnome_43.rs`; the `gnome_48` feature (the Flatpak's) uses `gnome_48.rs`.

#[cfg(not(feature = "gnome_48"))]
mod gnome_43;
#[cfg(not(feature = "gnome_48"))]
use gnome_43 as widgets;

#[cfg(feature = "gnome_48")]
mod gnome_48;
#[cfg(feature = "gnome_48")]
use gnome_48 as widgets;

pub use widgets::BackendSwitch;
pub(super) use widgets::{follow_narrow, frame};

/// Below this width the window lays its content out for a phone: what is side by side
/// stacks. Above the wide layout's own minimum, so a window can always narrow past it.
pub(super) const NARROW_BELOW: i32 = 500;
