//! The job panel: the job's size and its button, the progress bar and its line, and the
//! chart of how responsive the window stays while the job runs. It owns the job's
//! workers; the window tells it where they run, when to pause, and when to shut down.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use relm4::gtk::prelude::*;
use relm4::{gtk, Component, ComponentParts, ComponentSender};

use super::chart::{self, Scale};
use super::history::{History, Sample, PROBE_INTERVAL};
use super::{JobOutcome, JobRequest, JobRun, JobState, NICENESS_BESIDE_THE_WINDOW};
use crate::choices::MAX_UPTO;
use crate::i18n::gettext;
use thread_or_process::{Backend, Launcher, OwnedSource, Report};

use super::Progress;

/// While a job runs, the panel is redrawn (bar, labels, chart) once every this many
/// probe samples, not on every part's report: a frame costs the main loop time, and a
/// user's input that arrives meanwhile waits. Twice a second is smooth enough for a bar
/// and a one-minute chart (docs/benchmarks.md, "Tuned constants").
const REDRAW_EVERY: usize = 5;

pub struct JobPanelInit {
    /// Starts the job's workers.
    pub launcher: Launcher,
    /// Where the next job's workers run.
    pub backend: Backend,
    /// The job offered, or started at once.
    pub request: JobRequest,
    pub start_now: bool,
    /// Lay the panel out for a narrow window.
    pub narrow: bool,
}

#[derive(Debug)]
pub enum JobPanelInput {
    /// "Count primes", or "Cancel" while a job runs.
    StartOrCancel,
    /// The job the next start runs (the window's settings changed).
    SetRequest(JobRequest),
    /// Where the next job's workers run.
    SetBackend(Backend),
    /// Pause or resume the running job (with the counter).
    SetRunning(bool),
    /// The window became narrow (a phone), or wide again.
    SetNarrow(bool),
    /// The window closes: cancel the job, and say `Stopped` once its workers are gone.
    Shutdown,
}

#[derive(Debug)]
pub enum JobPanelOutput {
    /// A job started.
    Started,
    /// A job is over: done, cancelled or failed.
    Ended(JobOutcome),
    /// The user chose this size in the panel: the window applies it (sending it back
    /// as `SetRequest`) and stores it.
    UptoChosen(u64),
    /// After `Shutdown`: every worker has stopped and was retired.
    Stopped,
}

/// What the panel's workers and timer report; only the panel makes these.
#[derive(Debug)]
pub struct JobPanelEvent(Event);

#[derive(Debug)]
enum Event {
    Part {
        generation: u64,
        part: usize,
        report: Report<Progress>,
    },
    /// The probe's timer fired this late.
    Probe(Duration),
}

pub struct JobPanel {
    launcher: Launcher,
    backend: Backend,
    request: JobRequest,
    running: bool,
    job: Option<JobRun>,
    /// Tags each job's reports, so that a cancelled job's late ones are told apart.
    generation: u64,
    history: Rc<RefCell<History>>,
    /// The chart's scale as last shown: its legend and description.
    scale: Scale,
    probe: Option<Probe>,
    narrow: bool,
    shutting_down: bool,
}

/// The responsiveness probe: a steady timer, and when it started.
struct Probe {
    _timer: OwnedSource,
    started: Instant,
}

impl JobPanel {
    /// The job's state, once a job was started.
    pub fn state(&self) -> Option<&JobState> {
        self.job.as_ref().map(JobRun::state)
    }

    fn job_running(&self) -> bool {
        self.state().is_some_and(JobState::is_running)
    }

    /// Whether the panel is laid out for a narrow window.
    pub fn is_narrow(&self) -> bool {
        self.narrow
    }

    /// What the line under the bar says now.
    pub fn detail(&self) -> String {
        self.state().map(JobState::detail).unwrap_or_default()
    }
}

#[relm4::component(pub)]
impl Component for JobPanel {
    type Init = JobPanelInit;
    type Input = JobPanelInput;
    type Output = JobPanelOutput;
    type CommandOutput = JobPanelEvent;

