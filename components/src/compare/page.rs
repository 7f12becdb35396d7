//! The Compare page: Run (Quick, or Full) measures both backends here while the counter
//! goes on counting; a progress bar and Cancel while it runs; then the table, the paired
//! bars, the summary in plain words, and Copy and Save. Nothing runs until Run.

use std::cell::Cell;
use std::rc::Rc;

use relm4::gtk::prelude::*;
use relm4::{gtk, Component, ComponentParts, ComponentSender};
use thread_or_process::Launcher;

use super::chart::Chart;
use super::export;
use super::run::{compare, Comparison, Interrupted, Plan};
use super::summary::summary;
use super::table::{self, reach, rows};
use crate::a11y;
use crate::choices::Backend;
use crate::i18n::{fill, gettext};

pub struct ComparePageInit {
    /// Starts the workers it measures.
    pub launcher: Launcher,
}

#[derive(Debug)]
pub enum ComparePageInput {
    /// "Run", or "Cancel" while a run measures.
    RunOrCancel,
    CopyAsText,
    SaveAsJson,
    /// The window's own job started or ended: while it runs on every core, a run would
    /// measure it too, and waits.
    JobRunning(bool),
    /// The window closes: stop measuring, and say `Stopped` once no worker is left.
    Shutdown,
}

#[derive(Debug)]
pub enum ComparePageOutput {
    Toast(String),
    Stopped,
}

#[derive(Debug)]
pub enum ComparePageEvent {
    Progress(f64),
    /// A measured job's progress, shown as the job panel shows it.
    JobProgress(String),
    Ended(Box<Result<Comparison, Interrupted>>),
    Saved(Result<Option<String>, String>),
}

enum RunState {
    Idle,
    /// Set `cancel` and the run ends before its next sample.
    Running {
        cancel: Rc<Cell<bool>>,
    },
}

pub struct ComparePage {
    launcher: Launcher,
    run: RunState,
    comparison: Option<Comparison>,
    shutting_down: bool,
    job_running: bool,
}

impl ComparePage {
    /// The last comparison's figures, once a run finished.
    pub fn comparison(&self) -> Option<&Comparison> {
        self.comparison.as_ref()
    }

    pub fn is_running(&self) -> bool {
        matches!(self.run, RunState::Running { .. })
    }
}

pub struct ComparePageWidgets {
    pub full: gtk::CheckButton,
    pub run: gtk::Button,
    pub progress: gtk::ProgressBar,
    pub status: gtk::Label,
    /// Each row's thread and process cells.
    pub cells: Vec<[gtk::Label; 2]>,
    pub chart: Chart,
    pub summary: gtk::Label,
    pub copy: gtk::Button,
    pub save: gtk::Button,
}

impl Component for ComparePage {
    type Init = ComparePageInit;
    type Input = ComparePageInput;
    type Output = ComparePageOutput;
    type CommandOutput = ComparePageEvent;
    type Root = gtk::Box;
    type Widgets = ComparePageWidgets;

    fn init_root() -> gtk::Box {
        gtk::Box::new(gtk::Orientation::Vertical, 12)
    }

    fn init(
        init: ComparePageInit,
        root: gtk::Box,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let title = gtk::Label::new(Some(&gettext("Threads or Processes?")));
        title.add_css_class("title-2");
        title.set_wrap(true);
        let intro = gtk::Label::new(Some(&gettext(
            "Measures here, on this machine, what a worker costs and protects on each backend. Nothing runs until you press Run; the counter goes on meanwhile.",
        )));
        intro.set_wrap(true);
        intro.set_justify(gtk::Justification::Center);
        intro.add_css_class("dim-label");
        root.append(&title);
        root.append(&intro);

        let (controls, full, run) = run_controls(&sender);
        root.append(&controls);

        let progress = gtk::ProgressBar::new();
        progress.set_visible(false);
        let status = gtk::Label::new(None);
        status.set_wrap(true);
        status.add_css_class("dim-label");
        root.append(&progress);
        root.append(&status);

        // The verdict first, in plain words; the figures it rests on below.
        let summary_label = gtk::Label::new(None);
        summary_label.set_wrap(true);
        summary_label.set_xalign(0.0);
        summary_label.set_margin_top(6);
        summary_label.set_selectable(true);
        root.append(&summary_label);

        let (grid, cells) = table_grid();
        root.append(&grid);

        let chart = Chart::new();
        root.append(chart.widget());

        let (exports, copy, save) = export_buttons(&sender);
        root.append(&exports);

        let model = ComparePage {
            launcher: init.launcher,
            run: RunState::Idle,
            comparison: None,
            shutting_down: false,
            job_running: false,
        };
        let widgets = ComparePageWidgets {
            full,
            run,
            progress,
            status,
            cells,
            chart,
            summary: summary_label,
            copy,
            save,
        };
        ComponentParts { model, widgets }
    }

