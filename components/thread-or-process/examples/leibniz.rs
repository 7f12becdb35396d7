//! A whole Relm4 app on `thread-or-process`: it sums the Leibniz series for π, on a
//! thread or in a child process of its own executable, switched live with the check box;
//! the sum goes on where it was. A killed child is restarted after a back-off. Closing
//! the window (or SIGTERM) sends Shutdown and quits once the worker answered Stopped.
//! Every report is printed on stdout.
//!
//! `cargo run -p thread-or-process --example leibniz [thread|process]`

use std::time::Duration;

use relm4::gtk::{self, glib, prelude::*};
use relm4::{ComponentParts, ComponentSender, RelmApp, RelmWidgetExt, SimpleComponent};
use serde::{Deserialize, Serialize};
use thread_or_process::{Backend, Backoff, ChildCommand, Command, Flow, Kind, Launch};
use thread_or_process::{Launcher, Report, Task, WorkerHandle};
use tokio::signal::unix::{signal, SignalKind};

/// How many terms of the series to sum: minutes of work.
const TERMS: u64 = 20_000_000_000;

/// The kind of work, its task and its news: π as 4 (1 - 1/3 + 1/5 - ...), summed over
/// the first `done` terms so far.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
struct Leibniz {
    done: u64,
    sum: f64,
}

impl Kind for Leibniz {
    const NAME: &'static str = "leibniz";
    type News = Self;

    fn task(self) -> Box<dyn Task<News = Self>> {
        Box::new(self)
    }
}

impl Task for Leibniz {
    type News = Self;

    /// A thousand terms a step: a step must stay short, and be worth the worker's time.
    fn step(&mut self) -> Flow {
        if self.done == TERMS {
            return Flow::Done;
        }
        let end = TERMS.min(self.done + 1000);
        for term in self.done..end {
            let sign = if term % 2 == 0 { 4.0 } else { -4.0 };
            self.sum += sign / (2 * term + 1) as f64;
        }
        self.done = end;
        Flow::More
    }

    fn news(&self) -> Option<Self> {
        Some(*self)
    }
}

#[derive(Default)]
struct LeibnizWindow {
    backend: Backend,
    sum: Leibniz,
    worker: Option<WorkerHandle>,
    closing: bool,
    restarts: Backoff,
}

#[derive(Debug)]
enum Msg {
    UseProcess(bool),
    Restart,
    Close,
    Worker(Report<Leibniz>),
}

#[relm4::component]
impl SimpleComponent for LeibnizWindow {
    type Init = Self;
    type Input = Msg;
    type Output = ();

    view! {
        gtk::ApplicationWindow {
            set_title: Some("π, the slow way"),
            connect_close_request[sender] => move |_| {
                sender.input(Msg::Close);
                glib::Propagation::Stop
            },
            gtk::Box {
                set_orientation: gtk::Orientation::Vertical,
                set_margin_all: 18,
                gtk::ProgressBar {
                    set_show_text: true,
                    #[watch]
                    set_text: Some(&format!("π ≈ {:.10} after {} terms",
                        model.sum.sum, model.sum.done)),
                    #[watch]
                    set_fraction: model.sum.done as f64 / TERMS as f64,
                },
                gtk::CheckButton::with_label("Run in a child process") {
                    set_active: model.backend == Backend::Process,
                    connect_toggled => move |check| {
                        sender.input(Msg::UseProcess(check.is_active()))
                    },
                },
            }
        }
    }

    fn init(model: Self, root: Self::Root, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let closer = sender.input_sender().clone();
        relm4::spawn(async move {
            signal(SignalKind::terminate())?.recv().await;
            closer.emit(Msg::Close);
            std::io::Result::Ok(())
        });
        sender.input(Msg::Restart);
        let widgets = view_output!();
        ComponentParts { model, widgets }
    }

    fn update(&mut self, message: Msg, sender: ComponentSender<Self>) {
        match message {
            // Switching backend, and closing, both begin with Shutdown.
            Msg::UseProcess(on) => self.backend = Backend::ALL[usize::from(on)],
            Msg::Close => self.closing = true,
            Msg::Restart => return self.launch(&sender),
            Msg::Worker(report) => return self.hear(report, &sender),
        }
        match &self.worker {
            Some(worker) => worker.emit(Command::Shutdown),
            None if self.closing => relm4::main_application().quit(),
            None => {}
        }
    }
}

impl LeibnizWindow {
    /// A new worker on the chosen backend, going on from the newest news.
    fn launch(&mut self, sender: &ComponentSender<Self>) {
        let launch = Launch::running(self.backend, Duration::from_millis(100));
        let to = sender.input_sender();
        self.worker = Some(launcher().launch(self.sum, launch, to, Msg::Worker));
    }

    /// News moves the bar; once a worker has stopped or crashed, the next one starts
    /// (after a back-off if it crashed), unless the window is closing.
    fn hear(&mut self, report: Report<Leibniz>, sender: &ComponentSender<Self>) {
        println!("{report:?}");
        if let Some(sum) = report.news() {
            self.sum = *sum;
        }
        let wait = match report {
            Report::News(_) => return self.restarts.recovered(),
            Report::Stopped(_) => Duration::ZERO,
            Report::Crashed(_) => self.restarts.crashed(),
            _ => return,
        };
        self.worker.take().map(WorkerHandle::retire);
        if self.closing {
            return relm4::main_application().quit();
        }
        let restart = sender.input_sender().clone();
        glib::timeout_add_local_once(wait, move || restart.emit(Msg::Restart));
    }
}

/// Starts the workers, and serves them when this executable runs as a worker child.
fn launcher() -> Launcher {
    Launcher::new(ChildCommand::new("leibniz", 1)).kind::<Leibniz>()
}

fn main() {
    if let Some(served) = launcher().serve_if_child() {
        std::process::exit(i32::from(served.is_err()));
    }
    let process = std::env::args().nth(1).as_deref() == Some("process");
    let app = LeibnizWindow {
        backend: Backend::ALL[usize::from(process)],
        ..LeibnizWindow::default()
    };
    let relm = RelmApp::new("io.github.offload.Leibniz");
    relm.with_args(Vec::new()).run::<LeibnizWindow>(app);
}
