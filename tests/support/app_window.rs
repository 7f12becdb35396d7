//! The App component in this very process, on the private display: launching it,
//! running the main loop until something shows, and reading what the window shows.
//!
//! Shared by several test binaries, each of which uses only part of it.
#![allow(dead_code)]

use std::cell::RefCell;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::{Duration, Instant};

use offload_components::app::{App, AppInit, Phase};
use offload_components::choices::{Backend, Choices, Delay, RunSettings};
use offload_components::counter::fault::FaultPlan;
use offload_components::kinds;
use offload_components::stored::Stored;
use relm4::gtk::glib;
use relm4::gtk::prelude::*;
use relm4::{Component, ComponentController, Controller};
use thread_or_process::Launcher;

/// Generous: only reached when something is broken.
pub const PATIENCE: Duration = Duration::from_secs(10);
/// Set in a test binary run again on its private display.
const ON_PRIVATE_DISPLAY: &str = "OFFLOAD_TEST_ON_PRIVATE_DISPLAY";

/// GTK here must use a private display: unless this process already runs on one, runs
/// this test binary again there, with `args` and `env`, and returns how that went.
pub fn rerun_on_private_display(args: &[String], env: &[(&str, &str)]) -> Option<ExitCode> {
    if std::env::var_os(ON_PRIVATE_DISPLAY).is_some() {
        return None;
    }
    crate::display::require_display_tools();
    let this = std::env::current_exe().expect("the test knows its own path");
    let (mut command, _display) = crate::display::on_private_display(this, args);
    let status = command
        .env(ON_PRIVATE_DISPLAY, "1")
        .envs(env.iter().copied())
        .status()
        .expect("dbus-run-session starts");
    Some(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A window counting on `backend`, one number per `worker_delay` seconds, refreshed
/// every `gui_delay` seconds, whose workers fail as `faults` plan, one per worker.
pub fn launch(
    backend: Backend,
    worker_delay: &str,
    gui_delay: &str,
    faults: impl IntoIterator<Item = FaultPlan>,
) -> Controller<App> {
    let settings = RunSettings {
        backend,
        worker_delay: Delay::worker(worker_delay).expect("a valid worker delay"),
        gui_delay: Delay::gui(gui_delay).expect("a valid GUI delay"),
        ..RunSettings::default()
    };
    let init = AppInit {
        launcher: launcher(),
        faults: faults.into_iter().collect(),
        ..AppInit::ephemeral(settings)
    };
    launch_with(init)
}

/// A window with its choices stored in `stored` (none overridden), counting every 20 ms.
pub fn launch_storing_in(stored: &Stored, overrides: Choices) -> Controller<App> {
    let counting = RunSettings {
        worker_delay: Delay::worker("0.02").expect("a valid worker delay"),
        gui_delay: Delay::gui("0.02").expect("a valid GUI delay"),
        ..RunSettings::default()
    };
    stored.save(Choices {
        worker_delay: Some(counting.worker_delay),
        gui_delay: Some(counting.gui_delay),
        ..Choices::default()
    });
    launch_with(AppInit {
        overrides,
        stored: stored.clone(),
        launcher: launcher(),
        ..AppInit::ephemeral(counting)
    })
}

fn launch_with(init: AppInit) -> Controller<App> {
    let app = App::builder().launch(init).detach();
    app.widget().present();
    app
}

/// Offload's launcher, its children started from the real `offload` binary.
fn launcher() -> Launcher {
    kinds::launcher().children_from(env!("CARGO_BIN_EXE_offload").into())
}

/// Runs the main loop until `condition` holds; a heartbeat bounds each wait.
pub fn wait_until(what: &str, condition: impl FnMut() -> bool) {
    wait_at_most(PATIENCE, what, condition);
}

pub fn wait_at_most(patience: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let context = glib::MainContext::default();
    let heartbeat =
        glib::timeout_add_local(Duration::from_millis(5), || glib::ControlFlow::Continue);
    let deadline = Instant::now() + patience;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        context.iteration(true);
    }
    heartbeat.remove();
}

/// Keeps the window running for `span`, as a user who just watches it.
pub fn let_run(span: Duration) {
    let until = Instant::now() + span;
    wait_at_most(span + PATIENCE, "time passes", || Instant::now() >= until);
}

pub fn headline(app: &Controller<App>) -> String {
    app.model()
        .counter_panel()
        .widgets()
        .headline
        .label()
        .to_string()
}

pub fn shown_number(app: &Controller<App>) -> Option<u64> {
    number_in(&headline(app))
}

fn number_in(headline: &str) -> Option<u64> {
    let number = headline
        .strip_prefix("Number in thread: ")
        .or_else(|| headline.strip_prefix("Number in process: "))?;
    number.parse().ok()
}

/// Types `upto` into the job panel's size, and waits until the window applied it.
pub fn choose_job_size(app: &Controller<App>, upto: u64) {
    let spin = app.model().job_panel().widgets().upto.clone();
    spin.set_value(upto as f64);
    wait_until("the size applies", || {
        app.model().settings().job_upto == upto
    });
}

/// Switches backend as the header bar's toggle does, and waits for the new backend's
/// numbers.
pub fn switch_backend(app: &Controller<App>, backend: Backend) {
    let prefix = match backend {
        Backend::Thread => {
            app.model().backend_switch().pick(Backend::Thread);
            "Number in thread: "
        }
        Backend::Process => {
            app.model().backend_switch().pick(Backend::Process);
            "Number in process: "
        }
    };
    wait_until("numbers come from the other backend", || {
        headline(app).starts_with(prefix)
    });
}

/// Closes the window as Ctrl+Q does and waits until the worker was joined.
pub fn close(app: &Controller<App>) {
    WidgetExt::activate_action(app.widget(), "win.quit", None).expect("the quit action exists");
    wait_until("the app closed", || {
        matches!(app.model().phase(), Phase::Closed { .. })
    });
    assert_eq!(
        app.model().phase(),
        Phase::Closed {
            worker_joined: true
        },
        "the worker answered the close in time"
    );
}

/// Every number the headline showed, in order, as the user saw them.
#[derive(Clone, Default)]
pub struct ShownNumbers(Rc<RefCell<Vec<u64>>>);

impl ShownNumbers {
    pub fn record(app: &Controller<App>) -> Self {
        let shown = Self::default();
        let log = shown.clone();
        app.model()
            .counter_panel()
            .widgets()
            .headline
            .connect_label_notify(move |label| {
                if let Some(number) = number_in(&label.label()) {
                    log.0.borrow_mut().push(number);
                }
            });
        shown
    }

    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }

    pub fn last(&self) -> Option<u64> {
        self.0.borrow().last().copied()
    }

    pub fn all(&self) -> Vec<u64> {
        self.0.borrow().clone()
    }
}
