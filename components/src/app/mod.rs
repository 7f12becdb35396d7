//! The App component: the window, the counter's label, and the counting worker's life;
//! the job panel is a component of its own inside it.
//!
//! Its `Input` is what the user (or a script) does; what workers, the job panel and
//! timers report arrives as its private `CommandOutput`, which no outside sender can
//! reach. It never blocks on a worker: commands go out as `Command`s, reports come
//! back tagged with the generation of the worker that sent them.

use relm4::adw::prelude::*;
use relm4::gtk::glib;
use relm4::{
    adw, gtk, Component, ComponentController, ComponentParts, ComponentSender, Controller,
    RelmWidgetExt,
};

use std::collections::VecDeque;

use thread_or_process::{Backoff, Launcher, OwnedSource, Report};

use crate::counter::{Activity, LabelState};
use crate::fault::FaultPlan;
use crate::i18n::{fill, gettext, numbers};
use crate::job::{JobOutcome, JobPanel, JobPanelInit, JobPanelInput, JobPanelOutput, JobState};
use crate::modals::preferences::{Preferences, PreferencesOutput};
use crate::settings::{Backend, Choice, Overrides, RunSettings};
use crate::stored::{Remembered, Stored, StoredWatch};

mod actions;
mod choices;
mod counter_life;
mod long_work;
mod shell;

use actions::{install_actions, AboutAction, PreferencesAction, ShortcutsAction};
use choices::job_request;
use counter_life::CounterLife;
use long_work::Inhibition;
pub use shell::BackendSwitch;

/// How the window starts.
#[derive(Clone, Debug)]
pub struct AppInit {
    /// What the command line chose for this run only; never stored.
    pub overrides: Overrides,
    /// Where choices and the window's size are remembered.
    pub stored: Stored,
    /// Starts the workers, on the backend chosen at each launch; tests bring their own
    /// children.
    pub launcher: Launcher,
    /// Counting workers fail as these plan, one plan per worker, in order (the hidden
    /// `--inject-fault`, for tests of crash recovery).
    pub faults: Vec<FaultPlan>,
    /// Start the job at once.
    pub start_job: bool,
    /// Close the window (without asking) when that job is done.
    pub quit_when_done: bool,
}

impl AppInit {
    /// A window running as `settings` say, that stores nothing, runs no job at first and
    /// injects no fault: for `offload bench` and tests.
    pub fn ephemeral(settings: RunSettings) -> Self {
        Self {
            overrides: Overrides::all(settings),
            stored: Stored::in_memory(),
            launcher: crate::kinds::launcher(),
            faults: Vec::new(),
            start_job: false,
            quit_when_done: false,
        }
    }
}

/// What the user, or a script, asks of the window.
#[derive(Debug)]
pub enum AppInput {
    ToggleRunning,
    Reset,
    /// A choice made in the window (the header's backend, the job's size) or in
    /// Preferences: stored, and applied at once.
    Choose(Choice),
    ShowPreferences,
    /// The user closes the window: its close button, Ctrl+W or Ctrl+Q. While a job runs,
    /// it asks first.
    CloseRequested,
    /// The user answered the question closing asked.
    CloseAnswered {
        close: bool,
    },
    ShowAbout,
    /// A script or a signal closes the window (`--quit-when-done`, `--close-after`, the
    /// bench, SIGTERM): it never asks the user anything.
    CloseNow,
}

/// What the App's workers, its job panel, its timers and the stored choices report;
/// only the App makes these.
#[derive(Debug)]
pub struct AppEvent(Event);

#[derive(Debug)]
enum Event {
    Counter {
        generation: u64,
        report: Report<u64>,
    },
    /// The GUI timer: the seed's `update_label`.
    Refresh,
    /// A counting worker asked to stop for a replacement did not answer in time.
    StopTimedOut,
    /// The window closes, and a worker has not stopped in time.
    CloseTimedOut,
    /// The back-off after a crash is over.
    Restart,
    Job(JobPanelOutput),
    /// A stored choice changed (in this window, another one, or outside Offload).
    StoredChanged,
    /// The window became narrow (a phone), or wide again.
    Narrow(bool),
}

/// Where the app is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Open,
    /// Shutdown sent to every worker, waiting for them to stop.
    Closing,
    /// Every worker answered and was retired (or the fallback fired); quit asked.
    Closed {
        worker_joined: bool,
    },
}

