//! The App component: the window, the label state, and the worker's whole life.
//!
//! It never blocks on the worker: commands go out as `WorkerInput`, reports come back as
//! `AppInput::Worker`. Closing the window is a handshake (Shutdown, then Stopped, then
//! the worker's thread is joined), with a short fallback should the worker not answer.

use std::time::Duration;

use relm4::actions::{AccelsPlus, RelmAction, RelmActionGroup};
use relm4::adw::prelude::*;
use relm4::gtk::glib;
use relm4::{adw, gtk, ComponentParts, ComponentSender, RelmWidgetExt, SimpleComponent};

use crate::label_state::{Activity, LabelState};
use crate::settings::RunSettings;
use crate::worker::{WorkerInit, WorkerInput, WorkerOutput, WorkerRun};

/// Upper bound on reports per second from the worker, whatever the GUI delay.
const FASTEST_REPORTS: Duration = Duration::from_millis(50);
/// How long a closing window waits for the worker's `Stopped` before quitting anyway.
const SHUTDOWN_FALLBACK: Duration = Duration::from_millis(500);
/// How long to wait for the worker's thread to end once it answered `Stopped`.
const JOIN_TIMEOUT: Duration = Duration::from_millis(100);

relm4::new_action_group!(WindowActions, "win");
relm4::new_stateless_action!(CloseAction, WindowActions, "close");
relm4::new_stateless_action!(QuitAction, WindowActions, "quit");

#[derive(Debug)]
pub enum AppInput {
    ToggleRunning,
    Reset,
    /// The GUI timer: the seed's `update_label`.
    Refresh,
    /// Close button, Ctrl+W or Ctrl+Q.
    CloseRequested,
    Worker(WorkerOutput),
    ShutdownTimedOut,
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
    refresh_timer: Option<glib::SourceId>,
    fallback_timer: Option<glib::SourceId>,
    phase: Phase,
    window: adw::ApplicationWindow,
}

impl App {
    pub fn label(&self) -> &LabelState {
        &self.label
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Whether the GUI refresh timer is armed (it is not while paused or closing).
    pub fn is_refreshing(&self) -> bool {
        self.refresh_timer.is_some()
    }

    fn emit(&self, input: WorkerInput) {
        if let Some(worker) = &self.worker {
            worker.emit(input);
        }
    }

    fn start_refreshing(&mut self, sender: &ComponentSender<Self>) {
        if self.refresh_timer.is_none() {
            let sender = sender.clone();
            let id = glib::timeout_add_local(self.settings.gui_delay.duration(), move || {
                sender.input(AppInput::Refresh);
                glib::ControlFlow::Continue
            });
            self.refresh_timer = Some(id);
        }
    }

    fn stop_refreshing(&mut self) {
        if let Some(id) = self.refresh_timer.take() {
            id.remove();
        }
    }

    fn set_running(&mut self, running: bool, sender: &ComponentSender<Self>) {
        if running {
            self.label.start();
            self.emit(WorkerInput::Start);
            self.start_refreshing(sender);
        } else {
            self.label.pause();
            self.emit(WorkerInput::Pause);
            self.stop_refreshing();
        }
    }

    fn begin_close(&mut self, sender: &ComponentSender<Self>) {
        if self.phase != Phase::Open {
            return;
        }
        self.phase = Phase::Closing;
        self.window.set_visible(false);
        self.stop_refreshing();
        self.emit(WorkerInput::Shutdown);
        let sender = sender.clone();
        let id = glib::timeout_add_local_once(SHUTDOWN_FALLBACK, move || {
            sender.input(AppInput::ShutdownTimedOut)
        });
        self.fallback_timer = Some(id);
    }

    fn finish_close(&mut self, worker_answered: bool) {
        if let Some(id) = self.fallback_timer.take() {
            if worker_answered {
                id.remove();
            }
        }
        let worker_joined = match self.worker.take() {
            Some(worker) if worker_answered => worker.join(JOIN_TIMEOUT),
            _ => false,
        };
        if !worker_joined {
            eprintln!("offload: the worker did not stop in time; quitting without it");
        }
        self.phase = Phase::Closed { worker_joined };
        relm4::main_application().quit();
    }

    fn on_worker(&mut self, output: WorkerOutput) {
        match output {
            WorkerOutput::Counted(number) => self.label.receive(number),
            WorkerOutput::Cleared => self.label.clear(),
            WorkerOutput::Paused { last } => self.label.confirm_paused(last),
            WorkerOutput::Finished { last } => {
                self.label.finished(last);
                self.stop_refreshing();
            }
            WorkerOutput::Stopped { last } => {
                self.label.receive_last(last);
                if self.phase == Phase::Closing {
                    self.finish_close(true);
                }
            }
        }
    }
}

#[relm4::component(pub)]
impl SimpleComponent for App {
    type Init = RunSettings;
    type Input = AppInput;
    type Output = ();

