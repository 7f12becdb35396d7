//! The App component: the window, the label state, and the worker's whole life.
//!
//! It never blocks on the worker: commands go out as `WorkerInput`, reports come back as
//! `AppInput::Worker`, tagged with the generation of the worker that sent them so that a
//! replaced worker cannot be mistaken for the current one. Closing the window and
//! switching backend are both a handshake (Shutdown, then Stopped, then the worker's
//! thread is joined), each with a short fallback should the worker not answer.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use relm4::adw::prelude::*;
use relm4::gtk::glib;
use relm4::{
    adw, gtk, Component, ComponentController, ComponentParts, ComponentSender, Controller,
    RelmWidgetExt, SimpleComponent,
};

use crate::fault::FaultPlan;
use crate::job_run::JobRun;
use crate::label_state::{Activity, LabelState};
use crate::modals::preferences::{Preferences, PreferencesInit, PreferencesOutput};
use crate::responsiveness::History;
use crate::settings::{Backend, RunSettings};
use crate::stored::{Stored, WindowState};
use crate::worker::{WorkerInput, WorkerOutput, WorkerRun};

mod actions;
mod lifecycle;
mod work;

use actions::{install_actions, AboutAction, PreferencesAction, ShortcutsAction};

/// How the window starts.
#[derive(Clone, Debug)]
pub struct AppInit {
    pub settings: RunSettings,
    /// Our own executable, started as the child of the process backend.
    pub child_program: PathBuf,
    /// Faults to inject on purpose, one per worker started, in order (tests of crash
    /// recovery only).
    pub faults: VecDeque<FaultPlan>,
    /// A job to start at once.
    pub job: Option<JobRequest>,
    /// The job the window offers when none was started.
    pub job_preset: JobRequest,
    /// Close the window when that job ends.
    pub quit_when_done: bool,
    /// Probe the main loop's responsiveness all the time, not only during a job
    /// (for `offload bench`, which compares idle and busy).
    pub probe_always: bool,
    /// Close the window by itself after this long (for `offload bench`).
    pub close_after: Option<Duration>,
    /// Where choices are remembered.
    pub stored: Stored,
    /// The window's size, as last time.
    pub window: WindowState,
}

impl AppInit {
    /// A window that remembers nothing and changes no stored choice, runs no job at
    /// first and injects no fault: for `offload bench` and tests.
    pub fn ephemeral(settings: RunSettings, child_program: PathBuf) -> Self {
        Self {
            settings,
            child_program,
            faults: VecDeque::new(),
            job: None,
            job_preset: JobRequest {
                upto: 1_000_000,
                workers: crate::job_run::default_parts(),
            },
            quit_when_done: false,
            probe_always: false,
            close_after: None,
            stored: Stored::in_memory(),
            window: WindowState::default(),
        }
    }
}

/// A heavy job: count the primes below `upto`, shared by `workers` workers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobRequest {
    pub upto: u64,
    pub workers: usize,
}

#[derive(Debug)]
pub enum AppInput {
    ToggleRunning,
    Reset,
    SwitchBackend(Backend),
    /// The GUI timer: the seed's `update_label`.
    Refresh,
    /// Close button, Ctrl+W or Ctrl+Q.
    CloseRequested,
    Worker {
        generation: u64,
        output: WorkerOutput,
    },
    /// A worker asked to stop did not answer in time.
    StopTimedOut,
    /// The back-off after a crash is over.
    Restart,
    /// "Count primes", or "Cancel" while a job runs.
    JobButton,
    SetUpto(u64),
    /// The responsiveness probe's timer fired this late.
    Probe(Duration),
    ShowPreferences,
    Job {
        generation: u64,
        part: usize,
        output: WorkerOutput,
    },
}

/// Where the app is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Open,
    /// Shutdown sent, waiting for `Stopped`.
    Closing,
    /// The worker answered and its thread was joined (or the fallback fired); quit asked.
    Closed {
        worker_joined: bool,
    },
}

pub struct App {
    settings: RunSettings,
    label: LabelState,
    worker: Option<WorkerRun>,
    generation: u64,
    child_program: PathBuf,
    faults: VecDeque<FaultPlan>,
    /// A backend switch is waiting for the old worker's `Stopped`.
    switching: bool,
    crashes_in_a_row: u32,
    restart_timer: Option<glib::SourceId>,
    refresh_timer: Option<glib::SourceId>,
    fallback_timer: Option<glib::SourceId>,
    phase: Phase,
    window: adw::ApplicationWindow,
    toasts: adw::ToastOverlay,
    job: Option<JobRun>,
    job_generation: u64,
    job_request: JobRequest,
    quit_when_done: bool,
    history: Rc<RefCell<History>>,
    probe: Option<Probe>,
    probe_always: bool,
    chart: gtk::DrawingArea,
    stored: Stored,
    preferences: Option<Controller<Preferences>>,
}

