//! Offload's Relm4 components and the work they drive.
//!
//! `app` is the window, `worker` the background component, `jobs` the work itself
//! (pure Rust, no GTK). Start-up and the command line live in the binary, not here.

pub mod app;
mod chart;
pub mod fault;
pub mod job_run;
pub mod job_state;
pub mod jobs;
pub mod label_state;
pub mod modals;
pub mod process;
pub mod responsiveness;
pub mod settings;
pub mod stored;
pub mod worker;

/// The application id, shared by the desktop file, the Flatpak manifest and GApplication.
pub const APP_ID: &str = "io.github.offload.Offload";
