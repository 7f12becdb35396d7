//! The comparison in plain words, computed from its figures. A comparison is only said
//! where the spreads support it (`Figure::clearly_below`); elsewhere the summary says it
//! cannot tell.

use std::fmt::Display;

use super::figure::Figure;
use super::run::Comparison;
use crate::i18n::{fill, gettext, numbers};

/// Memory is counted in pages: a difference below one is no cost that can be told.
const PAGE_KIB: f64 = 4.0;

/// One sentence per thing the summary speaks of: start, round trip, memory, the job,
/// what showing its progress cost, and a crash.
pub fn summary(comparison: &Comparison) -> Vec<String> {
    let (thread, process) = (&comparison.thread, &comparison.process);
    vec![
        start(&thread.start_ms, &process.start_ms),
        round_trip(&thread.round_trip_ms, &process.round_trip_ms),
        memory(&thread.memory_kib, &process.memory_kib),
        job(&thread.job_s, &process.job_s),
        progress_cost(&thread.progress_cost_ratio, &process.progress_cost_ratio),
        gettext(
            "A process survives a crash in native code; a thread contains only a panic: a crash in native code on a thread ends the whole app.",
        ),
    ]
}

/// The three things a summary sentence can say of two figures: which is lower, when the
/// spreads tell; else that they are too close to tell.
struct Sentences {
    thread_lower: String,
    process_lower: String,
    too_close: String,
}

impl Sentences {
    /// The sentence `thread` and `process` support, its placeholders filled from
    /// `values`.
    fn say(self, thread: &Figure, process: &Figure, values: &[(&str, &dyn Display)]) -> String {
        let template = if thread.clearly_below(process) {
            self.thread_lower
        } else if process.clearly_below(thread) {
            self.process_lower
        } else {
            self.too_close
        };
        fill(&template, values)
    }
}

fn start(thread: &Figure, process: &Figure) -> String {
    Sentences {
        thread_lower: gettext(
            "Here a thread starts {times}× faster than a process: {thread} against {process}.",
        ),
        process_lower: gettext(
            "Here a process starts faster than a thread: {process} against {thread}.",
        ),
        too_close: gettext("The start times are too close to tell which backend starts faster."),
    }
    .say(
        thread,
        process,
        &[
            ("thread", &milliseconds(thread.median)),
            ("process", &milliseconds(process.median)),
            ("times", &times(thread.median, process.median)),
        ],
    )
}

fn round_trip(thread: &Figure, process: &Figure) -> String {
    Sentences {
        thread_lower: gettext(
            "A command is answered sooner by a thread: {thread} against {process}.",
        ),
        process_lower: gettext(
            "A command is answered sooner by a process: {process} against {thread}.",
        ),
        too_close: gettext("The round trips are too close to tell which backend answers sooner."),
    }
    .say(
        thread,
        process,
        &[
            ("thread", &milliseconds(thread.median)),
            ("process", &milliseconds(process.median)),
        ],
    )
}

fn memory(thread: &Figure, process: &Figure) -> String {
    Sentences {
        thread_lower: gettext(
            "One more thread costs {thread} of memory, one more process {process}.",
        ),
        process_lower: gettext("Here one more process costs less memory than one more thread: {process} against {thread}."),
        too_close: gettext(
            "The memory a worker costs varies too much here to tell the backends apart.",
        ),
    }
    .say(
        thread,
        process,
        &[("thread", &size(thread.median)), ("process", &size(process.median))],
    )
}

fn job(thread: &Figure, process: &Figure) -> String {
    Sentences {
        thread_lower: gettext(
            "The same job on every core runs faster on threads: {thread} against {process}.",
        ),
        process_lower: gettext(
            "The same job on every core runs faster in processes: {process} against {thread}.",
        ),
        too_close: gettext("The same job on every core took {thread} on threads and {process} in processes: too close to tell which is faster."),
    }
    .say(
        thread,
        process,
        &[("thread", &seconds(thread.median)), ("process", &seconds(process.median))],
    )
}

/// Below this, a job's time from one run to the next differs by chance on a busy
/// machine; a cost of showing progress must show beyond it.
const JOB_NOISE: f64 = 0.02;

/// Whether showing a job's progress slowed it, on each backend: only when every round
/// says so, beyond the noise.
fn progress_cost(thread: &Figure, process: &Figure) -> String {
    let cost = |figure: &Figure| {
        (figure.samples >= 1 && figure.min > 1.0 + JOB_NOISE)
            .then(|| significant((figure.median - 1.0) * 100.0))
    };
    match (cost(thread), cost(process)) {
        (Some(thread), Some(process)) => fill(
            // xgettext:no-c-format
            &gettext("Showing a job's progress slowed it by about {thread} % on threads and {process} % in processes."),
            &[("thread", &thread), ("process", &process)],
        ),
        (Some(percent), None) => fill(
            &gettext("Showing a job's progress slowed it on threads, by about {percent} %."),
            &[("percent", &percent)],
        ),
        (None, Some(percent)) => fill(
            &gettext("Showing a job's progress slowed it in processes, by about {percent} %."),
            &[("percent", &percent)],
        ),
        (None, None) => gettext("Showing a job's progress did not measurably slow it."),
    }
}

