//! Offload's Relm4 components and the work they drive.
//!
//! Rooms, each importing only those below it: `settings`, `stored`, `fault`, `i18n` and
//! `a11y` (plain data, the user's language, names for screen readers); `worker` (the
//! Worker component that runs any task on its own thread); `backend` (which worker,
//! where: a thread, or a child process); `counter` and `job` (the work itself, and the
//! job's panel); `kinds` (what each kind of worker runs); `app` and `modals` (the
//! window). Start-up and the command line live in the binary.

pub mod a11y;
pub mod app;
pub mod backend;
pub mod counter;
pub mod fault;
pub mod i18n;
pub mod job;
pub mod kinds;
pub mod modals;
pub mod settings;
pub mod stored;
pub mod worker;

/// The application id, shared by the desktop file, the Flatpak manifest and GApplication.
pub const APP_ID: &str = "io.github.offload.Offload";