pub struct App {
    /// Every choice in force: `overrides`, else `remembered`, else the defaults.
    settings: RunSettings,
    overrides: Overrides,
    remembered: Remembered,
    stored: Stored,
    _stored_watch: Option<StoredWatch>,
    launcher: Launcher,
    faults: VecDeque<FaultPlan>,
    label: LabelState,
    backend_switch: BackendSwitch,
    counter: CounterLife,
    /// Counting workers started so far; tags their reports.
    generation: u64,
    restarts: Backoff,
    refresh: Option<OwnedSource>,
    phase: Phase,
    job_panel: Controller<JobPanel>,
    job_panel_shut_down: bool,
    quit_when_done: bool,
    preferences: Option<Controller<Preferences>>,
    /// Toasts to show at the next view update.
    toasts: Vec<String>,
    /// The question "Stop the job and close?" is open.
    asking_to_close: bool,
    /// Held while a job runs.
    inhibition: Option<Inhibition>,
    /// While closing: when to stop waiting for the workers.
    close_deadline: Option<OwnedSource>,
}

impl App {
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// How many counting workers this window has started: one more after each restart
    /// or backend switch.
    pub fn workers_started(&self) -> u64 {
        self.generation
    }

    pub fn backend(&self) -> Backend {
        self.settings.backend
    }

    /// Whether the GUI refresh timer is armed (it is not while paused or closing).
    pub fn is_refreshing(&self) -> bool {
        self.refresh.is_some()
    }

    /// The job's state, once a job was started.
    pub fn job(&self) -> Option<JobState> {
        self.job_panel.model().state().cloned()
    }

    /// The header's choice of backend.
    pub fn backend_switch(&self) -> &BackendSwitch {
        &self.backend_switch
    }

    pub fn job_panel(&self) -> &Controller<JobPanel> {
        &self.job_panel
    }

    fn show_preferences(
        &mut self,
        window: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        let preferences =
            Preferences::builder()
                .launch(self.settings)
                .forward(sender.input_sender(), |output| match output {
                    PreferencesOutput::Chose(choice) => AppInput::Choose(choice),
                });
        Preferences::present(preferences.widget(), window);
        self.preferences = Some(preferences);
    }

    fn on_job_panel(
        &mut self,
        output: JobPanelOutput,
        window: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        match output {
            JobPanelOutput::Started => self.inhibition = Inhibition::during_job(window),
            JobPanelOutput::Ended(outcome) => {
                self.inhibition = None;
                self.notify_ended(window, &outcome);
                match outcome {
                    JobOutcome::Failed(reason) => {
                        self.toasts
                            // Translators: {} is why a worker stopped ("Worker panicked").
                            .push(fill(
                                &gettext("Job failed: {}"),
                                &[&crate::crash::describe(&reason)],
                            ));
                    }
                    JobOutcome::Done { .. } if self.quit_when_done => {
                        self.begin_close(window, sender);
                    }
                    _ => {}
                }
            }
            JobPanelOutput::UptoChosen(upto) => self.choose(Choice::JobUpto(upto), sender),
            JobPanelOutput::ShutDown => {
                self.job_panel_shut_down = true;
                self.maybe_finish_close();
            }
        }
    }

    fn show_toasts(&mut self, widgets: &AppWidgets) {
        for text in self.toasts.drain(..) {
            widgets.toasts.add_toast(adw::Toast::new(&text));
        }
    }
}

/// The width of the widest screen: on a phone the window starts narrow, before the
/// window manager first fits it.
fn widest_screen() -> i32 {
    let Some(display) = gtk::gdk::Display::default() else {
        return 0;
    };
    let monitors = display.monitors();
    (0..monitors.n_items())
        .filter_map(|index| monitors.item(index)?.downcast::<gtk::gdk::Monitor>().ok())
        .map(|monitor| monitor.geometry().width())
        .max()
        .unwrap_or(0)
}

#[relm4::component(pub)]
impl Component for App {
    type Init = AppInit;
    type Input = AppInput;
    type Output = ();
    type CommandOutput = AppEvent;

