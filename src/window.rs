//! Opening the window: GTK start-up, failing with one line when there is no display.

use std::path::PathBuf;

use offload_components::app::{App, AppInit, JobRequest};
use offload_components::fault::FaultPlan;
use offload_components::settings::{Delay, RunSettings};

use crate::cli::Job;
use offload_components::APP_ID;
use relm4::{adw, gtk, RelmApp};

pub fn run(
    settings: RunSettings,
    fault: Option<FaultPlan>,
    job: Option<Job>,
    quit_when_done: bool,
    close_after: Option<Delay>,
) -> Result<(), String> {
    gtk::init().map_err(|_| {
        "cannot open a display; run Offload in a graphical session, or try 'offload headless'"
            .to_owned()
    })?;
    adw::init().map_err(|error| format!("cannot start libadwaita: {error}"))?;

    // Our own options are parsed already; GTK must not read them again.
    let app = RelmApp::new(APP_ID).with_args(Vec::new());
    // Each run has its own worker and settings, so a second launch is its own window.
    app.allow_multiple_instances(true);
    app.run::<App>(AppInit {
        settings,
        // The running executable itself, even if its file was replaced meanwhile.
        child_program: PathBuf::from("/proc/self/exe"),
        fault,
        job: job.map(|job| JobRequest {
            upto: job.upto,
            workers: job.workers,
        }),
        quit_when_done,
        probe_always: false,
        close_after: close_after.map(Delay::duration),
    });
    Ok(())
}
