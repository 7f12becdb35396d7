//! The heavy job on a worker, on both backends, without a display: correct results,
//! progress that only grows and ends at 100 %, and Shutdown in the middle of a slice.

#[path = "support/harness.rs"]
mod harness;

use std::time::Duration;

use harness::{launcher, Harness};
use offload_components::choices::Backend;
use offload_components::job::Progress;
use thread_or_process::Report;

#[test]
fn a_job_reports_growing_progress_and_the_right_count_on_both_backends() {
    for backend in Backend::ALL {
        let mut harness = Harness::job(backend, 0, 30_000_000);
        let reports = harness.until(|report| matches!(report, Report::Finished(_)));
        let progress: Vec<Progress> = reports
            .iter()
            .filter_map(|report| match report {
                Report::News(progress) | Report::Finished(Some(progress)) => Some(*progress),
                _ => None,
            })
            .collect();
        assert!(
            progress.windows(2).all(|pair| pair[0].done <= pair[1].done),
            "{backend:?}: progress went back: {progress:?}"
        );
        let last = progress.last().expect("a final report");
        assert_eq!(
            (last.done, last.total),
            (30_000_000, 30_000_000),
            "{backend:?}"
        );
        assert_eq!(last.found, 1_857_859, "{backend:?}");
        harness.shutdown();
    }
}

#[test]
fn shutdown_in_the_middle_of_a_huge_job_is_answered_at_once_on_both_backends() {
    for backend in Backend::ALL {
        // Hours of work: an answer within the harness's patience means the job was cut.
        let mut harness = Harness::job(backend, 0, 1_000_000_000_000);
        harness.until(|report| matches!(report, Report::News(_)));
        let stopped_at = harness.shutdown().expect("a part always has progress");
        assert!(stopped_at.done < stopped_at.total, "{backend:?}");
    }
}

/// Counts the primes below `upto` on `workers` thread workers, as `offload headless`
/// does, with the global default context taking their reports; None if the job did not
/// end within `patience`.
fn count_on_workers(upto: u64, workers: usize, patience: Duration) -> Option<u64> {
    use offload_components::job::{JobOutcome, JobRun};
    let context = relm4::gtk::glib::MainContext::default();
    let (sender, receiver) = relm4::channel();
    let mut job = JobRun::launch(
        &launcher(),
        Backend::Thread,
        upto,
        workers,
        0,
        &sender,
        |part, report| (part, report),
    );
    let ended = context.block_on(async {
        let deadline = relm4::gtk::glib::timeout_future(patience);
        let reports = async {
            while let Some((part, output)) = receiver.recv().await {
                job.handle(part, output);
                if job.all_gone() {
                    return true;
                }
            }
            false
        };
        futures::pin_mut!(reports, deadline);
        matches!(
            futures::future::select(reports, deadline).await,
            futures::future::Either::Left((true, _))
        )
    });
    match (ended, job.state().outcome()) {
        (true, Some(JobOutcome::Done { primes, .. })) => Some(*primes),
        _ => None,
    }
}

/// One test, so that no other test's threads compete with the job's (its workers run
/// at the lowest priority, SCHED_IDLE).
///
/// Its jobs' reports go through the global default context, which is never destroyed: a
/// context destroyed while a finished worker's thread still lets go of its channel can
/// deadlock (flume wakes the context's waker under its own lock, while the context's
/// destruction drops the channel's receiving future under the context's).
#[test]
fn every_small_size_and_the_known_counts_up_to_ten_to_the_tenth_end_right() {
    every_small_size_ends_with_the_right_count_on_one_worker_and_on_several();
    the_known_counts_up_to_ten_to_the_tenth();
}

fn every_small_size_ends_with_the_right_count_on_one_worker_and_on_several() {
    let limit = 2000;
    let mut sieve = vec![true; limit];
    sieve[0] = false;
    sieve[1] = false;
    let mut below = vec![0u64; limit + 1];
    for number in 2..limit {
        if sieve[number] {
            for multiple in (number * number..limit).step_by(number) {
                sieve[multiple] = false;
            }
        }
    }
    for number in 1..=limit {
        below[number] = below[number - 1] + u64::from(sieve[number - 1]);
    }
    for upto in 2..=limit as u64 {
        for workers in [1, 3] {
            assert_eq!(
                count_on_workers(upto, workers, harness::PATIENCE),
                Some(below[upto as usize]),
                "primes below {upto} on {workers} workers"
            );
        }
    }
}

fn the_known_counts_up_to_ten_to_the_tenth() {
    let known = [
        (10, 4),
        (100, 25),
        (1_000, 168),
        (10_000, 1_229),
        (100_000, 9_592),
        (1_000_000, 78_498),
        (10_000_000, 664_579),
        (100_000_000, 5_761_455),
        (1_000_000_000, 50_847_534),
        (10_000_000_000, 455_052_511),
    ];
    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    for (upto, primes) in known {
        // 10^10 takes seconds; a minute means it is stuck, even on a loaded machine.
        let patience = Duration::from_secs(60);
        assert_eq!(
            count_on_workers(upto, workers, patience),
            Some(primes),
            "pi({upto})"
        );
    }
}