    view! {
        #[root]
        adw::ApplicationWindow {
            set_title: Some("Offload"),
            connect_close_request[sender] => move |_| {
                sender.input(AppInput::CloseRequested);
                glib::Propagation::Stop
            },
        },

        #[name = "header_bar"]
        adw::HeaderBar {
            #[local_ref]
            pack_end = main_menu -> gtk::MenuButton {
                set_icon_name: "open-menu-symbolic",
                set_menu_model: Some(&primary_menu),
                set_tooltip_text: Some(&gettext("Main Menu")),
                set_primary: true,
            },

            // In the middle: the header centres its title between its two sides, and the
            // choice of backend there leaves room for a 360 px screen.
            set_title_widget: Some(model.backend_switch.widget()),
        },

        #[name = "toasts"]
        adw::ToastOverlay {
            set_vexpand: true,

            // A window shorter than its content (a phone) scrolls it; nothing
            // in it is wider than a 360 px screen, so it never scrolls sideways.
            gtk::ScrolledWindow {
                set_hscrollbar_policy: gtk::PolicyType::Never,
                set_propagate_natural_height: true,

                gtk::Box {
                    set_orientation: gtk::Orientation::Vertical,
                    set_spacing: 12,
                    set_margin_all: 24,
                    set_valign: gtk::Align::Center,

                    #[name = "headline"]
                    gtk::Label {
                        add_css_class: "title-1",
                        set_wrap: true,
                        set_justify: gtk::Justification::Center,
                        #[watch]
                        set_label: &model.label.headline(),
                    },

                    #[name = "status"]
                    gtk::Label {
                        add_css_class: "dim-label",
                        set_wrap: true,
                        set_justify: gtk::Justification::Center,
                        #[watch]
                        set_label: &model.label.status(),
                    },

                    gtk::Box {
                        set_orientation: gtk::Orientation::Horizontal,
                        set_halign: gtk::Align::Center,
                        set_spacing: 12,
                        set_margin_top: 12,

                        #[name = "start_pause"]
                        gtk::Button {
                            add_css_class: "pill",
                            add_css_class: "suggested-action",
                            connect_clicked => AppInput::ToggleRunning,

                            #[name = "start_pause_label"]
                            gtk::Label {
                                set_use_underline: true,
                                set_mnemonic_widget: Some(&start_pause),
                                #[watch]
                                set_label: &if model.label.running() { gettext("_Pause") } else { gettext("_Start") },
                            },
                        },

                        #[name = "reset"]
                        gtk::Button {
                            add_css_class: "pill",
                            connect_clicked => AppInput::Reset,

                            gtk::Label {
                                set_text_with_mnemonic: &gettext("_Reset"),
                                set_mnemonic_widget: Some(&reset),
                            },
                        },
                    },

                    gtk::Label {
                        add_css_class: "caption",
                        add_css_class: "dim-label",
                        set_wrap: true,
                        set_justify: gtk::Justification::Center,
                        #[watch]
                        set_label: &fill(
                            &gettext("One number every {} s, label refreshed every {} s"),
                            &[
                                &numbers().shortest(model.settings.worker_delay.duration().as_secs_f64()),
                                &numbers().shortest(model.settings.gui_delay.duration().as_secs_f64()),
                            ],
                        ),
                    },

                    gtk::Separator {
                        set_margin_top: 12,
                        set_margin_bottom: 12,
                    },

                    #[local_ref]
                    job_panel -> gtk::Box {},
                },
            },
        }
    }

    menu! {
        primary_menu: {
            &gettext("_Preferences") => PreferencesAction,
            &gettext("_Keyboard Shortcuts") => ShortcutsAction,
            &gettext("_About Offload") => AboutAction,
        }
    }

