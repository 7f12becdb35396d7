//! The App component: the window, the label state, and the worker's whole life.
//!
//! It never blocks on the worker: commands go out as `WorkerInput`, reports come back as
//! `AppInput::Worker`, tagged with the generation of the worker that sent them so that a
//! replaced worker cannot be mistaken for the current one. Closing the window and
//! switching backend are both a handshake (Shutdown, then Stopped, then the worker's
//! thread is joined), each with a short fallback should the worker not answer.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use relm4::actions::{AccelsPlus, RelmAction, RelmActionGroup};
use relm4::adw::prelude::*;
use relm4::gtk::glib;
use relm4::{
    adw, gtk, Component, ComponentController, ComponentParts, ComponentSender, Controller,
    RelmWidgetExt, SimpleComponent,
};

use crate::fault::FaultPlan;
use crate::job_run::JobRun;
use crate::job_state::JobOutcome;
use crate::label_state::{Activity, LabelState};
use crate::modals::preferences::{Preferences, PreferencesInit, PreferencesOutput};
use crate::responsiveness::{History, Sample, PROBE_INTERVAL};
use crate::settings::{Backend, RunSettings};
use crate::stored::{Stored, WindowState};
use crate::worker::{Placement, WorkerInit, WorkerInput, WorkerOutput, WorkerRun};

/// Upper bound on reports per second from the worker, whatever the GUI delay.
const FASTEST_REPORTS: Duration = Duration::from_millis(50);
/// How long a closing window, or a backend switch, waits for the worker's `Stopped`.
const SHUTDOWN_FALLBACK: Duration = Duration::from_millis(500);
/// How long to wait for the worker's thread to end once it answered `Stopped`.
const JOIN_TIMEOUT: Duration = Duration::from_millis(100);
/// Redraw the chart once every this many probe samples.
const CHART_REDRAW_EVERY: usize = 5;
/// Restart delays after crashes in a row: 0.1 s, 0.2 s, 0.4 s, ... at most 5 s.
const FIRST_RESTART_DELAY: Duration = Duration::from_millis(100);
const LONGEST_RESTART_DELAY: Duration = Duration::from_secs(5);

relm4::new_action_group!(WindowActions, "win");
relm4::new_stateless_action!(CloseAction, WindowActions, "close");
relm4::new_stateless_action!(QuitAction, WindowActions, "quit");
relm4::new_stateless_action!(PreferencesAction, WindowActions, "preferences");
relm4::new_stateless_action!(ShortcutsAction, WindowActions, "shortcuts");
relm4::new_stateless_action!(AboutAction, WindowActions, "about");
relm4::new_stateless_action!(ToggleRunningAction, WindowActions, "toggle-running");
relm4::new_stateless_action!(ResetAction, WindowActions, "reset");
relm4::new_stateless_action!(JobAction, WindowActions, "job");

/// How the window starts.
#[derive(Clone, Debug)]
pub struct AppInit {
    pub settings: RunSettings,
    /// Our own executable, started as the child of the process backend.
    pub child_program: PathBuf,
    /// Make the first worker fail on purpose (tests of crash recovery only).
    pub fault: Option<FaultPlan>,
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
    fault: Option<FaultPlan>,
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
    pub fn label(&self) -> &LabelState {
        &self.label
    }