/// The responsiveness probe: a steady timer, and when it started.
struct Probe {
    timer: glib::SourceId,
    started: Instant,
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
        self.refresh_timer.is_some()
    }

    /// The job's state, once a job was started.
    pub fn job(&self) -> Option<&crate::job_state::JobState> {
        self.job.as_ref().map(JobRun::state)
    }

    /// The main loop's recent responsiveness, for `offload bench`.
    pub fn history(&self) -> History {
        self.history.borrow().clone()
    }

    fn show_preferences(&mut self, sender: &ComponentSender<Self>) {
        let preferences = Preferences::builder()
            .transient_for(&self.window)
            .launch(PreferencesInit {
                stored: self.stored.clone(),
                backend: self.settings.backend,
            })
            .forward(sender.input_sender(), |output| match output {
                PreferencesOutput::BackendChosen(backend) => AppInput::SwitchBackend(backend),
            });
        preferences.widget().present();
        self.preferences = Some(preferences);
    }

    fn toast(&self, text: &str) {
        self.toasts.add_toast(adw::Toast::new(text));
    }
}

#[relm4::component(pub)]
impl SimpleComponent for App {
    type Init = AppInit;
    type Input = AppInput;
    type Output = ();

    view! {
        adw::ApplicationWindow {
            set_title: Some("Offload"),
            connect_close_request[sender] => move |_| {
                sender.input(AppInput::CloseRequested);
                glib::Propagation::Stop
            },

            gtk::Box {
                set_orientation: gtk::Orientation::Vertical,

                adw::HeaderBar {
                    pack_end = &gtk::MenuButton {
                        set_icon_name: "open-menu-symbolic",
                        set_menu_model: Some(&primary_menu),
                        set_tooltip_text: Some("Main Menu"),
                        set_primary: true,
                    },

                    pack_start = &gtk::Box {
                        add_css_class: "linked",
                        set_tooltip_text: Some("Where the worker runs"),

                        #[name = "thread_toggle"]
                        gtk::ToggleButton {
                            set_label: "Thread",
                            set_tooltip_text: Some("Run the worker on a thread of this app"),
                            #[watch]
                            set_sensitive: model.can_switch(),
                            #[watch]
                            #[block_signal(thread_toggled)]
                            set_active: model.settings.backend == Backend::Thread,
                            connect_toggled[sender] => move |button| {
                                if button.is_active() {
                                    sender.input(AppInput::SwitchBackend(Backend::Thread));
                                }
                            } @thread_toggled,
                        },

                        #[name = "process_toggle"]
                        gtk::ToggleButton {
                            set_label: "Process",
                            set_tooltip_text: Some("Run the worker in a separate process"),
                            set_group: Some(&thread_toggle),
                            #[watch]
                            set_sensitive: model.can_switch(),
                            #[watch]
                            #[block_signal(process_toggled)]
                            set_active: model.settings.backend == Backend::Process,
                            connect_toggled[sender] => move |button| {
                                if button.is_active() {
                                    sender.input(AppInput::SwitchBackend(Backend::Process));
                                }
                            } @process_toggled,
                        },
                    },
                },

                #[local_ref]
                toasts -> adw::ToastOverlay {
                    set_vexpand: true,

                    gtk::Box {
                        set_orientation: gtk::Orientation::Vertical,
                        set_spacing: 12,
                        set_margin_all: 24,
                        set_valign: gtk::Align::Center,

                        #[name = "headline"]
                        gtk::Label {
                            add_css_class: "title-1",
                            #[watch]
                            set_label: &model.label.headline(),
                        },

                        #[name = "status"]
                        gtk::Label {
                            add_css_class: "dim-label",
                            #[watch]
                            set_label: model.label.status(),
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
                                #[watch]
                                set_label: if model.label.running() { "Pause" } else { "Start" },
                                connect_clicked => AppInput::ToggleRunning,
                            },

                            #[name = "reset"]
                            gtk::Button {
                                add_css_class: "pill",
                                set_label: "Reset",
                                connect_clicked => AppInput::Reset,
                            },
                        },

                        gtk::Label {
                            add_css_class: "caption",
                            add_css_class: "dim-label",
                            set_label: &format!(
                                "One number every {}, label refreshed every {}",
                                model.settings.worker_delay, model.settings.gui_delay
                            ),
                        },

                        gtk::Separator {
                            set_margin_top: 12,
                            set_margin_bottom: 12,
                        },

                        gtk::Box {
                            set_orientation: gtk::Orientation::Horizontal,
                            set_halign: gtk::Align::Center,
                            set_spacing: 12,

                            gtk::Label {
                                set_label: "Count primes below",
                                // Names the spin button for screen readers (labelled-by).
                                set_mnemonic_widget: Some(&upto),
                            },

                            #[name = "upto"]
                            gtk::SpinButton {
                                set_adjustment: &gtk::Adjustment::new(
                                    model.job_request.upto as f64,
                                    2.0,
                                    1e12,
                                    1e6,
                                    1e9,
                                    0.0,
                                ),
                                set_digits: 0,
                                set_numeric: true,
                                set_width_chars: 14,
                                set_tooltip_text: Some("The job's size: count the primes below this number"),
                                #[watch]
                                set_sensitive: !model.job_running(),
                                connect_value_changed[sender] => move |spin| {
                                    sender.input(AppInput::SetUpto(spin.value() as u64));
                                },
                            },

                            #[name = "job_button"]
                            gtk::Button {
                                #[watch]
                                set_label: if model.job_running() { "Cancel" } else { "Count primes" },
                                connect_clicked => AppInput::JobButton,
                            },
                        },

                        #[name = "job_progress"]
                        gtk::ProgressBar {
                            set_show_text: true,
                            #[watch]
                            set_visible: model.job.is_some(),
                            #[watch]
                            set_fraction: model.job().map_or(0.0, |job| job.fraction()),
                            #[watch]
                            set_text: model.job().map(|job| job.percent_text()).as_deref(),
                        },

                        #[name = "job_detail"]
                        gtk::Label {
                            add_css_class: "dim-label",
                            #[watch]
                            set_visible: model.job.is_some(),
                            #[watch]
                            set_label: &model.job().map(|job| job.detail()).unwrap_or_default(),
                        },

                        #[local_ref]
                        chart -> gtk::DrawingArea {
                            set_content_height: 90,
                            set_tooltip_text: Some("How late the window's timer fires (blue) and the job's rate (green), last minute"),
                            #[watch]
                            set_visible: model.probe.is_some() || model.job.is_some(),
                        },
                    },
                },
            },
        }
    }

    menu! {
        primary_menu: {
            "_Preferences" => PreferencesAction,
            "_Keyboard Shortcuts" => ShortcutsAction,
            "_About Offload" => AboutAction,
        }
    }

    fn init(
        init: AppInit,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let toasts = adw::ToastOverlay::new();
        let chart = gtk::DrawingArea::new();
        let history = Rc::new(RefCell::new(History::default()));
        crate::chart::attach(&chart, history.clone());
        let mut model = App {
            settings: init.settings,
            label: LabelState::new(init.settings.backend, Activity::Running),
            worker: None,
            generation: 0,
            child_program: init.child_program,
            faults: init.faults,
            switching: false,
            crashes_in_a_row: 0,
            restart_timer: None,
            refresh_timer: None,
            fallback_timer: None,
            phase: Phase::Open,
            window: root.clone(),
            toasts: toasts.clone(),
            job: None,
            job_generation: 0,
            job_request: init.job.unwrap_or(init.job_preset),
            quit_when_done: init.quit_when_done,
            history,
            probe: None,
            probe_always: init.probe_always,
            chart: chart.clone(),
            stored: init.stored,
            preferences: None,
        };
        root.set_default_size(init.window.width, init.window.height);
        if init.window.maximized {
            root.maximize();
        }
        if init.probe_always {
            model.start_probe(&sender);
        }
        if let Some(after) = init.close_after {
            let window = root.clone();
            glib::timeout_add_local_once(after, move || {
                println!("closing");
                window.close();
            });
        }
        model.launch_worker(0, &sender);
        model.start_refreshing(&sender);
        if init.job.is_some() {
            model.start_job(&sender);
        }
        install_actions(&root, &sender);

        let widgets = view_output!();
        ComponentParts { model, widgets }
    }

    fn update(&mut self, message: AppInput, sender: ComponentSender<Self>) {
        let open = self.phase == Phase::Open;
        match message {
            AppInput::ToggleRunning if open => {
                let running = !self.label.running();
                self.set_running(running, &sender);
            }
            AppInput::Reset if open => self.emit(WorkerInput::Reset),
            AppInput::SwitchBackend(backend) => self.switch_backend(backend, &sender),
            AppInput::Refresh => self.label.refresh(),
            AppInput::CloseRequested => self.begin_close(&sender),
            AppInput::Worker { generation, output } if generation == self.generation => {
                self.on_worker(output, &sender);
            }
            AppInput::StopTimedOut => self.on_stop_timed_out(&sender),
            AppInput::Restart if open => {
                self.restart_timer = None;
                self.launch_worker(self.next_number(), &sender);
            }
            AppInput::JobButton if open => {
                if self.job_running() {
                    if let Some(job) = &mut self.job {
                        job.cancel();
                    }
                } else {
                    self.start_job(&sender);
                }
            }
            AppInput::SetUpto(upto) => self.job_request.upto = upto.max(2),
            AppInput::Probe(lateness) => self.record_probe(lateness),
            AppInput::ShowPreferences => self.show_preferences(&sender),
            AppInput::Job {
                generation,
                part,
                output,
            } if generation == self.job_generation => self.on_job(part, output, &sender),
            AppInput::ToggleRunning
            | AppInput::JobButton
            | AppInput::Job { .. }
            | AppInput::Reset
            | AppInput::Worker { .. }
            | AppInput::Restart => {}
        }
    }
}
