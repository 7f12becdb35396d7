//! Faults: the real App component in this process, its workers made to fail again and
//! again at random moments, each way the process-backend issue lists. Every fault must
//! be survived (a new worker started), and the numbers the window shows must run on
//! one by one: never backwards, never repeated, resuming from the last reported number.

use std::time::Duration;

use offload_components::app::App;
use offload_components::choices::{Backend, BackendName};
use offload_components::counter::fault::{FaultKind, FaultPlan};
use relm4::{ComponentController, Controller};

use crate::app_window::{self, let_run, wait_at_most, wait_until, ShownNumbers};
use crate::proc_table;
use crate::report::Table;

/// One number every 100 ms, the label refreshed every 10 ms: the window shows every
/// number (unless its main loop stalls for 90 ms), so a lost one shows as a gap.
const WORKER_DELAY: &str = "0.1";
const GUI_DELAY: &str = "0.01";
/// A worker fails after 2 to 5 numbers: at least one reported (which resets the
/// restart back-off), and a different moment each time.
const FAIL_AFTER: std::ops::RangeInclusive<u64> = 2..=5;
/// A restart takes the 0.1 s back-off plus a child's start; this is far more.
const PER_FAULT: Duration = Duration::from_secs(3);

pub fn table() -> Table {
    Table::new(
        "Faults at random moments",
        &[
            "fault",
            "backend",
            "injected",
            "survived",
            "numbers shown",
            "steps other than +1",
        ],
    )
}

/// Workers that fail as planned, `faults` times in a row.
pub fn planned(kind: FaultKind, backend: Backend, faults: u32, table: &mut Table) {
    let plans = (0..faults).map(|_| FaultPlan {
        kind,
        after: fastrand::u64(FAIL_AFTER),
    });
    let app = app_window::launch(backend, WORKER_DELAY, GUI_DELAY, plans);
    let shown = ShownNumbers::record(&app);
    let all_used = u64::from(faults) + 1;
    wait_at_most(PER_FAULT * faults, "every planned fault struck", || {
        app.model().workers_started() == all_used
    });
    finish(&app, &shown, &kind.to_string(), backend, faults, table);
}

/// A worker child killed with SIGKILL from outside, `faults` times, each at a random
/// moment after its successor showed its first number.
pub fn killed_from_outside(faults: u32, table: &mut Table) {
    let app = app_window::launch(Backend::Process, WORKER_DELAY, GUI_DELAY, []);
    let shown = ShownNumbers::record(&app);
    for fault in 0..u64::from(faults) {
        wait_until("the next worker starts", || {
            app.model().workers_started() == fault + 1
        });
        // The old worker's last number showed during the 0.1 s back-off already.
        let numbers_at_start = shown.len();
        wait_until("the new worker shows a number", || {
            shown.len() > numbers_at_start
        });
        let_run(Duration::from_millis(fastrand::u64(0..=250)));
        let mut children = Vec::new();
        wait_until("one worker child", || {
            children = proc_table::own_children();
            children.len() == 1
        });
        proc_table::kill(children[0]);
    }
    wait_until("the last restart", || {
        app.model().workers_started() == u64::from(faults) + 1
    });
    finish(&app, &shown, "SIGKILL", Backend::Process, faults, table);
}

fn finish(
    app: &Controller<App>,
    shown: &ShownNumbers,
    fault: &str,
    backend: Backend,
    faults: u32,
    table: &mut Table,
) {
    let numbers_before = shown.len();
    wait_until("the last worker counts on", || {
        shown.len() >= numbers_before + 3
    });
    app_window::close(app);
    let numbers = shown.all();
    let odd_steps: Vec<(u64, u64)> = numbers
        .windows(2)
        .map(|pair| (pair[0], pair[1]))
        .filter(|(before, after)| *after != before + 1)
        .collect();
    assert!(
        odd_steps.is_empty(),
        "after {fault} faults the count did not run on one by one: {odd_steps:?}"
    );
    let survived = app.model().workers_started() - 1;
    table.row(&[
        &fault,
        &backend.noun(),
        &faults,
        &survived,
        &format!(
            "{} ({} → {})",
            numbers.len(),
            numbers[0],
            numbers[numbers.len() - 1]
        ),
        &odd_steps.len(),
    ]);
}
