//! The Worker component driven in-process, without a display: its own thread, its own
//! glib context, and a test thread that plays the App's part.

#[path = "support/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

use harness::{Harness, Recorded, PATIENCE};
use offload_components::choices::Backend;
use thread_or_process::{Command, Report};

fn counted(report: &Report<u64>) -> Option<u64> {
    match report {
        Report::News(number) => Some(*number),
        _ => None,
    }
}

fn every(delay: Duration) -> Harness<u64> {
    Harness::counting(Backend::Thread, delay, None)
}

#[test]
fn counts_up_from_zero_one_number_per_delay() {
    let mut harness = every(Duration::from_millis(5));
    let numbers: Vec<u64> = (0..5)
        .map(|_| counted(&harness.next()).expect("a number"))
        .collect();
    assert_eq!(numbers, [0, 1, 2, 3, 4]);
    harness.shutdown();
}

#[test]
fn pause_stops_counting_and_start_continues_the_count() {
    let recorded = Recorded::default();
    let mut harness = Harness::recorded(Duration::from_millis(5), Duration::ZERO, None, &recorded);
    harness.until(|report| counted(report) == Some(2));
    harness.emit(Command::Pause);
    let answer = harness.until(|report| matches!(report, Report::Paused(_)));
    let paused_at = recorded.numbers().len();
    assert_eq!(
        answer.last(),
        Some(&Report::Paused(Some(paused_at as u64 - 1)))
    );
    assert_eq!(
        harness.next_within(Duration::from_millis(100)),
        None,
        "counted while paused"
    );
    assert_eq!(recorded.numbers().len(), paused_at, "counted while paused");

    harness.emit(Command::Start);
    let resumed = counted(&harness.next()).expect("a number");
    assert_eq!(
        resumed as usize, paused_at,
        "the count continues where it was"
    );
    harness.shutdown();
}

#[test]
fn shutdown_during_a_long_delay_is_answered_at_once() {
    let an_hour = Duration::from_secs(3600);
    let mut harness = every(an_hour);
    // PATIENCE is a tiny fraction of the delay: an answer means the delay was cut short.
    assert_eq!(harness.shutdown(), None);
}

#[test]
fn stopped_carries_the_last_number_produced_even_when_reports_were_coalesced() {
    let recorded = Recorded::default();
    let mut harness = Harness::recorded(Duration::ZERO, Duration::from_millis(50), None, &recorded);
    harness.until(|report| counted(report).is_some_and(|number| number > 10_000));
    let last = harness.shutdown();
    let counted = recorded.numbers();
    assert_eq!(last, counted.last().copied());
    assert!(
        counted.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "gap in the count"
    );
}

#[test]
fn flooding_worker_sends_a_bounded_number_of_reports() {
    let interval = Duration::from_millis(20);
    let mut harness = Harness::recorded(Duration::ZERO, interval, None, &Recorded::default());
    let start = Instant::now();
    let mut reports = 0u32;
    while start.elapsed() < Duration::from_millis(500) {
        if harness.next_within(Duration::from_millis(10)).is_some() {
            reports += 1;
        }
    }
    let elapsed = start.elapsed();
    let last = harness.shutdown().expect("numbers were produced");
    let allowed = (elapsed.as_millis() / interval.as_millis()) as u32 + 2;
    assert!(
        reports <= allowed,
        "{reports} reports in {elapsed:?}, allowed {allowed}"
    );
    assert!(
        u64::from(reports) * 100 < last,
        "only {last} numbers for {reports} reports"
    );
}

#[test]
fn reset_is_confirmed_and_the_count_starts_again_at_zero() {
    let mut harness = every(Duration::from_millis(5));
    harness.until(|report| counted(report) == Some(3));
    harness.emit(Command::Reset);
    harness.until(|report| *report == Report::Cleared);
    assert_eq!(counted(&harness.next()), Some(0));
    harness.shutdown();
}

#[test]
fn a_limited_count_finishes_after_exactly_that_many_numbers() {
    let recorded = Recorded::default();
    let mut harness = Harness::recorded(
        Duration::ZERO,
        Duration::from_millis(50),
        Some(1000),
        &recorded,
    );
    let reports = harness.until(|report| matches!(report, Report::Finished(_)));
    assert_eq!(reports.last(), Some(&Report::Finished(Some(999))));
    assert_eq!(recorded.numbers(), (0..1000).collect::<Vec<_>>());
    assert_eq!(harness.shutdown(), Some(999));
}

#[test]
fn after_stopped_the_workers_thread_is_gone() {
    let recorded = Recorded::default();
    let mut harness = Harness::recorded(Duration::from_millis(5), Duration::ZERO, None, &recorded);
    harness.until(|report| counted(report) == Some(1));
    let thread = recorded.counting_thread();
    assert!(
        thread.exists(),
        "{} should be alive while counting",
        thread.display()
    );
    harness.shutdown();
    // join() saw the worker drop its state; the kernel reaps the thread right after.
    let deadline = Instant::now() + PATIENCE;
    while thread.exists() {
        assert!(
            Instant::now() < deadline,
            "{} still exists",
            thread.display()
        );
        std::thread::yield_now();
    }
}
