//! The App component: the window's shell (the header with its choice of backend, the
//! menu, the toasts), the user's settings, and its two panels: the counter's and the
//! job's, components of their own that own their workers. Closing is in `closing.rs`.
//!
//! Its `Input` is what the user (or a script) does; what the panels, the stored settings
//! and the window report arrives as its private `CommandOutput`, which no outside sender
//! can reach.
//!
//! A choice takes one path: the widget (the header's switch, the job's size,
//! Preferences) says what the user chose; the App applies it to the panels and
//! Preferences at once, and stores it. GSettings then reports the change back; that echo
//! matches what the App stored and changes nothing, while a change made elsewhere
//! (another window, `gsettings set`) applies like a choice made here.

use std::mem;

use relm4::adw::prelude::*;
use relm4::gtk::glib;
use relm4::{
    adw, gtk, Component, ComponentController, ComponentParts, ComponentSender, Controller,
    RelmWidgetExt,
};

use thread_or_process::Launcher;

use crate::choices::{Backend, Choices, RunSettings};
use crate::compare::{ComparePage, ComparePageInit, ComparePageInput, ComparePageOutput};
use crate::counter::fault::FaultPlan;
use crate::counter::{CounterPanel, CounterPanelInit, CounterPanelInput, CounterPanelOutput};
use crate::i18n::{fill, gettext};
use crate::job::{
    default_parts, JobOutcome, JobPanel, JobPanelInit, JobPanelInput, JobPanelOutput, JobRequest,
    JobState,
};
use crate::modals::preferences::Preferences;
use crate::stored::{Stored, StoredWatch};

mod actions;
mod closing;
mod pages;
mod session;
mod shell;

use actions::{install_actions, AboutAction, PreferencesAction, ShortcutsAction};
use closing::Closing;
pub use closing::Phase;
pub use pages::Pages;
use session::{notify_job_ended, Inhibition};
pub use shell::BackendSwitch;

/// How the window starts.
#[derive(Clone, Debug)]
pub struct AppInit {
    /// What the command line chose for this run only; never stored.
    pub overrides: Choices,
    /// Where settings and the window's size are remembered.
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
            overrides: Choices::from(settings),
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
    /// A choice made in the window (the header's backend) or in Preferences: applied at
    /// once, and stored.
    Choose(Choices),
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

/// What the App's panels, the stored settings and the window report; only the App
/// makes these.
#[derive(Debug)]
pub struct AppEvent(Event);

#[derive(Debug)]
enum Event {
    Counter(CounterPanelOutput),
    Job(JobPanelOutput),
    Compare(ComparePageOutput),
    /// A stored setting changed (in this window, another one, or outside Offload).
    StoredChanged,
    /// The window became narrow (a phone), or wide again.
    Narrow(bool),
    /// The workers had their time to stop as the window closes.
    CloseDeadline,
}

pub struct App {
    /// Every setting in force: `overrides`, else `stored_choices`, else the defaults.
    settings: RunSettings,
    overrides: Choices,
    /// What GSettings holds, as last read or written here.
    stored_choices: Choices,
    stored: Stored,
    _stored_watch: Option<StoredWatch>,
    backend_switch: BackendSwitch,
    /// The counter panel is replacing its worker; the backend switch waits.
    counter_replacing: bool,
    counter_panel: Controller<CounterPanel>,
    job_panel: Controller<JobPanel>,
    compare_page: Controller<ComparePage>,
    pages: Pages,
    preferences: Option<Controller<Preferences>>,
    toasts: adw::ToastOverlay,
    /// Held while a job runs.
    inhibition: Option<Inhibition>,
    closing: Closing,
}

impl App {
    pub fn phase(&self) -> Phase {
        self.closing.phase()
    }

    /// How many counting workers this window has started: one more after each restart
    /// or backend switch.
    pub fn workers_started(&self) -> u64 {
        self.counter_panel.model().workers_started()
    }

    pub fn backend(&self) -> Backend {
        self.settings.backend
    }

    /// Every setting in force now.
    pub fn settings(&self) -> RunSettings {
        self.settings
    }

    /// Whether the counter's refresh timer is armed (it is not while paused or closing).
    pub fn is_refreshing(&self) -> bool {
        self.counter_panel.model().is_refreshing()
    }

    /// The job's state, once a job was started.
    pub fn job(&self) -> Option<JobState> {
        self.job_panel.model().state().cloned()
    }

    /// The header's choice of backend.
    pub fn backend_switch(&self) -> &BackendSwitch {
        &self.backend_switch
    }

    pub fn counter_panel(&self) -> &Controller<CounterPanel> {
        &self.counter_panel
    }

    pub fn job_panel(&self) -> &Controller<JobPanel> {
        &self.job_panel
    }

    pub fn compare_page(&self) -> &Controller<ComparePage> {
        &self.compare_page
    }

    /// The counter's page and the Compare page, and the header's buttons between them.
    pub fn pages(&self) -> &Pages {
        &self.pages
    }

    fn toast(&self, text: &str) {
        self.toasts.add_toast(adw::Toast::new(text));
    }

