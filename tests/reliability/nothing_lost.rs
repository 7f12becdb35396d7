//! Nothing lost: one window through a crash restart, two backend switches, a worker
//! child killed from outside, and a pause, while the numbers it shows are recorded.
//! They must run on one by one from first to last.

use std::time::Duration;

use offload_components::choices::Backend;
use offload_components::counter::fault::{FaultKind, FaultPlan};
use relm4::gtk::prelude::*;
use relm4::ComponentController;

use crate::app_window::{self, wait_until, ShownNumbers};
use crate::proc_table;
use crate::report::Table;

/// As in the fault campaign: the window shows every number.
const WORKER_DELAY: &str = "0.1";
const GUI_DELAY: &str = "0.01";

pub fn sequence() -> Table {
    let crash = FaultPlan {
        kind: FaultKind::Panic,
        after: 5,
    };
    let app = app_window::launch(Backend::Thread, WORKER_DELAY, GUI_DELAY, [crash]);
    let shown = ShownNumbers::record(&app);
    let counts_on = |what: &str| {
        let before = shown.len();
        wait_until(what, || shown.len() >= before + 3);
    };

    wait_until("the panicked thread worker is replaced", || {
        app.model().workers_started() == 2
    });
    counts_on("the restarted thread worker counts on");
    app_window::switch_backend(&app, Backend::Process);
    counts_on("the child counts on");
    let children = proc_table::own_children();
    let [child] = children[..] else {
        panic!("one worker child, found {children:?}");
    };
    proc_table::kill(child);
    wait_until("the killed child is replaced", || {
        app.model().workers_started() == 4
    });
    counts_on("the new child counts on");
    app_window::switch_backend(&app, Backend::Thread);
    counts_on("the thread counts on");
    app.model()
        .counter_panel()
        .widgets()
        .start_pause
        .emit_clicked();
    wait_until("the pause is confirmed", || {
        app.model().counter_panel().widgets().status.label() == "Paused"
    });
    app_window::let_run(Duration::from_millis(200));
    app.model()
        .counter_panel()
        .widgets()
        .start_pause
        .emit_clicked();
    counts_on("counting resumes");
    app_window::close(&app);

    let numbers = shown.all();
    let expected: Vec<u64> = (numbers[0]..=numbers[numbers.len() - 1]).collect();
    assert_eq!(
        numbers, expected,
        "the count skipped or went back through crash, switches and pause"
    );
    let mut table = Table::new(
        "Nothing lost: one window through a panic, two switches, a SIGKILL and a pause",
        &["numbers shown", "from", "to", "steps other than +1"],
    );
    table.row(&[
        &numbers.len(),
        &numbers[0],
        &expected[expected.len() - 1],
        &0,
    ]);
    table
}