    fn update_with_view(
        &mut self,
        widgets: &mut ComparePageWidgets,
        message: ComparePageInput,
        sender: ComponentSender<Self>,
        root: &gtk::Box,
    ) {
        match message {
            ComparePageInput::RunOrCancel => match &self.run {
                RunState::Running { cancel } => cancel.set(true),
                RunState::Idle if !self.shutting_down && !self.job_running => {
                    self.start(widgets.full.is_active(), &sender);
                    widgets.progress.set_fraction(0.0);
                    widgets.progress.set_visible(true);
                    widgets
                        .status
                        .set_text(&gettext("Measuring both backends…"));
                    set_run_label(&widgets.run, true);
                    widgets.full.set_sensitive(false);
                }
                RunState::Idle => {}
            },
            ComparePageInput::JobRunning(running) => {
                self.job_running = running;
                if !self.is_running() {
                    widgets.run.set_sensitive(!running);
                    widgets.status.set_text(&if running {
                        gettext("Count primes is running: a comparison waits for its end, or its Cancel")
                    } else {
                        String::new()
                    });
                }
            }
            ComparePageInput::CopyAsText => {
                if let Some(comparison) = &self.comparison {
                    root.clipboard().set_text(&table::as_text(comparison));
                    let _ = sender.output(ComparePageOutput::Toast(gettext(
                        "The comparison is on the clipboard",
                    )));
                }
            }
            ComparePageInput::SaveAsJson => {
                if let Some(comparison) = &self.comparison {
                    let events = sender.command_sender().clone();
                    export::save_json(root, comparison, move |saved| {
                        events.emit(ComparePageEvent::Saved(saved));
                    });
                }
            }
            ComparePageInput::Shutdown => {
                self.shutting_down = true;
                match &self.run {
                    RunState::Running { cancel } => cancel.set(true),
                    RunState::Idle => {
                        let _ = sender.output(ComparePageOutput::Stopped);
                    }
                }
            }
        }
    }

    fn update_cmd_with_view(
        &mut self,
        widgets: &mut ComparePageWidgets,
        event: ComparePageEvent,
        sender: ComponentSender<Self>,
        _: &gtk::Box,
    ) {
        match event {
            ComparePageEvent::Progress(share) => {
                widgets.progress.set_fraction(share);
                widgets
                    .status
                    .set_text(&gettext("Measuring both backends…"));
            }
            ComparePageEvent::JobProgress(detail) if self.is_running() => {
                widgets.status.set_text(&detail);
            }
            ComparePageEvent::JobProgress(_) => {}
            ComparePageEvent::Ended(outcome) => {
                self.run = RunState::Idle;
                widgets.progress.set_visible(false);
                set_run_label(&widgets.run, false);
                widgets.run.set_sensitive(!self.job_running);
                widgets.full.set_sensitive(true);
                match *outcome {
                    Ok(comparison) => {
                        widgets.status.set_text("");
                        show(widgets, &comparison);
                        self.comparison = Some(comparison);
                    }
                    Err(Interrupted::Cancelled) => {
                        widgets.status.set_text(&gettext("Comparison cancelled"));
                    }
                    Err(Interrupted::Failed(reason)) => widgets.status.set_text(&fill(
                        &gettext("The comparison failed: {reason}"),
                        &[("reason", &reason)],
                    )),
                }
                if self.shutting_down {
                    let _ = sender.output(ComparePageOutput::Stopped);
                }
            }
            ComparePageEvent::Saved(Ok(Some(path))) => {
                let _ = sender.output(ComparePageOutput::Toast(fill(
                    &gettext("Saved as {file}"),
                    &[("file", &path)],
                )));
            }
            ComparePageEvent::Saved(Ok(None)) => {}
            ComparePageEvent::Saved(Err(reason)) => {
                let _ = sender.output(ComparePageOutput::Toast(fill(
                    &gettext("Could not save the comparison: {reason}"),
                    &[("reason", &reason)],
                )));
            }
        }
    }
}

impl ComparePage {
    /// Measures on the main context, one sample at a time, so that the window (and its
    /// counter) goes on between two samples.
    fn start(&mut self, full: bool, sender: &ComponentSender<Self>) {
        let cancel = Rc::new(Cell::new(false));
        let plan = if full { Plan::FULL } else { Plan::QUICK };
        let launcher = self.launcher.clone();
        let events = sender.command_sender().clone();
        let cancelled = cancel.clone();
        relm4::spawn_local(async move {
            let progress = {
                let events = events.clone();
                move |share| events.emit(ComparePageEvent::Progress(share))
            };
            let shown_job = {
                let events = events.clone();
                move |detail| events.emit(ComparePageEvent::JobProgress(detail))
            };
            let outcome = compare(&launcher, plan, progress, || cancelled.get(), shown_job).await;
            events.emit(ComparePageEvent::Ended(Box::new(outcome)));
        });
        self.run = RunState::Running { cancel };
    }
}

