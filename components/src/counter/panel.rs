//! The counter panel: the seed's label, its Start/Pause and Reset buttons, and the
//! counting worker's whole life: launching it, pausing and resuming, replacing it when
//! its backend or delays change, restarting it after a crash, and stopping it for good.
//!
//! Each state of `WorkerLife` owns the worker and the timer it waits with, so leaving a
//! state removes its timer; every worker that stopped is retired through one path.

use std::collections::VecDeque;
use std::mem;
use std::time::Duration;

use relm4::gtk::prelude::*;
use relm4::{gtk, Component, ComponentParts, ComponentSender};
use thread_or_process::{
    Backoff, Command, CrashReason, Launch, Launcher, OwnedSource, Report, WorkerHandle,
};

use super::fault::{FaultPlan, FaultyCount};
use super::{Activity, Count, LabelState};
use crate::choices::RunSettings;
use crate::i18n::{fill, gettext, numbers};

/// The longest a counting worker holds back its newest number: a refresh never shows a
/// number more than 50 ms stale. With a GUI delay shorter than that, the worker reports
/// once per GUI delay instead, so every refresh can find a new number.
const LONGEST_REPORT_INTERVAL: Duration = Duration::from_millis(50);
/// How long a worker asked to stop for a replacement has to answer.
const REPLACE_FALLBACK: Duration = Duration::from_millis(500);
const FIRST_RESTART_DELAY: Duration = Duration::from_millis(100);
const LONGEST_RESTART_DELAY: Duration = Duration::from_secs(5);

pub struct CounterPanelInit {
    /// Starts the counting workers.
    pub launcher: Launcher,
    /// The backend and the delays to count with.
    pub settings: RunSettings,
    /// Counting workers fail as these plan, one plan per worker, in order (the hidden
    /// `--inject-fault`, for tests of crash recovery).
    pub faults: Vec<FaultPlan>,
}

#[derive(Debug)]
pub enum CounterPanelInput {
    /// Start, or Pause: the button, or its shortcut.
    ToggleRunning,
    Reset,
    /// The window's settings changed: a new backend or delay takes over at once.
    Apply(RunSettings),
    /// The window closes: stop the worker for good, and say `Stopped` when it has.
    Shutdown,
}

#[derive(Debug)]
pub enum CounterPanelOutput {
    /// Counting was started or paused: the job goes along.
    Running(bool),
    /// Whether a worker is being replaced (the backend cannot be switched until it is
    /// done): said after every `Apply`, and whenever it changes.
    Replacing(bool),
    /// Something the user should read: a crash and when the counting restarts.
    Toast(String),
    /// After `Shutdown`: the worker stopped; `joined` says whether its thread ended in
    /// time (a worker hung in its code is left to end with the process).
    Stopped { joined: bool },
}

/// What the panel's workers and timers report; only the panel makes these.
#[derive(Debug)]
pub struct CounterPanelEvent(Event);

#[derive(Debug)]
enum Event {
    Counter {
        generation: u64,
        report: Report<u64>,
    },
    /// The GUI timer: the seed's `update_label`.
    Refresh,
    /// A worker asked to stop for a replacement did not answer in time.
    ReplaceTimedOut,
    /// The back-off after a crash is over.
    Restart,
}

/// Where the counting worker is in its life.
enum WorkerLife {
    /// Counting (or paused).
    Live(WorkerHandle),
    /// Asked to stop because its backend or delays changed; its successor, as the
    /// settings now say, starts when it has stopped.
    Replacing {
        worker: WorkerHandle,
        _fallback: OwnedSource,
    },
    /// Crashed and retired; a new worker starts when the back-off is over.
    Restarting { _timer: OwnedSource },
    /// Asked to stop for good: the window closes.
    Stopping(WorkerHandle),
    /// Gone for good.
    Retired,
}

pub struct CounterPanel {
    settings: RunSettings,
    launcher: Launcher,
    faults: VecDeque<FaultPlan>,
    label: LabelState,
    life: WorkerLife,
    /// Counting workers started so far; tags their reports.
    generation: u64,
    restarts: Backoff,
    refresh: Option<OwnedSource>,
}

impl CounterPanel {
    /// How many counting workers this panel has started: one more after each restart
    /// or backend switch.
    pub fn workers_started(&self) -> u64 {
        self.generation
    }

    /// Whether the GUI refresh timer is armed (it is not while paused or stopping).
    pub fn is_refreshing(&self) -> bool {
        self.refresh.is_some()
    }
}

#[relm4::component(pub)]
impl Component for CounterPanel {
    type Init = CounterPanelInit;
    type Input = CounterPanelInput;
    type Output = CounterPanelOutput;
    type CommandOutput = CounterPanelEvent;

