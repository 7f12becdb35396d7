//! Offload's Relm4 components and the work they drive.
//!
//! Modules, each importing only those below it:
//! - `choices`, `stored`, `i18n`, `crash` and `a11y`: plain data (the settings and their
//!   table), GSettings, the user's language, names for screen readers;
//! - `counter` and `job`: Offload's kinds of work, run by the `thread-or-process`
//!   library, and the panel component that shows each;
//! - `kinds`: where those kinds are registered;
//! - `app` and `modals`: the window, its closing, and its dialogs.
//!
//! Start-up and the command line live in the binary.
//!
//! "The seed", in comments here, is the program Offload grew from: the PyGTK example of
//! the 2007 post "On Threading vs. Processing", whose worker puts an increasing number
//! on a queue every second (`WORKER_DELAY`) while the window reads the queue every half
//! second (`GUI_DELAY`, in `update_label`) and shows "Number in thread: N", or
//! "Queue is empty!".

pub mod a11y;
pub mod app;
pub mod choices;
pub mod compare;
pub mod counter;
pub mod crash;
pub mod i18n;
pub mod job;
pub mod kinds;
pub mod modals;
pub mod stored;

/// The application id, shared by the desktop file, the Flatpak manifest and GApplication.
pub const APP_ID: &str = "io.github.offload.Offload";
