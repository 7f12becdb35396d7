//! Opening the window: GTK start-up, failing with one line when there is no display;
//! the run's choices (the command line's override the stored ones, for this run only);
//! signals and the scripted close, which reach the App as its non-asking close; and
//! faults to inject into its counting workers.

use offload_components::app::{App, AppInit, AppInput};
use offload_components::choices::{Choices, Delay};
use offload_components::counter::fault::FaultPlan;
use offload_components::stored::Stored;
use offload_components::APP_ID;
use relm4::{adw, gtk, MessageBroker, RelmApp};
use thread_or_process::{Launcher, OwnedSource};

use crate::signals::CaughtSignals;

/// The window's input, for what reaches it from outside the component: signals, and
/// `--close-after`.
static WINDOW: MessageBroker<AppInput> = MessageBroker::new();

/// The window the command line asked for.
#[derive(Debug, PartialEq)]
pub struct WindowRun {
    /// Settings for this run only: never stored.
    pub overrides: Choices,
    pub faults: Vec<FaultPlan>,
    /// Start the job the overrides (or the stored settings) describe at once.
    pub start_job: bool,
    pub quit_when_done: bool,
    pub close_after: Option<Delay>,
}

pub fn run(launcher: Launcher, run: WindowRun) -> Result<(), String> {
    // First: setting the locale is safe only while this is the only thread.
    offload_components::i18n::init();
    let signals = CaughtSignals::catch()?;
    gtk::init().map_err(|_| {
        "cannot open a display; run Offload in a graphical session, or try 'offload headless'"
            .to_owned()
    })?;
    adw::init().map_err(|error| format!("cannot start libadwaita: {error}"))?;

    let init = AppInit {
        overrides: run.overrides,
        stored: Stored::open(),
        launcher,
        faults: run.faults,
        start_job: run.start_job,
        quit_when_done: run.quit_when_done,
    };
    // A signal closes the window as the close button does, without asking.
    let _signals = signals.deliver_to(|| WINDOW.send(AppInput::CloseNow));
    let _close_after = run.close_after.map(|after| {
        OwnedSource::once(after.duration(), || {
            println!("closing");
            WINDOW.send(AppInput::CloseNow);
        })
    });

    // Our own options are parsed already; GTK must not read them again.
    let app = RelmApp::new(APP_ID)
        .with_args(Vec::new())
        .with_broker(&WINDOW);
    // Each run has its own worker and settings, so a second launch is its own window.
    app.allow_multiple_instances(true);
    app.run::<App>(init);
    Ok(())
}