    fn init(
        init: AppInit,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let remembered = init.stored.load();
        let settings = remembered.run_settings(init.overrides);
        let job_panel = JobPanel::builder()
            .launch(JobPanelInit {
                launcher: init.launcher.clone(),
                backend: settings.backend,
                request: job_request(settings),
                start_now: init.start_job,
                narrow: shell::is_narrow(remembered.window.width)
                    || shell::is_narrow(widest_screen()),
            })
            .forward(sender.command_sender(), |output| {
                AppEvent(Event::Job(output))
            });
        let stored_watch = {
            let events = sender.command_sender().clone();
            init.stored
                .watch(move || events.emit(AppEvent(Event::StoredChanged)))
        };
        root.set_default_size(remembered.window.width, remembered.window.height);
        let events = sender.command_sender().clone();
        shell::follow_narrow(&root, move |narrow| {
            events.emit(AppEvent(Event::Narrow(narrow)));
        });
        let choices = sender.input_sender().clone();
        let backend_switch = BackendSwitch::new(move |backend| {
            choices.emit(AppInput::Choose(Choice::Backend(backend)));
        });
        backend_switch.show(settings.backend, true);
        if remembered.window.maximized {
            root.maximize();
        }
        let mut model = App {
            settings,
            overrides: init.overrides,
            remembered,
            stored: init.stored,
            _stored_watch: stored_watch,
            launcher: init.launcher,
            faults: init.faults.into(),
            label: LabelState::new(settings.backend, Activity::Running),
            backend_switch,
            counter: CounterLife::Retired { joined: true },
            generation: 0,
            restarts: counter_life::restarts(),
            refresh: None,
            phase: Phase::Open,
            job_panel,
            job_panel_shut_down: false,
            quit_when_done: init.quit_when_done,
            preferences: None,
            toasts: Vec::new(),
            asking_to_close: false,
            inhibition: None,
            close_deadline: None,
        };
        model.counter = CounterLife::Live(model.launch_counter(0, &sender));
        model.start_refreshing(&sender);
        install_actions(&root, &sender, model.job_panel.sender());

        let job_panel = model.job_panel.widget();
        // Named for screen readers, which would otherwise say "GtkMenuButton".
        let main_menu: &gtk::MenuButton =
            &crate::a11y::named("GtkMenuButton", None, &gettext("Main Menu"));
        let widgets = view_output!();
        root.set_content(Some(&shell::frame(&widgets.header_bar, &widgets.toasts)));
        ComponentParts { model, widgets }
    }

    fn update(&mut self, message: AppInput, sender: ComponentSender<Self>, root: &Self::Root) {
        let open = self.phase == Phase::Open;
        match message {
            AppInput::ToggleRunning if open => {
                let running = !self.label.running();
                self.set_running(running, &sender);
            }
            AppInput::Reset if open => self.reset(),
            AppInput::Choose(choice) => self.choose(choice, &sender),
            AppInput::ShowPreferences => self.show_preferences(root, &sender),
            AppInput::CloseRequested => self.ask_to_close(root, &sender),
            AppInput::CloseAnswered { close } => {
                self.asking_to_close = false;
                if close {
                    self.begin_close(root, &sender);
                }
            }
            AppInput::CloseNow => self.begin_close(root, &sender),
            AppInput::ShowAbout => crate::modals::about::show(root, self.settings.backend),
            AppInput::ToggleRunning | AppInput::Reset => {}
        }
    }

    fn update_cmd(&mut self, event: AppEvent, sender: ComponentSender<Self>, root: &Self::Root) {
        match event.0 {
            Event::Counter { generation, report } if generation == self.generation => {
                self.on_counter(report, &sender);
            }
            Event::Counter { .. } => {}
            Event::Refresh => self.label.refresh(),
            Event::StopTimedOut => self.on_stop_timed_out(&sender),
            Event::CloseTimedOut => self.on_close_timed_out(),
            Event::Restart => self.restart(&sender),
            Event::Job(output) => self.on_job_panel(output, root, &sender),
            Event::StoredChanged => self.on_stored_changed(&sender),
            Event::Narrow(narrow) => self.job_panel.emit(JobPanelInput::SetNarrow(narrow)),
        }
    }

    fn post_view() {
        self.backend_switch
            .show(self.settings.backend, self.can_switch());
    }

    fn update_with_view(
        &mut self,
        widgets: &mut Self::Widgets,
        message: AppInput,
        sender: ComponentSender<Self>,
        root: &Self::Root,
    ) {
        self.update(message, sender.clone(), root);
        self.show_toasts(widgets);
        self.update_view(widgets, sender);
    }

    fn update_cmd_with_view(
        &mut self,
        widgets: &mut Self::Widgets,
        event: AppEvent,
        sender: ComponentSender<Self>,
        root: &Self::Root,
    ) {
        self.update_cmd(event, sender.clone(), root);
        self.show_toasts(widgets);
        self.update_view(widgets, sender);
    }
}