fn seconds(value: f64) -> String {
    fill(&gettext("{value} s"), &[("value", &significant(value))])
}

/// "0.12 ms", "3.4 ms", "250 ms": two significant digits, at least one decimal.
pub fn milliseconds(value: f64) -> String {
    fill(&gettext("{value} ms"), &[("value", &significant(value))])
}

/// "96 KiB", "3.1 MiB"; below a memory page, "under 4 KiB".
pub fn size(kib: f64) -> String {
    if kib < PAGE_KIB {
        fill(&gettext("under {value} KiB"), &[("value", &PAGE_KIB)])
    } else if kib < 1024.0 {
        fill(&gettext("{value} KiB"), &[("value", &significant(kib))])
    } else {
        fill(
            &gettext("{value} MiB"),
            &[("value", &significant(kib / 1024.0))],
        )
    }
}

/// How many times `slower` is `faster`, to two significant digits.
fn times(faster: f64, slower: f64) -> String {
    if faster <= 0.0 {
        return "∞".to_owned();
    }
    significant(slower / faster)
}

/// Two significant digits, the decimals as the user's language writes them.
pub(super) fn significant(value: f64) -> String {
    let magnitude = value.abs();
    let decimals = if magnitude >= 10.0 || magnitude == 0.0 {
        0
    } else if magnitude >= 1.0 {
        1
    } else {
        (1 - magnitude.log10().floor() as i32).clamp(1, 6) as usize
    };
    numbers().decimal(value, decimals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::run::fixtures::{backend, comparison, spread};

    #[test]
    fn clear_differences_are_said_with_their_figures() {
        let said = summary(&comparison());
        assert_eq!(
            said[0],
            "Here a thread starts 28× faster than a process: 0.11 ms against 3.1 ms."
        );
        assert_eq!(
            said[1],
            "A command is answered sooner by a thread: 0.025 ms against 0.25 ms."
        );
        assert_eq!(
            said[2],
            "One more thread costs 100 KiB of memory, one more process 3.1 MiB."
        );
        assert_eq!(
            said[3],
            "The same job on every core took 1.1 s on threads and 1.1 s in processes: too close to tell which is faster."
        );
        assert_eq!(
            said[4],
            "Showing a job's progress did not measurably slow it."
        );
        assert!(said[5].starts_with("A process survives a crash in native code"));
    }

    #[test]
    fn overlapping_spreads_cannot_tell() {
        let comparison = Comparison {
            thread: backend(spread(1.0, 3.0), spread(0.1, 0.3), spread(100.0, 400.0)),
            process: backend(spread(2.0, 4.0), spread(0.2, 0.4), spread(300.0, 500.0)),
        };
        let said = summary(&comparison);
        assert_eq!(
            said[0],
            "The start times are too close to tell which backend starts faster."
        );
        assert_eq!(
            said[1],
            "The round trips are too close to tell which backend answers sooner."
        );
        assert_eq!(
            said[2],
            "The memory a worker costs varies too much here to tell the backends apart."
        );
    }

    #[test]
    fn a_process_clearly_faster_is_said_too() {
        let comparison = Comparison {
            thread: backend(spread(5.0, 6.0), spread(0.5, 0.6), spread(5000.0, 6000.0)),
            process: backend(spread(1.0, 2.0), spread(0.1, 0.2), spread(100.0, 200.0)),
        };
        let said = summary(&comparison);
        assert!(said[0].starts_with("Here a process starts faster than a thread: 1.5 ms"));
        assert!(said[1].starts_with("A command is answered sooner by a process"));
        assert!(said[2].starts_with("Here one more process costs less memory"));
    }

    #[test]
    fn a_progress_cost_is_said_only_when_every_round_shows_it_beyond_the_noise() {
        let costly = Figure::of(&[1.04, 1.05, 1.06]).unwrap();
        let noisy = Figure::of(&[1.01, 1.05, 1.06]).unwrap();
        let free = Figure::of(&[0.99, 1.0, 1.01]).unwrap();
        assert_eq!(
            progress_cost(&free, &costly),
            "Showing a job's progress slowed it in processes, by about 5.0 %."
        );
        assert_eq!(
            progress_cost(&costly, &noisy),
            "Showing a job's progress slowed it on threads, by about 5.0 %."
        );
        assert_eq!(
            progress_cost(&costly, &costly),
            "Showing a job's progress slowed it by about 5.0 % on threads and 5.0 % in processes."
        );
        assert_eq!(
            progress_cost(&noisy, &free),
            "Showing a job's progress did not measurably slow it."
        );
    }

    #[test]
    fn two_significant_digits() {
        assert_eq!(significant(0.123), "0.12");
        assert_eq!(significant(0.0456), "0.046");
        assert_eq!(significant(3.24), "3.2");
        assert_eq!(significant(250.4), "250");
        assert_eq!(significant(0.0), "0");
    }

    #[test]
    fn sizes_below_a_page_cannot_be_told() {
        assert_eq!(size(0.0), "under 4 KiB");
        assert_eq!(size(-8.0), "under 4 KiB");
        assert_eq!(size(96.0), "96 KiB");
        assert_eq!(size(2600.0), "2.5 MiB");
    }
}