    view! {
        gtk::Box {
            set_orientation: gtk::Orientation::Vertical,
            set_spacing: 12,

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
                    connect_clicked => CounterPanelInput::ToggleRunning,

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
                    connect_clicked => CounterPanelInput::Reset,

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
                    &gettext("One number every {worker_delay} s, label refreshed every {gui_delay} s"),
                    &[
                        ("worker_delay", &numbers().shortest(model.settings.worker_delay.duration().as_secs_f64())),
                        ("gui_delay", &numbers().shortest(model.settings.gui_delay.duration().as_secs_f64())),
                    ],
                ),
            },
        }
    }

    fn init(
        init: CounterPanelInit,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let mut model = CounterPanel {
            settings: init.settings,
            launcher: init.launcher,
            faults: init.faults.into(),
            label: LabelState::new(init.settings.backend, Activity::Running),
            life: WorkerLife::Retired,
            generation: 0,
            restarts: Backoff::new(FIRST_RESTART_DELAY, LONGEST_RESTART_DELAY),
            refresh: None,
        };
        model.life = WorkerLife::Live(model.launch(0, &sender));
        model.start_refreshing(&sender);
        let widgets = view_output!();
        ComponentParts { model, widgets }
    }

    fn update(&mut self, message: CounterPanelInput, sender: ComponentSender<Self>, _: &gtk::Box) {
        let was_replacing = self.is_replacing();
        match message {
            CounterPanelInput::ToggleRunning => self.set_running(!self.label.running(), &sender),
            CounterPanelInput::Reset => self.command(Command::Reset),
            CounterPanelInput::Apply(settings) => {
                self.apply(settings, &sender);
                let _ = sender.output(CounterPanelOutput::Replacing(self.is_replacing()));
                return;
            }
            CounterPanelInput::Shutdown => self.shut_down(&sender),
        }
        self.tell_if_replacing_changed(was_replacing, &sender);
    }

    fn update_cmd(
        &mut self,
        event: CounterPanelEvent,
        sender: ComponentSender<Self>,
        _: &gtk::Box,
    ) {
        let was_replacing = self.is_replacing();
        match event.0 {
            Event::Counter { generation, report } if generation == self.generation => {
                self.on_report(report, &sender);
            }
            Event::Counter { .. } => {}
            Event::Refresh => self.label.refresh(),
            Event::ReplaceTimedOut => self.on_replace_timed_out(&sender),
            Event::Restart => self.restart(&sender),
        }
        self.tell_if_replacing_changed(was_replacing, &sender);
    }
}

impl CounterPanel {
    fn is_replacing(&self) -> bool {
        matches!(self.life, WorkerLife::Replacing { .. })
    }

    fn tell_if_replacing_changed(&self, was_replacing: bool, sender: &ComponentSender<Self>) {
        if was_replacing != self.is_replacing() {
            let _ = sender.output(CounterPanelOutput::Replacing(self.is_replacing()));
        }
    }

    fn launch(&mut self, first_number: u64, sender: &ComponentSender<Self>) -> WorkerHandle {
        self.generation += 1;
        let generation = self.generation;
        let count = Count::from(self.settings.worker_delay.duration(), first_number);
        let launch = Launch {
            backend: self.settings.backend,
            report_interval: self
                .settings
                .gui_delay
                .duration()
                .min(LONGEST_REPORT_INTERVAL),
            running: self.label.running(),
        };
        let receiver = sender.command_sender();
        let transform = move |report| CounterPanelEvent(Event::Counter { generation, report });
        let worker = match self.faults.pop_front() {
            Some(plan) => {
                self.launcher
                    .launch(FaultyCount::new(count, plan), launch, receiver, transform)
            }
            None => self.launcher.launch(count, launch, receiver, transform),
        };
        self.label.set_backend(self.settings.backend);
        worker
    }

    /// The number after the newest one reported: where a new worker continues.
    fn next_number(&self) -> u64 {
        self.label
            .newest()
            .map_or(0, |number| number.saturating_add(1))
    }

    fn command(&self, command: Command) {
        if let WorkerLife::Live(worker) = &self.life {
            worker.emit(command);
        }
    }

    fn start_refreshing(&mut self, sender: &ComponentSender<Self>) {
        if self.refresh.is_none() {
            let sender = sender.command_sender().clone();
            let period = self.settings.gui_delay.duration();
            self.refresh = Some(OwnedSource::every(period, move || {
                sender.emit(CounterPanelEvent(Event::Refresh));
            }));
        }
    }

    fn set_running(&mut self, running: bool, sender: &ComponentSender<Self>) {
        if matches!(self.life, WorkerLife::Stopping(_) | WorkerLife::Retired) {
            return;
        }
        if running {
            self.label.start();
            self.start_refreshing(sender);
            self.command(Command::Start);
        } else {
            self.label.pause();
            self.refresh = None;
            self.command(Command::Pause);
        }
        let _ = sender.output(CounterPanelOutput::Running(running));
    }