    /// The user chose `choices` here: each ends its override, is applied, and stored.
    fn choose(&mut self, choices: Choices) {
        if choices.is_empty() || !self.closing.is_open() {
            return;
        }
        self.overrides = self.overrides.without(choices);
        self.stored_choices = choices.or(self.stored_choices);
        self.stored.save(choices);
        self.apply();
    }

    /// GSettings changed: what differs from what this window knows was chosen elsewhere,
    /// and applies as if chosen here; the echo of this window's own choice differs in
    /// nothing.
    fn on_stored_changed(&mut self) {
        if !self.closing.is_open() {
            return;
        }
        let now = self.stored.load();
        if now == self.stored_choices {
            return;
        }
        self.overrides = self
            .overrides
            .without(now.changed_since(self.stored_choices));
        self.stored_choices = now;
        self.apply();
    }

    /// Puts the settings in force: the counter goes on with a new worker when its
    /// backend or delays changed; the job's size and workers apply to the next job.
    fn apply(&mut self) {
        let next = self.overrides.or(self.stored_choices).resolve();
        let before = mem::replace(&mut self.settings, next);
        if next == before {
            return;
        }
        if (next.job_upto, next.job_workers) != (before.job_upto, before.job_workers) {
            self.job_panel
                .emit(JobPanelInput::SetRequest(job_request(next)));
        }
        if next.backend != before.backend {
            self.job_panel.emit(JobPanelInput::SetBackend(next.backend));
        }
        if !next.counts_like(&before) {
            // Until the panel says otherwise, its worker is being replaced.
            self.counter_replacing = true;
            self.counter_panel.emit(CounterPanelInput::Apply(next));
        }
        if let Some(preferences) = &self.preferences {
            preferences.emit(next);
        }
    }

    /// Whether the header's backend switch takes a click: not while a worker is being
    /// replaced, nor once the window closes.
    fn can_switch(&self) -> bool {
        self.closing.is_open() && !self.counter_replacing
    }

    fn show_preferences(
        &mut self,
        window: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        let preferences = Preferences::builder()
            .launch(self.settings)
            .forward(sender.input_sender(), AppInput::Choose);
        Preferences::present(preferences.widget(), window);
        self.preferences = Some(preferences);
    }

    fn on_counter_panel(&mut self, output: CounterPanelOutput) {
        match output {
            CounterPanelOutput::Running(running) => {
                self.job_panel.emit(JobPanelInput::SetRunning(running));
            }
            CounterPanelOutput::Replacing(replacing) => self.counter_replacing = replacing,
            CounterPanelOutput::Toast(text) => self.toast(&text),
            CounterPanelOutput::Stopped { joined } => self.on_counter_stopped(joined),
        }
    }

    fn on_job_panel(
        &mut self,
        output: JobPanelOutput,
        window: &adw::ApplicationWindow,
        sender: &ComponentSender<Self>,
    ) {
        match output {
            JobPanelOutput::Started => {
                self.inhibition = Inhibition::during_job(window);
                self.compare_page.emit(ComparePageInput::JobRunning(true));
            }
            JobPanelOutput::Ended(outcome) => {
                self.inhibition = None;
                self.compare_page.emit(ComparePageInput::JobRunning(false));
                notify_job_ended(window, &outcome, self.job_panel.model().detail());
                match outcome {
                    JobOutcome::Failed(reason) => self.toast(&fill(
                        // Translators: {reason} is why a worker stopped ("Worker panicked").
                        &gettext("Job failed: {reason}"),
                        &[("reason", &crate::crash::describe(&reason))],
                    )),
                    JobOutcome::Done { .. } => self.on_job_done(window, sender),
                    JobOutcome::Cancelled => {}
                }
            }
            JobPanelOutput::UptoChosen(upto) => self.choose(Choices {
                job_upto: Some(upto.max(2)),
                ..Choices::default()
            }),
            JobPanelOutput::Stopped => self.on_job_panel_stopped(),
        }
    }

