//! The comparison as a table: a row per figure, a cell per backend, in the user's
//! language. The Compare page shows it; Copy and `offload compare` write it as text.

use super::figure::Figure;
use super::run::{BackendFigures, Comparison};
use super::summary::{milliseconds, significant, size, summary};
use crate::choices::Backend;
use crate::i18n::{fill, gettext, ngettext, numbers};

/// A row of the table: its heading, and what each backend's cell says.
pub struct Row {
    pub heading: String,
    pub cell: fn(Backend, &BackendFigures) -> String,
}

pub fn rows() -> Vec<Row> {
    vec![
        Row {
            heading: gettext("Start a worker: asked → first report"),
            cell: |_, figures| median_and_p95(&figures.start_ms, Counted::Starts),
        },
        Row {
            heading: gettext("Round trip: Pause → Paused"),
            cell: |_, figures| p50_and_p99(&figures.round_trip_ms),
        },
        Row {
            heading: gettext("Stop: Shutdown → joined"),
            cell: |_, figures| median_and_p95(&figures.stop_ms, Counted::Stops),
        },
        Row {
            heading: gettext("Memory one more worker costs"),
            cell: |_, figures| {
                let weighed = &figures.memory_kib;
                format!(
                    "{}\n{}",
                    size(weighed.median),
                    samples(weighed, Counted::Weighings)
                )
            },
        },
        Row {
            heading: gettext("The same job on every core"),
            cell: |_, figures| {
                format!(
                    "{}\n{}\n{}",
                    fill(
                        &gettext("{value} s"),
                        &[("value", &significant(figures.job_s.median))]
                    ),
                    fill(
                        &gettext("×{ratio} the faster"),
                        &[("ratio", &numbers().decimal(figures.job_ratio_to_faster, 2))]
                    ),
                    samples(&figures.job_s, Counted::Jobs)
                )
            },
        },
        Row {
            heading: gettext("The window while that job runs: main loop lateness"),
            cell: |_, figures| {
                let lateness = &figures.lateness_ms;
                format!(
                    "{}\n{}",
                    fill(
                        &gettext("p99 {value}"),
                        &[("value", &milliseconds(lateness.p99))]
                    ),
                    samples(lateness, Counted::Ticks)
                )
            },
        },
        Row {
            heading: gettext("The work while its progress shows: time shown ÷ ignored"),
            cell: |_, figures| {
                let cost = &figures.progress_cost_ratio;
                format!(
                    "{}\n{}\n{}",
                    fill(
                        &gettext("×{ratio}"),
                        &[("ratio", &numbers().decimal(cost.median, 3))]
                    ),
                    fill(
                        &gettext("{low} to {high}"),
                        &[
                            ("low", &numbers().decimal(cost.min, 3)),
                            ("high", &numbers().decimal(cost.max, 3))
                        ]
                    ),
                    samples(cost, Counted::Jobs)
                )
            },
        },
        Row {
            heading: gettext("A worker that crashes"),
            cell: |backend, figures| {
                let restart = milliseconds(figures.crash.restart_ms.median);
                let template = match backend {
                    Backend::Thread => gettext("A panic: contained, a new worker in {restart}"),
                    Backend::Process => gettext("A segfault: survived, a new worker in {restart}"),
                };
                fill(&template, &[("restart", &restart)])
            },
        },
        Row {
            heading: gettext("What the worker can reach"),
            cell: |backend, _| reach(backend),
        },
    ]
}

pub fn reach(backend: Backend) -> String {
    match backend {
        Backend::Thread => gettext("The whole app's memory and rights"),
        Backend::Process => gettext("Its own memory, and what its sandbox allows"),
    }
}

fn median_and_p95(figure: &Figure, counted: Counted) -> String {
    format!(
        "{}\n{}\n{}",
        milliseconds(figure.median),
        fill(
            &gettext("p95 {value}"),
            &[("value", &milliseconds(figure.p95))]
        ),
        samples(figure, counted)
    )
}

fn p50_and_p99(figure: &Figure) -> String {
    format!(
        "{}\n{}\n{}",
        fill(
            &gettext("p50 {value}"),
            &[("value", &milliseconds(figure.median))]
        ),
        fill(
            &gettext("p99 {value}"),
            &[("value", &milliseconds(figure.p99))]
        ),
        samples(figure, Counted::RoundTrips)
    )
}

/// What a figure's samples are.
#[derive(Clone, Copy)]
enum Counted {
    Starts,
    Stops,
    RoundTrips,
    Weighings,
    Jobs,
    Ticks,
}

/// "20 starts", in the user's language, with its plural.
fn samples(figure: &Figure, counted: Counted) -> String {
    let count = u32::try_from(figure.samples).unwrap_or(u32::MAX);
    let template = match counted {
        Counted::Starts => ngettext("{count} start", "{count} starts", count),
        Counted::Stops => ngettext("{count} stop", "{count} stops", count),
        Counted::RoundTrips => ngettext("{count} round trip", "{count} round trips", count),
        Counted::Weighings => ngettext("{count} weighing", "{count} weighings", count),
        Counted::Jobs => ngettext("{count} job", "{count} jobs", count),
        Counted::Ticks => ngettext("{count} timer tick", "{count} timer ticks", count),
    };
    fill(&template, &[("count", &figure.samples)])
}

/// The table and the summary as plain text: each row's heading, then each backend's
/// cell on one line.
pub fn as_text(comparison: &Comparison) -> String {
    let mut text = gettext("Threads or Processes? Measured by Offload") + "\n\n";
    for row in rows() {
        text.push_str(&row.heading);
        text.push('\n');
        for (backend, name) in [
            (Backend::Thread, gettext("Thread")),
            (Backend::Process, gettext("Process")),
        ] {
            let cell = (row.cell)(backend, comparison.of(backend)).replace('\n', ", ");
            text.push_str(&format!("  {name}: {cell}\n"));
        }
    }
    text.push('\n');
    text.push_str(&summary(comparison).join(" "));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::run::fixtures::comparison;

    #[test]
    fn every_row_has_a_cell_for_each_backend_and_the_text_has_them_all() {
        let comparison = comparison();
        let text = as_text(&comparison);
        for row in rows() {
            assert!(text.contains(&row.heading), "{} missing", row.heading);
            for backend in Backend::ALL {
                let cell = (row.cell)(backend, comparison.of(backend));
                assert!(!cell.is_empty());
                assert!(text.contains(&cell.replace('\n', ", ")), "{cell} missing");
            }
        }
        assert!(text.contains("Here a thread starts"));
    }

    #[test]
    fn a_cell_says_how_many_samples_it_rests_on() {
        let comparison = comparison();
        let start = (rows()[0].cell)(Backend::Process, comparison.of(Backend::Process));
        assert_eq!(start, "3.1 ms\np95 3.2 ms\n5 starts");
    }
}