    /// A new backend or delay: a new worker takes over from where the current one
    /// stops (the same handshake as a backend switch, so no number is lost or repeated).
    /// While none runs (a restart is pending, or one is being replaced already), the
    /// next one is started as the settings then say.
    fn apply(&mut self, next: RunSettings, sender: &ComponentSender<Self>) {
        let before = mem::replace(&mut self.settings, next);
        if next.gui_delay != before.gui_delay && self.refresh.is_some() {
            self.refresh = None;
            self.start_refreshing(sender);
        }
        if next.counts_like(&before) {
            return;
        }
        self.life = match self.take_life() {
            WorkerLife::Live(worker) => {
                worker.emit(Command::Shutdown);
                let events = sender.command_sender().clone();
                WorkerLife::Replacing {
                    worker,
                    _fallback: OwnedSource::once(REPLACE_FALLBACK, move || {
                        events.emit(CounterPanelEvent(Event::ReplaceTimedOut));
                    }),
                }
            }
            other => other,
        };
    }

    fn restart(&mut self, sender: &ComponentSender<Self>) {
        if matches!(self.life, WorkerLife::Restarting { .. }) {
            self.life = WorkerLife::Live(self.launch(self.next_number(), sender));
        }
    }

    fn shut_down(&mut self, sender: &ComponentSender<Self>) {
        self.refresh = None;
        self.life = match self.take_life() {
            WorkerLife::Live(worker) => {
                worker.emit(Command::Shutdown);
                WorkerLife::Stopping(worker)
            }
            // Shutdown was sent already: keep waiting for the same answer.
            WorkerLife::Replacing { worker, .. } => WorkerLife::Stopping(worker),
            stopping @ WorkerLife::Stopping(_) => stopping,
            WorkerLife::Restarting { .. } | WorkerLife::Retired => {
                let _ = sender.output(CounterPanelOutput::Stopped { joined: true });
                WorkerLife::Retired
            }
        };
    }

    fn on_report(&mut self, report: Report<u64>, sender: &ComponentSender<Self>) {
        match report {
            Report::Started => {}
            Report::News(number) => {
                self.restarts.recovered();
                self.label.receive(number);
            }
            Report::Cleared => self.label.clear(),
            Report::Paused(last) => self.label.confirm_paused(last),
            Report::Finished(last) => {
                self.label.finished(last);
                self.refresh = None;
            }
            Report::Stopped(last) => {
                self.label.receive_last(last);
                let first = last.map_or_else(|| self.next_number(), |n| n.saturating_add(1));
                self.on_stopped(first, sender);
            }
            Report::Crashed(reason) => self.on_crash(&reason, sender),
        }
    }

    /// The worker stopped as asked: its successor starts at `first`, or, when closing,
    /// the panel says it is done.
    fn on_stopped(&mut self, first: u64, sender: &ComponentSender<Self>) {
        self.life = match self.take_life() {
            WorkerLife::Replacing { worker, .. } => {
                worker.retire();
                WorkerLife::Live(self.launch(first, sender))
            }
            WorkerLife::Stopping(worker) => self.retire_for_good(worker, sender),
            other => other,
        };
    }

    fn on_crash(&mut self, reason: &CrashReason, sender: &ComponentSender<Self>) {
        self.life = match self.take_life() {
            WorkerLife::Live(worker) => {
                // Its thread is on its way out (or has reaped its child already).
                worker.retire();
                let delay = self.restarts.crashed();
                let _ = sender.output(CounterPanelOutput::Toast(fill(
                    // Translators: {reason} is why the worker stopped ("Worker panicked");
                    // {seconds} is the time until a new worker starts.
                    &gettext("{reason}; restarting in {seconds} s"),
                    &[
                        ("reason", &crate::crash::describe(reason)),
                        ("seconds", &numbers().decimal(delay.as_secs_f64(), 1)),
                    ],
                )));
                let events = sender.command_sender().clone();
                WorkerLife::Restarting {
                    _timer: OwnedSource::once(delay, move || {
                        events.emit(CounterPanelEvent(Event::Restart));
                    }),
                }
            }
            WorkerLife::Replacing { worker, .. } => {
                worker.retire();
                WorkerLife::Live(self.launch(self.next_number(), sender))
            }
            WorkerLife::Stopping(worker) => self.retire_for_good(worker, sender),
            other => other,
        };
    }

    fn retire_for_good(&self, worker: WorkerHandle, sender: &ComponentSender<Self>) -> WorkerLife {
        let joined = worker.retire();
        let _ = sender.output(CounterPanelOutput::Stopped { joined });
        WorkerLife::Retired
    }

    /// A worker asked to stop did not answer. A hung thread cannot be stopped from
    /// outside: it is left to end with the process.
    fn on_replace_timed_out(&mut self, sender: &ComponentSender<Self>) {
        self.life = match self.take_life() {
            WorkerLife::Replacing { worker, .. } => {
                drop(worker);
                let _ = sender.output(CounterPanelOutput::Toast(gettext(
                    "Worker did not stop; a new one took over",
                )));
                WorkerLife::Live(self.launch(self.next_number(), sender))
            }
            other => other,
        };
    }

    fn take_life(&mut self) -> WorkerLife {
        mem::replace(&mut self.life, WorkerLife::Retired)
    }
}
