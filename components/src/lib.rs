//! Offload's Relm4 components and the work they drive.
//!
//! Modules, each importing only those below it: `settings`, `stored`, `i18n`, `crash`
//! and `a11y` (plain data, the user's language, names for screen readers); `counter`,
//! `job` and `fault` (Offload's kinds of work, run by the `thread-or-process` library,
//! and the job's panel); `kinds` (where those kinds are registered); `app` and `modals`
//! (the window). Start-up and the command line live in the binary.

pub mod a11y;
pub mod app;
pub mod choices;
pub mod counter;
pub mod crash;
pub mod i18n;
pub mod job;
pub mod kinds;
pub mod modals;

pub mod stored;

/// The application id, shared by the desktop file, the Flatpak manifest and GApplication.
pub const APP_ID: &str = "io.github.offload.Offload";