    fn on_compare_page(&mut self, output: ComparePageOutput) {
        match output {
            ComparePageOutput::Toast(text) => self.toast(&text),
            ComparePageOutput::Stopped => self.on_compare_page_stopped(),
        }
    }
}

/// The Compare page as the window shows it: scrolled, never sideways, and no wider
/// than reads well on a wide screen.
fn compare_scrolled(page: &gtk::Box) -> gtk::ScrolledWindow {
    page.set_margin_all(12);
    let clamp = adw::Clamp::new();
    clamp.set_maximum_size(640);
    clamp.set_child(Some(page));
    let scrolled = gtk::ScrolledWindow::new();
    scrolled.set_hscrollbar_policy(gtk::PolicyType::Never);
    scrolled.set_child(Some(&clamp));
    scrolled
}

/// The job that `settings` ask for.
fn job_request(settings: RunSettings) -> JobRequest {
    let workers = match settings.job_workers {
        0 => default_parts(),
        workers => workers as usize,
    };
    JobRequest {
        upto: settings.job_upto,
        workers,
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

        },

        #[local_ref]
        toasts -> adw::ToastOverlay {
            set_vexpand: true,
        },

        // A window shorter than its content (a phone) scrolls it; nothing in it is
        // wider than a 360 px screen, so it never scrolls sideways.
        #[name = "counter_page"]
        gtk::ScrolledWindow {
            set_hscrollbar_policy: gtk::PolicyType::Never,
            set_propagate_natural_height: true,

            gtk::Box {
                set_orientation: gtk::Orientation::Vertical,
                set_spacing: 12,
                set_margin_all: 24,
                set_valign: gtk::Align::Center,

                #[local_ref]
                counter_panel -> gtk::Box {},

                gtk::Separator {
                    set_margin_top: 12,
                    set_margin_bottom: 12,
                },

                #[local_ref]
                job_panel -> gtk::Box {},
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
        let stored_choices = init.stored.load();
        let window_state = init.stored.load_window();
        let settings = init.overrides.or(stored_choices).resolve();
        let counter_panel = CounterPanel::builder()
            .launch(CounterPanelInit {
                launcher: init.launcher.clone(),
                settings,
                faults: init.faults,
            })
            .forward(sender.command_sender(), |output| {
                AppEvent(Event::Counter(output))
            });
        let job_panel = JobPanel::builder()
            .launch(JobPanelInit {
                launcher: init.launcher.clone(),
                backend: settings.backend,
                request: job_request(settings),
                start_now: init.start_job,
                narrow: shell::is_narrow(window_state.width) || shell::is_narrow(widest_screen()),
            })
            .forward(sender.command_sender(), |output| {
                AppEvent(Event::Job(output))
            });
        let compare_page = ComparePage::builder()
            .launch(ComparePageInit {
                launcher: init.launcher,
            })
            .forward(sender.command_sender(), |output| {
                AppEvent(Event::Compare(output))
            });
        let pages = Pages::new(&compare_scrolled(compare_page.widget()));
        let stored_watch = {
            let events = sender.command_sender().clone();
            init.stored
                .watch(move || events.emit(AppEvent(Event::StoredChanged)))
        };
        root.set_default_size(window_state.width, window_state.height);
        if window_state.maximized {
            root.maximize();
        }
        let events = sender.command_sender().clone();
        shell::follow_narrow(&root, move |narrow| {
            events.emit(AppEvent(Event::Narrow(narrow)));
        });
        let choices = sender.input_sender().clone();
        let backend_switch = BackendSwitch::new(move |backend| {
            choices.emit(AppInput::Choose(Choices {
                backend: Some(backend),
                ..Choices::default()
            }));
        });
        backend_switch.show(settings.backend, true);
        install_actions(&root, &sender, counter_panel.sender(), job_panel.sender());

        let model = App {
            settings,
            overrides: init.overrides,
            stored_choices,
            stored: init.stored,
            _stored_watch: stored_watch,
            backend_switch,
            counter_replacing: false,
            counter_panel,
            job_panel,
            compare_page,
            pages,
            preferences: None,
            toasts: adw::ToastOverlay::new(),
            inhibition: None,
            closing: Closing::Open {
                asking: false,
                quit_when_job_done: init.quit_when_done,
            },
        };
        let counter_panel = model.counter_panel.widget();
        let job_panel = model.job_panel.widget();
        let toasts = &model.toasts;
        // Named for screen readers, which would otherwise say "GtkMenuButton".
        let main_menu: &gtk::MenuButton =
            &crate::a11y::named("GtkMenuButton", None, &gettext("Main Menu"));
        let widgets = view_output!();
        // In the middle of the counter's header: the header centres its title between
        // its two sides, and the choice of backend there is narrow enough for 360 px.
        root.set_content(Some(&model.pages.assemble(
            &widgets.header_bar,
            model.backend_switch.widget(),
            &widgets.counter_page,
            toasts,
        )));
        ComponentParts { model, widgets }
    }

    fn update(&mut self, message: AppInput, sender: ComponentSender<Self>, root: &Self::Root) {
        match message {
            AppInput::Choose(choices) => self.choose(choices),
            AppInput::ShowPreferences => self.show_preferences(root, &sender),
            AppInput::CloseRequested => self.close_requested(root, &sender),
            AppInput::CloseAnswered { close } => self.close_answered(close, root, &sender),
            AppInput::CloseNow => self.close_now(root, &sender),
            AppInput::ShowAbout => crate::modals::about::show(root, self.settings.backend),
        }
    }

    fn update_cmd(&mut self, event: AppEvent, sender: ComponentSender<Self>, root: &Self::Root) {
        match event.0 {
            Event::Counter(output) => self.on_counter_panel(output),
            Event::Job(output) => self.on_job_panel(output, root, &sender),
            Event::Compare(output) => self.on_compare_page(output),
            Event::StoredChanged => self.on_stored_changed(),
            Event::Narrow(narrow) => self.job_panel.emit(JobPanelInput::SetNarrow(narrow)),
            Event::CloseDeadline => self.on_close_deadline(),
        }
    }

    fn post_view() {
        self.backend_switch
            .show(self.settings.backend, self.can_switch());
    }
}