/// The table's grid: a heading per backend, and per row its heading and a cell per
/// backend ("—" until a run, but for what the worker can reach).
fn table_grid() -> (gtk::Grid, Vec<[gtk::Label; 2]>) {
    let grid = gtk::Grid::new();
    grid.set_column_spacing(12);
    grid.set_row_spacing(12);
    grid.set_column_homogeneous(false);
    for (column, backend) in [(1, gettext("Thread")), (2, gettext("Process"))] {
        let heading = gtk::Label::new(Some(&backend));
        heading.add_css_class("heading");
        heading.set_xalign(0.0);
        grid.attach(&heading, column, 0, 1, 1);
    }
    let mut cells = Vec::new();
    for (index, row) in rows().iter().enumerate() {
        let top = index as i32 + 1;
        let heading = gtk::Label::new(Some(&row.heading));
        heading.set_wrap(true);
        heading.set_xalign(0.0);
        heading.set_yalign(0.0);
        heading.set_max_width_chars(16);
        heading.set_width_chars(10);
        grid.attach(&heading, 0, top, 1, 1);
        let pair = [1, 2].map(|column| {
            let cell = gtk::Label::new(Some("—"));
            cell.set_wrap(true);
            cell.set_xalign(0.0);
            cell.set_yalign(0.0);
            cell.set_max_width_chars(14);
            cell.set_width_chars(8);
            cell.set_selectable(true);
            cell.set_hexpand(true);
            grid.attach(&cell, column, top, 1, 1);
            cell
        });
        cells.push(pair);
    }
    // The last row is known before any run.
    if let Some(reach_cells) = cells.last() {
        for (cell, backend) in reach_cells.iter().zip(Backend::ALL) {
            cell.set_text(&reach(backend));
        }
    }
    (grid, cells)
}

/// Copy as Text and Save as JSON…, insensitive until a run has figures.
fn export_buttons(sender: &ComponentSender<ComparePage>) -> (gtk::Box, gtk::Button, gtk::Button) {
    let copy = a11y::mnemonic_button(&gettext("_Copy as Text"));
    let save = a11y::mnemonic_button(&gettext("_Save as JSON…"));
    let inputs: [(_, fn() -> ComparePageInput); 2] = [
        (&copy, || ComparePageInput::CopyAsText),
        (&save, || ComparePageInput::SaveAsJson),
    ];
    for (button, input) in inputs {
        button.set_sensitive(false);
        let sender = sender.clone();
        button.connect_clicked(move |_| sender.input(input()));
    }
    let exports = gtk::Box::new(gtk::Orientation::Horizontal, 12);
    exports.set_halign(gtk::Align::Center);
    exports.append(&copy);
    exports.append(&save);
    (exports, copy, save)
}

/// Full run, and Run (Cancel while a run measures).
fn run_controls(
    sender: &ComponentSender<ComparePage>,
) -> (gtk::Box, gtk::CheckButton, gtk::Button) {
    let full = a11y::mnemonic_check_button(&gettext("_Full run (up to 3 minutes)"));
    full.set_tooltip_text(Some(&gettext(
        "More samples, for figures you can quote; a quick run takes seconds",
    )));
    let run = a11y::mnemonic_button(&gettext("_Run"));
    run.add_css_class("suggested-action");
    run.add_css_class("pill");
    {
        let sender = sender.clone();
        run.connect_clicked(move |_| sender.input(ComparePageInput::RunOrCancel));
    }
    let controls = gtk::Box::new(gtk::Orientation::Horizontal, 12);
    controls.set_halign(gtk::Align::Center);
    controls.append(&full);
    controls.append(&run);
    (controls, full, run)
}

fn set_run_label(button: &gtk::Button, running: bool) {
    if running {
        a11y::relabel(button, &gettext("_Cancel"));
        button.remove_css_class("suggested-action");
    } else {
        a11y::relabel(button, &gettext("_Run"));
        button.add_css_class("suggested-action");
    }
}

fn show(widgets: &ComparePageWidgets, comparison: &Comparison) {
    for (row, cells) in rows().iter().zip(&widgets.cells) {
        for (cell, backend) in cells.iter().zip(Backend::ALL) {
            cell.set_text(&(row.cell)(backend, comparison.of(backend)));
        }
    }
    widgets.chart.show(comparison);
    widgets.summary.set_text(&summary(comparison).join(" "));
    widgets.copy.set_sensitive(true);
    widgets.save.set_sensitive(true);
}
