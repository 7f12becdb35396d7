//! The heavy job on a worker, on both backends, without a display: correct results,
//! progress that only grows and ends at 100 %, and Shutdown in the middle of a slice.

#[path = "support/harness.rs"]
mod harness;

use harness::{in_a_child, thread, Harness};
use offload_components::backend::Placement;
use offload_components::worker::{Progress, WorkerOutput};

fn placements() -> [Placement; 2] {
    [thread(), in_a_child()]
}

#[test]
fn a_job_reports_growing_progress_and_the_right_count_on_both_backends() {
    for placement in placements() {
        let mut harness = Harness::job(placement.clone(), 0, 30_000_000);
        let reports = harness.until(|output| matches!(output, WorkerOutput::JobDone(_)));
        let progress: Vec<Progress> = reports
            .iter()
            .filter_map(|output| match output {
                WorkerOutput::JobProgress(progress) | WorkerOutput::JobDone(progress) => {
                    Some(*progress)
                }
                _ => None,
            })
            .collect();
        assert!(
            progress.windows(2).all(|pair| pair[0].done <= pair[1].done),
            "{placement:?}: progress went back: {progress:?}"
        );
        let last = progress.last().expect("a final report");
        assert_eq!(
            (last.done, last.total),
            (30_000_000, 30_000_000),
            "{placement:?}"
        );
        assert_eq!(last.found, 1_857_859, "{placement:?}");
        harness.shutdown();
    }
}

#[test]
fn shutdown_in_the_middle_of_a_huge_job_is_answered_at_once_on_both_backends() {
    for placement in placements() {
        // Hours of work: an answer within the harness's patience means the job was cut.
        let mut harness = Harness::job(placement.clone(), 0, 1_000_000_000_000);
        harness.until(|output| matches!(output, WorkerOutput::JobProgress(_)));
        assert_eq!(harness.shutdown(), None, "{placement:?}");
    }
}