    view! {
        adw::ApplicationWindow {
            set_title: Some("Offload"),
            set_default_size: (460, 320),
            connect_close_request[sender] => move |_| {
                sender.input(AppInput::CloseRequested);
                glib::Propagation::Stop
            },

            gtk::Box {
                set_orientation: gtk::Orientation::Vertical,

                adw::HeaderBar {},

                gtk::Box {
                    set_orientation: gtk::Orientation::Vertical,
                    set_spacing: 12,
                    set_margin_all: 24,
                    set_valign: gtk::Align::Center,
                    set_vexpand: true,

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
                },
            },
        }
    }

    fn init(
        settings: RunSettings,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let worker = WorkerRun::launch(
            WorkerInit {
                delay: settings.worker_delay.duration(),
                report_interval: settings.gui_delay.duration().min(FASTEST_REPORTS),
                first_number: 0,
                limit: None,
                echo: None,
                running: true,
            },
            sender.input_sender(),
            AppInput::Worker,
        );
        let mut model = App {
            settings,
            label: LabelState::new(settings.backend, Activity::Running),
            worker: Some(worker),
            refresh_timer: None,
            fallback_timer: None,
            phase: Phase::Open,
            window: root.clone(),
        };
        model.start_refreshing(&sender);
        install_shortcuts(&root);

        let widgets = view_output!();
        ComponentParts { model, widgets }
    }

    fn update(&mut self, message: AppInput, sender: ComponentSender<Self>) {
        match message {
            AppInput::ToggleRunning if self.phase == Phase::Open => {
                let running = !self.label.running();
                self.set_running(running, &sender);
            }
            AppInput::Reset if self.phase == Phase::Open => self.emit(WorkerInput::Reset),
            AppInput::Refresh => self.label.refresh(),
            AppInput::CloseRequested => self.begin_close(&sender),
            AppInput::Worker(output) => self.on_worker(output),
            AppInput::ShutdownTimedOut => {
                self.fallback_timer = None;
                if self.phase == Phase::Closing {
                    self.finish_close(false);
                }
            }
            AppInput::ToggleRunning | AppInput::Reset => {}
        }
    }
}

/// Ctrl+W and Ctrl+Q both close the window, which is the whole app.
fn install_shortcuts(window: &adw::ApplicationWindow) {
    let application = relm4::main_application();
    application.set_accelerators_for_action::<CloseAction>(&["<primary>w"]);
    application.set_accelerators_for_action::<QuitAction>(&["<primary>q"]);

    let mut group = RelmActionGroup::<WindowActions>::new();
    let close_window = window.clone();
    group.add_action(RelmAction::<CloseAction>::new_stateless(move |_| {
        close_window.close();
    }));
    let quit_window = window.clone();
    group.add_action(RelmAction::<QuitAction>::new_stateless(move |_| {
        quit_window.close();
    }));
    group.register_for_widget(window);
}