    pub fn phase(&self) -> Phase {
        self.phase
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

    fn start_probe(&mut self, sender: &ComponentSender<Self>) {
        if self.probe.is_some() {
            return;
        }
        self.history.borrow_mut().clear();
        let sender = sender.clone();
        let mut expected = Instant::now() + PROBE_INTERVAL;
        let timer = glib::timeout_add_local(PROBE_INTERVAL, move || {
            let now = Instant::now();
            sender.input(AppInput::Probe(now.saturating_duration_since(expected)));
            // GLib schedules the next run from this dispatch, not from the last deadline.
            expected = now + PROBE_INTERVAL;
            glib::ControlFlow::Continue
        });
        self.probe = Some(Probe {
            timer,
            started: Instant::now(),
        });
    }

    fn stop_probe(&mut self) {
        if let Some(probe) = self.probe.take() {
            probe.timer.remove();
        }
    }

    fn record_probe(&mut self, lateness: Duration) {
        let Some(probe) = &self.probe else { return };
        let rate = self
            .job
            .as_ref()
            .filter(|job| job.state().is_running())
            .and_then(|job| job.state().rate())
            .unwrap_or(0.0);
        let mut history = self.history.borrow_mut();
        history.push(Sample {
            at: probe.started.elapsed(),
            lateness,
            rate,
        });
        // Redrawing costs the job CPU time (software rendering above all): twice a
        // second is smooth enough for a one-minute chart.
        if history.len() % CHART_REDRAW_EVERY == 0 {
            self.chart.queue_draw();
        }
    }

    fn job_running(&self) -> bool {
        self.job
            .as_ref()
            .is_some_and(|job| job.state().is_running())
    }

    fn start_job(&mut self, sender: &ComponentSender<Self>) {
        if self.job_running() || self.phase != Phase::Open {
            return;
        }
        self.job_generation += 1;
        let generation = self.job_generation;
        let job = JobRun::launch(
            &self.placement(),
            self.job_request.upto,
            self.job_request.workers,
            sender.input_sender(),
            move |part, output| AppInput::Job {
                generation,
                part,
                output,
            },
        );
        if !self.label.running() {
            job.set_running(false);
        }
        self.job = Some(job);
        self.start_probe(sender);
    }

    fn on_job(&mut self, part: usize, output: WorkerOutput, sender: &ComponentSender<Self>) {
        let Some(job) = &mut self.job else { return };
        let was_running = job.state().is_running();
        job.handle(part, output);
        if was_running && !job.state().is_running() {
            if !self.probe_always {
                self.stop_probe();
            }
            let Some(job) = &self.job else { return };
            match job.state().outcome() {
                JobOutcome::Failed(reason) => {
                    let text = format!("Job failed: worker {reason}");
                    self.toast(&text);
                }
                JobOutcome::Done { .. } if self.quit_when_done => self.begin_close(sender),
                _ => {}
            }
        }
        self.maybe_finish_close();
    }

    fn placement(&self) -> Placement {
        match self.settings.backend {
            Backend::Thread => Placement::Thread,
            Backend::Process => Placement::Process {
                program: self.child_program.clone(),
            },
        }
    }

    fn can_switch(&self) -> bool {
        self.phase == Phase::Open && !self.switching
    }

    fn emit(&self, input: WorkerInput) {
        if let Some(worker) = &self.worker {
            worker.emit(input);
        }
    }

    fn launch_worker(&mut self, first_number: u64, sender: &ComponentSender<Self>) {
        self.generation += 1;
        let generation = self.generation;
        let placement = self.placement();
        let init = WorkerInit {
            delay: self.settings.worker_delay.duration(),
            report_interval: self.settings.gui_delay.duration().min(FASTEST_REPORTS),
            first_number,
            limit: None,
            echo: None,
            running: self.label.running(),
            fault: self.fault.take(),
            job: None,
        };
        let run = WorkerRun::launch(placement, init, sender.input_sender(), move |output| {
            AppInput::Worker { generation, output }
        });
        self.label.set_backend(self.settings.backend);
        self.worker = Some(run);
    }

    /// The number after the newest one reported: where a new worker continues.
    fn next_number(&self) -> u64 {
        self.label
            .newest()
            .map_or(0, |number| number.saturating_add(1))
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
        if let Some(job) = &self.job {
            job.set_running(running);
        }
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

    /// Asks the current worker to stop, with a fallback should it not answer.
    fn stop_worker(&mut self, sender: &ComponentSender<Self>) {
        self.emit(WorkerInput::Shutdown);
        self.arm_fallback(sender);
    }

    fn arm_fallback(&mut self, sender: &ComponentSender<Self>) {
        if self.fallback_timer.is_none() {
            let sender = sender.clone();
            let id = glib::timeout_add_local_once(SHUTDOWN_FALLBACK, move || {
                sender.input(AppInput::StopTimedOut)
            });
            self.fallback_timer = Some(id);
        }
    }

    fn cancel_fallback(&mut self) {
        if let Some(id) = self.fallback_timer.take() {
            id.remove();
        }
    }

    fn switch_backend(&mut self, backend: Backend, sender: &ComponentSender<Self>) {
        if backend == self.settings.backend || !self.can_switch() {
            return;
        }
        self.settings.backend = backend;
        if self.worker.is_some() {
            self.switching = true;
            self.stop_worker(sender);
        }
        // With no worker (a restart is pending), the restart uses the new backend.
    }

    /// The old worker of a switch is gone: its successor continues the count.
    fn complete_switch(&mut self, last: Option<u64>, sender: &ComponentSender<Self>) {
        self.switching = false;
        let first = last.map_or_else(|| self.next_number(), |number| number.saturating_add(1));
        self.launch_worker(first, sender);
    }

    fn begin_close(&mut self, sender: &ComponentSender<Self>) {
        if !matches!(self.phase, Phase::Open) {
            return;
        }
        self.phase = Phase::Closing;
        let (width, height) = self.window.default_size();
        self.stored.save_window(WindowState {
            width,
            height,
            maximized: self.window.is_maximized(),
        });
        self.window.set_visible(false);
        self.stop_refreshing();
        self.stop_probe();
        if let Some(id) = self.restart_timer.take() {
            id.remove();
        }
        if let Some(job) = &mut self.job {
            job.cancel();
        }
        self.emit(WorkerInput::Shutdown);
        self.arm_fallback(sender);
        self.maybe_finish_close();
    }

    /// Closing ends once the counting worker and every job worker are joined.
    fn maybe_finish_close(&mut self) {
        let job_gone = self.job.as_ref().is_none_or(JobRun::all_gone);
        if self.phase == Phase::Closing && self.worker.is_none() && job_gone {
            self.finish_close(true);
        }
    }

    fn finish_close(&mut self, worker_joined: bool) {
        self.cancel_fallback();
        if !worker_joined {
            eprintln!("offload: the worker did not stop in time; quitting without it");
        }
        self.phase = Phase::Closed { worker_joined };
        relm4::main_application().quit();
    }

    fn on_worker(&mut self, output: WorkerOutput, sender: &ComponentSender<Self>) {
        match output {
            WorkerOutput::Counted(number) => {
                self.crashes_in_a_row = 0;
                self.label.receive(number);
            }
            WorkerOutput::Cleared => self.label.clear(),
            WorkerOutput::Paused { last } => self.label.confirm_paused(last),
            WorkerOutput::Finished { last } => {
                self.label.finished(last);
                self.stop_refreshing();
            }
            WorkerOutput::Stopped { last } => {
                self.cancel_fallback();
                self.label.receive_last(last);
                if self.phase == Phase::Closing {
                    if let Some(worker) = self.worker.take() {
                        worker.join(JOIN_TIMEOUT);
                    }
                    self.maybe_finish_close();
                } else if self.switching {
                    if let Some(worker) = self.worker.take() {
                        worker.join(JOIN_TIMEOUT);
                    }
                    self.complete_switch(last, sender);
                }
            }
            WorkerOutput::Crashed { reason } => self.on_crash(&reason, sender),
            // The counting worker runs no job.
            WorkerOutput::JobProgress(_) | WorkerOutput::JobDone(_) => {}
        }
    }

    fn on_crash(&mut self, reason: &str, sender: &ComponentSender<Self>) {
        self.cancel_fallback();
        if let Some(worker) = self.worker.take() {
            // Its thread is on its way out (or has reaped its child already).
            worker.join(JOIN_TIMEOUT);
        }
        if self.phase == Phase::Closing {
            self.maybe_finish_close();
            return;
        }
        if self.switching {
            self.switching = false;
            self.launch_worker(self.next_number(), sender);
            return;
        }
        let delay = restart_delay(self.crashes_in_a_row);
        self.crashes_in_a_row += 1;
        self.toast(&format!(
            "Worker {reason}; restarting in {:.1} s",
            delay.as_secs_f64()
        ));
        let sender = sender.clone();
        let id = glib::timeout_add_local_once(delay, move || sender.input(AppInput::Restart));
        self.restart_timer = Some(id);
    }

    fn on_stop_timed_out(&mut self, sender: &ComponentSender<Self>) {
        self.fallback_timer = None;
        if self.phase == Phase::Closing {
            self.finish_close(false);
        } else if self.switching {
            // A hung worker's thread cannot be stopped from outside; it is left to end
            // with the process, and a fresh worker takes over.
            self.worker = None;
            self.toast("Worker did not stop; a new one took over");
            self.complete_switch(None, sender);
        }
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

/// Back-off: each crash in a row doubles the wait before the next restart.
fn restart_delay(crashes_before: u32) -> Duration {
    FIRST_RESTART_DELAY
        .saturating_mul(2u32.saturating_pow(crashes_before))
        .min(LONGEST_RESTART_DELAY)
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
            fault: init.fault,
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

/// The window's actions and their keys. Ctrl+W and Ctrl+Q both close the window, which
/// is the whole app.
fn install_actions(window: &adw::ApplicationWindow, sender: &ComponentSender<App>) {
    let application = relm4::main_application();
    application.set_accelerators_for_action::<CloseAction>(&["<primary>w"]);
    application.set_accelerators_for_action::<QuitAction>(&["<primary>q"]);
    application.set_accelerators_for_action::<PreferencesAction>(&["<primary>comma"]);
    application.set_accelerators_for_action::<ShortcutsAction>(&["<primary>question"]);
    application.set_accelerators_for_action::<ToggleRunningAction>(&["<primary>p"]);
    application.set_accelerators_for_action::<ResetAction>(&["<primary>r"]);
    application.set_accelerators_for_action::<JobAction>(&["<primary>Return"]);

    let mut group = RelmActionGroup::<WindowActions>::new();
    let message_action = |message: fn() -> AppInput| {
        let sender = sender.clone();
        move |_: &gtk::gio::SimpleAction| sender.input(message())
    };
    group.add_action(RelmAction::<PreferencesAction>::new_stateless(
        message_action(|| AppInput::ShowPreferences),
    ));
    group.add_action(RelmAction::<ToggleRunningAction>::new_stateless(
        message_action(|| AppInput::ToggleRunning),
    ));
    group.add_action(RelmAction::<ResetAction>::new_stateless(message_action(
        || AppInput::Reset,
    )));
    group.add_action(RelmAction::<JobAction>::new_stateless(message_action(
        || AppInput::JobButton,
    )));
    let shortcuts_parent = window.clone();
    group.add_action(RelmAction::<ShortcutsAction>::new_stateless(move |_| {
        crate::modals::shortcuts::show(&shortcuts_parent);
    }));
    let about_parent = window.clone();
    group.add_action(RelmAction::<AboutAction>::new_stateless(move |_| {
        crate::modals::about::show(&about_parent);
    }));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restarts_back_off_doubling_up_to_a_ceiling() {
        let delays: Vec<u128> = (0..8).map(|n| restart_delay(n).as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
        assert_eq!(restart_delay(u32::MAX), LONGEST_RESTART_DELAY);
    }
}
