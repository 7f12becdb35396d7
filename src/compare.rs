//! `offload compare`: the Compare view's measurements on the command line, as a table
//! with the summary under it, or JSON. Its workers need no display and no session bus.

use offload_components::choices::{Backend, BackendName};
use offload_components::compare::{
    self, milliseconds, size, BackendFigures, Comparison, Figure, Interrupted, Plan,
};
use offload_components::kinds;
use relm4::gtk::glib;

pub fn run(json: bool, quick: bool) -> Result<(), String> {
    let plan = if quick { Plan::QUICK } else { Plan::FULL };
    let launcher = kinds::launcher();
    let comparison = glib::MainContext::default()
        .block_on(compare::compare(&launcher, plan, |_| {}, || false))
        .map_err(|interrupted| match interrupted {
            Interrupted::Failed(reason) => format!("the comparison failed: {reason}"),
            Interrupted::Cancelled => "the comparison was cancelled".to_owned(),
        })?;
    if json {
        let text = serde_json::to_string_pretty(&comparison).map_err(|error| error.to_string())?;
        println!("{text}");
    } else {
        print_table(&comparison, quick);
    }
    Ok(())
}

/// A row of the table: its label, how its figure is written, and where it is.
type Row = (
    &'static str,
    fn(&Figure) -> String,
    fn(&BackendFigures) -> &Figure,
);

fn print_table(comparison: &Comparison, quick: bool) {
    println!(
        "Offload compare{}: median (p95), from how many samples",
        if quick { " (quick)" } else { "" }
    );
    println!();
    println!(
        "{:<40} {:>26} {:>26}",
        "",
        Backend::Thread.noun(),
        Backend::Process.noun()
    );
    let rows: [Row; 5] = [
        ("start: asked -> first number", duration, |figures| {
            &figures.start_ms
        }),
        ("round trip: Pause -> Paused", duration, |figures| {
            &figures.round_trip_ms
        }),
        ("stop: Shutdown -> joined", duration, |figures| {
            &figures.stop_ms
        }),
        ("memory one more worker costs (PSS)", memory, |figures| {
            &figures.memory_kib
        }),
        (
            "crash -> a new worker's first number",
            duration,
            |figures| &figures.crash.restart_ms,
        ),
    ];
    for (label, show, figure) in rows {
        let cell = |backend| {
            let figure = figure(comparison.of(backend));
            format!("{}, {}", show(figure), figure.samples)
        };
        println!(
            "{label:<40} {:>26} {:>26}",
            cell(Backend::Thread),
            cell(Backend::Process)
        );
    }
    println!(
        "{:<40} {:>26} {:>26}",
        "the crash", comparison.thread.crash.reason, comparison.process.crash.reason
    );
    println!();
    for sentence in compare::summary(comparison) {
        println!("{sentence}");
    }
}

fn duration(figure: &Figure) -> String {
    format!(
        "{} ({})",
        milliseconds(figure.median),
        milliseconds(figure.p95)
    )
}

fn memory(figure: &Figure) -> String {
    size(figure.median)
}
