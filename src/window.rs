//! Opening the window: GTK start-up, failing with one line when there is no display, and
//! the run's settings: the command line, else what was stored, else the defaults.

use offload_components::app::{App, AppInit};
use offload_components::fault::FaultPlan;
use offload_components::job::{default_parts, JobRequest};
use offload_components::settings::{Delay, Overrides, DEFAULT_UPTO};
use offload_components::stored::Stored;
use offload_components::APP_ID;
use relm4::{adw, gtk, RelmApp};

use crate::cli::Job;

pub struct WindowRun {
    pub overrides: Overrides,
    pub faults: Vec<FaultPlan>,
    pub job: Option<Job>,
    pub quit_when_done: bool,
    pub close_after: Option<Delay>,
}

pub fn run(run: WindowRun) -> Result<(), String> {
    gtk::init().map_err(|_| {
        "cannot open a display; run Offload in a graphical session, or try 'offload headless'"
            .to_owned()
    })?;
    adw::init().map_err(|error| format!("cannot start libadwaita: {error}"))?;

    let stored = Stored::open();
    let remembered = stored.load();
    let settings = remembered.run_settings(run.overrides);
    let workers = match remembered.job_workers {
        Some(0) | None => default_parts(),
        Some(workers) => workers as usize,
    };
    let job_preset = JobRequest {
        upto: remembered.job_upto.unwrap_or(DEFAULT_UPTO),
        workers,
    };

    // Our own options are parsed already; GTK must not read them again.
    let app = RelmApp::new(APP_ID).with_args(Vec::new());
    // Each run has its own worker and settings, so a second launch is its own window.
    app.allow_multiple_instances(true);
    app.run::<App>(AppInit {
        settings,
        child_program: None,
        faults: run.faults.into(),
        job: run.job.map(|job| JobRequest {
            upto: job.upto,
            workers: job.workers,
        }),
        job_preset,
        quit_when_done: run.quit_when_done,
        probe_always: false,
        close_after: run.close_after.map(Delay::duration),
        stored,
        window: remembered.window,
    });
    Ok(())
}
