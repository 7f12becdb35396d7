//! The heavy job on a worker, on both backends, without a display: correct results,
//! progress that only grows and ends at 100 %, and Shutdown in the middle of a slice.

#[path = "support/harness.rs"]
mod harness;

use std::path::PathBuf;

use harness::Harness;
use offload_components::jobs::primes::Progress;
use offload_components::worker::{JobSpec, Placement, WorkerOutput};

fn placements() -> [Placement; 2] {
    [
        Placement::Thread,
        Placement::Process {
            program: PathBuf::from(env!("CARGO_BIN_EXE_offload")),
        },
    ]
}

#[test]
fn a_job_reports_growing_progress_and_the_right_count_on_both_backends() {
    for placement in placements() {
        let mut harness = Harness::job(
            placement.clone(),
            JobSpec {
                start: 0,
                end: 30_000_000,
            },
        );
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
        assert_eq!(last.primes, 1_857_859, "{placement:?}");
        harness.shutdown();
    }
}

#[test]
fn shutdown_in_the_middle_of_a_huge_job_is_answered_at_once_on_both_backends() {
    for placement in placements() {
        // Hours of work: an answer within the harness's patience means the job was cut.
        let spec = JobSpec {
            start: 0,
            end: 1_000_000_000_000,
        };
        let mut harness = Harness::job(placement.clone(), spec);
        harness.until(|output| matches!(output, WorkerOutput::JobProgress(_)));
        assert_eq!(harness.shutdown(), None, "{placement:?}");
    }
}