    view! {
        gtk::Box {
            set_orientation: gtk::Orientation::Vertical,
            set_spacing: 12,

            // The size's label above the size and its button, which stack too in a
            // narrow window (a phone: 360 px).
            gtk::Label {
                set_label: &gettext("Count primes below"),
                // Names the spin button for screen readers (labelled-by).
                set_mnemonic_widget: Some(&upto),
            },

            gtk::Box {
                #[watch]
                set_orientation: if model.narrow {
                    gtk::Orientation::Vertical
                } else {
                    gtk::Orientation::Horizontal
                },
                set_halign: gtk::Align::Center,
                set_spacing: 12,

                #[name = "upto"]
                gtk::SpinButton {
                    set_adjustment: &gtk::Adjustment::new(
                        model.request.upto as f64,
                        2.0,
                        MAX_UPTO as f64,
                        1e6,
                        1e9,
                        0.0,
                    ),
                    set_digits: 0,
                    set_numeric: true,
                    set_width_chars: 14,
                    set_tooltip_text: Some(&gettext("The job's size: count the primes below this number")),
                    #[watch]
                    set_sensitive: !model.job_running(),
                    #[watch]
                    #[block_signal(upto_typed)]
                    set_value: model.request.upto as f64,
                    connect_value_changed[sender] => move |spin| {
                        let _ = sender.output(JobPanelOutput::UptoChosen(spin.value() as u64));
                    } @upto_typed,
                },

                #[name = "job_button"]
                gtk::Button {
                    connect_clicked => JobPanelInput::StartOrCancel,

                    // A label of its own that names the button: with a mnemonic in the
                    // button's own label, GTK 4.8 would say "_Cancel Cancel".
                    #[name = "job_button_label"]
                    gtk::Label {
                        set_use_underline: true,
                        set_mnemonic_widget: Some(&job_button),
                        #[watch]
                        set_label: &if model.job_running() { gettext("_Cancel") } else { gettext("_Count primes") },
                    },
                },
            },

            #[name = "job_progress"]
            gtk::ProgressBar {
                set_show_text: true,
                #[watch]
                set_visible: model.job.is_some(),
                #[watch]
                set_fraction: model.state().map_or(0.0, JobState::fraction),
                #[watch]
                set_text: model.state().map(JobState::percent_text).as_deref(),
            },

            #[name = "job_detail"]
            gtk::Label {
                add_css_class: "dim-label",
                set_wrap: true,
                set_justify: gtk::Justification::Center,
                #[watch]
                set_visible: model.job.is_some(),
                #[watch]
                set_label: &model.state().map(JobState::detail).unwrap_or_default(),
            },

            gtk::Box {
                set_orientation: gtk::Orientation::Vertical,
                set_spacing: 6,
                #[watch]
                set_visible: model.probe.is_some() || model.job.is_some(),

                gtk::Box {
                    set_orientation: gtk::Orientation::Horizontal,
                    set_spacing: 12,
                    set_homogeneous: true,

                    // The legend and the chart's description change only when the
                    // chart is redrawn: `show_scale` sets them then.
                    #[name = "lateness_legend"]
                    gtk::Label {
                        add_css_class: "caption",
                        set_xalign: 0.0,
                        set_wrap: true,
                    },

                    #[name = "rate_legend"]
                    gtk::Label {
                        add_css_class: "caption",
                        set_xalign: 0.0,
                        set_wrap: true,
                    },
                },

                #[local_ref]
                chart -> gtk::DrawingArea {
                    set_content_height: 90,
                },
            },
        }
    }

    fn init(
        init: JobPanelInit,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let model = JobPanel {
            launcher: init.launcher,
            backend: init.backend,
            request: init.request,
            running: true,
            job: None,
            generation: 0,
            history: Rc::default(),
            scale: Scale::default(),
            probe: None,
            narrow: init.narrow,
            shutting_down: false,
        };
        if init.start_now {
            start_after_first_frame(&root, &sender);
        }
        let chart = &chart::area();
        chart::attach(chart, model.history.clone());
        let widgets = view_output!();
        show_scale(&widgets, &model.scale);
        ComponentParts { model, widgets }
    }

    fn update(&mut self, message: JobPanelInput, sender: ComponentSender<Self>, _: &gtk::Box) {
        if self.shutting_down {
            return;
        }
        match message {
            JobPanelInput::StartOrCancel => {
                if self.job_running() {
                    self.cancel(&sender);
                } else {
                    self.start_job(&sender);
                }
            }
            JobPanelInput::SetRequest(request) => self.request = request,
            JobPanelInput::SetBackend(backend) => self.backend = backend,
            JobPanelInput::SetNarrow(narrow) => self.narrow = narrow,
            JobPanelInput::SetRunning(running) => {
                self.running = running;
                if let Some(job) = &self.job {
                    job.set_running(running);
                }
            }
            JobPanelInput::Shutdown => {
                self.shutting_down = true;
                self.cancel(&sender);
                self.probe = None;
                self.report_if_shut_down(&sender);
            }
        }
    }

    fn update_cmd(&mut self, event: JobPanelEvent, sender: ComponentSender<Self>, _: &gtk::Box) {
        match event.0 {
            Event::Part {
                generation,
                part,
                report,
            } if generation == self.generation => self.on_part(part, report, &sender),
            Event::Part { .. } => {}
            Event::Probe(lateness) => self.record_probe(lateness),
        }
    }

    fn update_cmd_with_view(
        &mut self,
        widgets: &mut Self::Widgets,
        event: JobPanelEvent,
        sender: ComponentSender<Self>,
        root: &gtk::Box,
    ) {
        let probed = matches!(event.0, Event::Probe(_));
        let was_running = self.job_running();
        self.update_cmd(event, sender.clone(), root);
        let redraw_tick = probed && self.history.borrow().len().is_multiple_of(REDRAW_EVERY);
        if redraw_tick {
            let scale = Scale::of(&self.history.borrow());
            if scale != self.scale {
                self.scale = scale;
                show_scale(widgets, &scale);
            }
            widgets.chart.queue_draw();
        }
        // The end of a job is shown at once; its progress only on the redraw ticks.
        if redraw_tick || was_running != self.job_running() {
            self.update_view(widgets, sender);
        }
    }
}

