//! Churn: the real App component in this process, clicked through cycles of pause,
//! start, reset, a heavy job started and cancelled, and a backend switch. Every second
//! cycle ends where the first did (thread backend, counting, no job): there, threads,
//! descriptors, child processes and memory must not grow.

use offload_components::app::App;
use offload_components::choices::Backend;
use relm4::gtk::prelude::*;
use relm4::{ComponentController, Controller};

use crate::app_window::{self, shown_number, wait_until};
use crate::proc_table;
use crate::report::{count, Series, Table, UsageSeries};

/// Memory may move by this much between the first and last comparable cycle.
const RSS_ALLOWANCE_KIB: u64 = 8 * 1024;

pub fn churn(cycles: u32) -> Table {
    assert!(
        cycles >= 4 && cycles.is_multiple_of(2),
        "whole pairs of cycles"
    );
    let app = app_window::launch(Backend::Thread, "0.005", "0.01", []);
    app_window::choose_job_size(&app, 1_000_000_000_000);
    let mut usage = UsageSeries::default();
    let mut children = Series::default();
    for cycle in 1..=cycles {
        one_cycle(&app);
        // The first pair warms up (the first child started, the first job's threads).
        if cycle % 2 == 0 && cycle > 2 {
            usage.push(proc_table::usage(std::process::id()).expect("this process is alive"));
            children.push(proc_table::own_children().len() as u64);
        }
    }
    app_window::close(&app);

    usage.assert_flat("this process's", RSS_ALLOWANCE_KIB);
    children.assert_flat("child processes", 0);
    let [rss, threads, fds] = usage.summaries();
    let mut table = Table::new(
        format!("Churn: {cycles} cycles of pause, start, reset, job and cancel, backend switch"),
        &[
            "measured at",
            "resident memory",
            "threads",
            "open descriptors",
            "child processes",
        ],
    );
    table.row(&[
        &format!("cycles 4 → {cycles}, on the thread backend"),
        &rss,
        &threads,
        &fds,
        &children.summary(count),
    ]);
    table
}

fn one_cycle(app: &Controller<App>) {
    wait_until("a number shows", || shown_number(app).is_some());

    app.model()
        .counter_panel()
        .widgets()
        .start_pause
        .emit_clicked();
    wait_until("the pause is confirmed", || {
        app.model().counter_panel().widgets().status.label() == "Paused"
    });
    let paused_at = shown_number(app);
    app.model()
        .counter_panel()
        .widgets()
        .start_pause
        .emit_clicked();
    wait_until("counting resumes", || {
        shown_number(app) > paused_at.map(|number| number + 10)
    });

    let before_reset = shown_number(app);
    app.model().counter_panel().widgets().reset.emit_clicked();
    wait_until("the count restarts", || shown_number(app) < before_reset);

    app.model().job_panel().widgets().job_button.emit_clicked();
    wait_until("the job runs", || {
        app.model()
            .job_panel()
            .widgets()
            .job_detail
            .label()
            .contains("numbers/s")
    });
    app.model().job_panel().widgets().job_button.emit_clicked();
    wait_until("the job is cancelled", || {
        app.model().job_panel().widgets().job_detail.label() == "Cancelled"
    });

    let (other, workers) = match app.model().backend() {
        Backend::Thread => (Backend::Process, 1),
        Backend::Process => (Backend::Thread, 0),
    };
    app_window::switch_backend(app, other);
    // The cancelled job's workers, and the old backend's child, are gone.
    wait_until("only the counting worker's child is left", || {
        proc_table::own_children().len() == workers
    });
}