/// Starts the job asked for at launch once the window has drawn its first frame. The
/// window's own start-up (styles, layout, the first draw) holds the main loop for about
/// 100 ms; a job started before it would chart that as its own lateness.
fn start_after_first_frame(root: &gtk::Box, sender: &ComponentSender<JobPanel>) {
    let sender = sender.clone();
    let realized = Rc::new(RefCell::new(None));
    let handler = {
        let realized = realized.clone();
        root.connect_realize(move |widget| {
            if let Some(handler) = realized.borrow_mut().take() {
                widget.disconnect(handler);
            }
            let Some(clock) = widget.frame_clock() else {
                sender.input(JobPanelInput::StartOrCancel);
                return;
            };
            let painted = Rc::new(RefCell::new(None));
            let handler = {
                let (sender, painted) = (sender.clone(), painted.clone());
                clock.connect_after_paint(move |clock| {
                    if let Some(handler) = painted.borrow_mut().take() {
                        clock.disconnect(handler);
                        sender.input(JobPanelInput::StartOrCancel);
                    }
                })
            };
            painted.replace(Some(handler));
        })
    };
    realized.replace(Some(handler));
}

/// The chart's legend, and its description (GTK 4.8 speaks a widget's tooltip as its
/// description).
fn show_scale(widgets: &JobPanelWidgets, scale: &Scale) {
    widgets.lateness_legend.set_markup(&scale.lateness_legend());
    widgets.rate_legend.set_markup(&scale.rate_legend());
    widgets.chart.set_tooltip_text(Some(&scale.description()));
}

impl JobPanel {
    fn start_job(&mut self, sender: &ComponentSender<Self>) {
        if self.job_running() {
            return;
        }
        self.generation += 1;
        let generation = self.generation;
        let job = JobRun::launch(
            &self.launcher,
            self.backend,
            self.request.upto,
            self.request.workers,
            NICENESS_BESIDE_THE_WINDOW,
            sender.command_sender(),
            move |part, report| {
                JobPanelEvent(Event::Part {
                    generation,
                    part,
                    report,
                })
            },
        );
        if !self.running {
            job.set_running(false);
        }
        self.job = Some(job);
        self.start_probe(sender);
        let _ = sender.output(JobPanelOutput::Started);
    }

    fn on_part(&mut self, part: usize, report: Report<Progress>, sender: &ComponentSender<Self>) {
        self.changing_job(sender, |job| job.handle(part, report));
        self.report_if_shut_down(sender);
    }

    fn cancel(&mut self, sender: &ComponentSender<Self>) {
        self.changing_job(sender, JobRun::cancel);
    }

    /// Applies `change` to the job; if that ends it (done, failed or cancelled), the
    /// probe stops and the window hears how it ended.
    fn changing_job(&mut self, sender: &ComponentSender<Self>, change: impl FnOnce(&mut JobRun)) {
        let Some(job) = &mut self.job else { return };
        let was_running = job.state().is_running();
        change(job);
        if let (true, Some(outcome)) = (was_running, job.state().outcome()) {
            let outcome = outcome.clone();
            self.probe = None;
            let _ = sender.output(JobPanelOutput::Ended(outcome));
        }
    }

    fn report_if_shut_down(&self, sender: &ComponentSender<Self>) {
        let all_gone = self.job.as_ref().is_none_or(JobRun::all_gone);
        if self.shutting_down && all_gone {
            let _ = sender.output(JobPanelOutput::Stopped);
        }
    }

    fn start_probe(&mut self, sender: &ComponentSender<Self>) {
        if self.probe.is_some() {
            return;
        }
        self.history.borrow_mut().clear();
        let probes = sender.command_sender().clone();
        let mut expected = Instant::now() + PROBE_INTERVAL;
        let timer = OwnedSource::every(PROBE_INTERVAL, move || {
            let now = Instant::now();
            probes.emit(JobPanelEvent(Event::Probe(
                now.saturating_duration_since(expected),
            )));
            // GLib schedules the next run from this dispatch, not from the last deadline.
            expected = now + PROBE_INTERVAL;
        });
        self.probe = Some(Probe {
            _timer: timer,
            started: Instant::now(),
        });
    }

    fn record_probe(&mut self, lateness: Duration) {
        let Some(probe) = &self.probe else { return };
        let rate = self
            .state()
            .filter(|state| state.is_running())
            .and_then(JobState::rate)
            .unwrap_or(0.0);
        self.history.borrow_mut().push(Sample {
            at: probe.started.elapsed(),
            lateness,
            rate,
        });
    }
}
