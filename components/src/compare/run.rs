//! A comparison run: samples of every figure on both backends, the backends taking
//! turns (which goes first alternates, so neither always meets the machine as the other
//! left it), with progress and a way to stop early.

use std::time::Duration;

use serde::Serialize;
use thread_or_process::{CrashReason, Launcher};

use super::figure::Figure;
use super::sample;
use crate::choices::Backend;
use crate::job::default_parts;

/// How many samples of each figure a run takes, per backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub starts: usize,
    pub round_trips: usize,
    pub weighings: usize,
    pub crashes: usize,
    /// Rounds of the job on every core, each run with its progress shown and ignored.
    pub job_rounds: usize,
    /// The job: the primes below this.
    pub job_upto: u64,
}

impl Plan {
    pub const QUICK: Plan = Plan {
        starts: 20,
        round_trips: 200,
        weighings: 5,
        crashes: 3,
        job_rounds: 5,
        job_upto: 3_000_000_000,
    };
    pub const FULL: Plan = Plan {
        starts: 100,
        round_trips: 1000,
        weighings: 20,
        crashes: 10,
        job_rounds: 5,
        job_upto: 20_000_000_000,
    };

    /// Round trips are taken in batches, one worker per batch.
    const ROUND_TRIP_BATCH: usize = 50;

    fn round_trip_batches(&self) -> usize {
        self.round_trips.div_ceil(Self::ROUND_TRIP_BATCH)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub thread: BackendFigures,
    pub process: BackendFigures,
}

impl Comparison {
    pub fn of(&self, backend: Backend) -> &BackendFigures {
        match backend {
            Backend::Thread => &self.thread,
            Backend::Process => &self.process,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BackendFigures {
    /// The job on every core, its progress ignored.
    pub job_s: Figure,
    /// The median job time over the faster backend's.
    pub job_ratio_to_faster: f64,
    /// How late a 10 ms timer on the main loop ran while the job's progress was shown.
    pub lateness_ms: Figure,
    /// Each round's job time with its progress shown over the time with it ignored.
    pub progress_cost_ratio: Figure,
    /// Asked for a worker -> its first report, `Started`.
    pub start_ms: Figure,
    /// Pause -> Paused, mid-count.
    pub round_trip_ms: Figure,
    /// Shutdown -> the worker joined (its thread ended, its child reaped).
    pub stop_ms: Figure,
    /// What one more worker adds to the process tree's PSS.
    pub memory_kib: Figure,
    pub crash: CrashFigures,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrashFigures {
    /// The fault: "panic" or "segfault".
    pub kind: String,
    /// How the crash was told, e.g. "panicked", "killed by SIGSEGV".
    pub reason: String,
    /// The crash reported -> a new worker started.
    pub restart_ms: Figure,
}

/// Why a run ended without figures.
#[derive(Debug, PartialEq, Eq)]
pub enum Interrupted {
    Cancelled,
    Failed(String),
}

impl From<String> for Interrupted {
    fn from(reason: String) -> Self {
        Interrupted::Failed(reason)
    }
}

#[derive(Default)]
struct Samples {
    start: Vec<f64>,
    round_trip: Vec<f64>,
    stop: Vec<f64>,
    memory: Vec<f64>,
    restart: Vec<f64>,
    crash_reason: Option<CrashReason>,
    job: Vec<f64>,
    lateness: Vec<f64>,
    progress_cost: Vec<f64>,
}

/// What one turn measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Measure {
    StartAndStop,
    RoundTrips,
    Weigh,
    Crash,
    Job,
}

/// Every turn of `plan`, in order: each measure's rounds, both backends in each round,
/// the thread first in even rounds and the process first in odd ones.
fn schedule(plan: Plan) -> Vec<(Measure, Backend)> {
    let rounds = [
        (Measure::StartAndStop, plan.starts),
        (Measure::RoundTrips, plan.round_trip_batches()),
        (Measure::Weigh, plan.weighings),
        (Measure::Crash, plan.crashes),
        (Measure::Job, plan.job_rounds),
    ];
    let mut turns = Vec::new();
    for (measure, count) in rounds {
        for round in 0..count {
            let [first, second] = Backend::ALL;
            let order = if round % 2 == 0 {
                [first, second]
            } else {
                [second, first]
            };
            turns.extend(order.map(|backend| (measure, backend)));
        }
    }
    turns
}

/// Runs `plan` with workers from `launcher`. `progress` hears the share done (0 to 1)
/// after every turn; `cancelled` is asked before each one; `show_job` is how the job's
/// progress is shown, when it is.
pub async fn compare(
    launcher: &Launcher,
    plan: Plan,
    progress: impl Fn(f64),
    cancelled: impl Fn() -> bool,
    show_job: impl Fn(String),
) -> Result<Comparison, Interrupted> {
    let mut samples = [Samples::default(), Samples::default()];
    let turns = schedule(plan);
    for (done, &(measure, backend)) in turns.iter().enumerate() {
        if cancelled() {
            return Err(Interrupted::Cancelled);
        }
        let taken = &mut samples[usize::from(backend == Backend::Process)];
        match measure {
            Measure::StartAndStop => {
                let (start, stop) = sample::start_and_stop(launcher, backend).await?;
                taken.start.push(ms(start));
                taken.stop.push(ms(stop));
            }
            Measure::RoundTrips => {
                let left = plan.round_trips - taken.round_trip.len();
                let calls = left.min(Plan::ROUND_TRIP_BATCH);
                let times = sample::round_trips(launcher, backend, calls).await?;
                taken.round_trip.extend(times.into_iter().map(ms));
            }
            Measure::Weigh => taken
                .memory
                .push(sample::memory_cost_kib(launcher, backend).await?),
            Measure::Crash => {
                let (reason, restart) = sample::crash_and_restart(launcher, backend).await?;
                taken.restart.push(ms(restart));
                taken.crash_reason = Some(reason);
            }
            Measure::Job => {
                let round = taken.job.len();
                let (upto, workers) = (plan.job_upto, default_parts());
                let shown = || {
                    sample::job(
                        launcher,
                        backend,
                        upto,
                        workers,
                        Some(&show_job),
                        &cancelled,
                    )
                };
                let ignored = || sample::job(launcher, backend, upto, workers, None, &cancelled);
                // Whichever runs second meets the machine as the first left it. Once the
                // run is cancelled, `sample::job` starts no job and answers None.
                let (shown, ignored) = if round % 2 == 0 {
                    let shown = shown().await?;
                    (shown, ignored().await?)
                } else {
                    let ignored = ignored().await?;
                    (shown().await?, ignored)
                };
                let (Some(shown), Some(ignored)) = (shown, ignored) else {
                    return Err(Interrupted::Cancelled);
                };
                let (shown_s, ignored_s) =
                    (shown.elapsed.as_secs_f64(), ignored.elapsed.as_secs_f64());
                taken.job.push(ignored_s);
                taken.progress_cost.push(shown_s / ignored_s);
                taken.lateness.extend(shown.lateness_ms);
            }
        }
        progress((done + 1) as f64 / turns.len() as f64);
    }
    let [thread, process] = samples;
    let mut comparison = Comparison {
        thread: figures(Backend::Thread, thread)?,
        process: figures(Backend::Process, process)?,
    };
    let faster = comparison
        .thread
        .job_s
        .median
        .min(comparison.process.job_s.median);
    for figures in [&mut comparison.thread, &mut comparison.process] {
        figures.job_ratio_to_faster = figures.job_s.median / faster;
    }
    Ok(comparison)
}

fn figures(backend: Backend, samples: Samples) -> Result<BackendFigures, String> {
    let figure = |values: &[f64], what: &str| {
        Figure::of(values).ok_or_else(|| format!("no sample of the {what}"))
    };
    let kind = sample::crash_kind(backend);
    Ok(BackendFigures {
        job_s: figure(&samples.job, "job")?,
        job_ratio_to_faster: 1.0,
        lateness_ms: figure(&samples.lateness, "main loop's lateness")?,
        progress_cost_ratio: figure(&samples.progress_cost, "progress's cost")?,
        start_ms: figure(&samples.start, "start")?,
        round_trip_ms: figure(&samples.round_trip, "round trip")?,
        stop_ms: figure(&samples.stop, "stop")?,
        memory_kib: figure(&samples.memory, "memory")?,
        crash: CrashFigures {
            kind: kind.to_string(),
            reason: samples
                .crash_reason
                .map(|reason| reason.to_string())
                .unwrap_or_default(),
            restart_ms: figure(&samples.restart, "restart")?,
        },
    })
}

/// Milliseconds, to the thousandth.
fn ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e6).round() / 1000.0
}

/// Comparisons made up for the tests of what is made from them.
#[cfg(test)]
pub(super) mod fixtures {
    use super::*;

    /// Five samples evenly from `low` to `high`: enough for a comparison.
    pub fn spread(low: f64, high: f64) -> Figure {
        let step = (high - low) / 4.0;
        let samples: Vec<f64> = (0..5).map(|index| low + step * f64::from(index)).collect();
        Figure::of(&samples).expect("five samples")
    }

    pub fn backend(start: Figure, trip: Figure, memory: Figure) -> BackendFigures {
        BackendFigures {
            job_s: spread(1.0, 1.2),
            job_ratio_to_faster: 1.0,
            lateness_ms: spread(0.1, 2.0),
            progress_cost_ratio: spread(0.99, 1.01),
            start_ms: start,
            round_trip_ms: trip,
            stop_ms: spread(0.1, 0.2),
            memory_kib: memory,
            crash: CrashFigures {
                kind: "panic".to_owned(),
                reason: "panicked".to_owned(),
                restart_ms: spread(0.1, 0.2),
            },
        }
    }

    /// A thread clearly ahead in start, round trip and memory.
    pub fn comparison() -> Comparison {
        Comparison {
            thread: backend(spread(0.1, 0.12), spread(0.02, 0.03), spread(90.0, 110.0)),
            process: backend(spread(3.0, 3.2), spread(0.2, 0.3), spread(3000.0, 3300.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_takes_at_least_20_starts_and_200_round_trips_per_backend() {
        let plan = Plan::QUICK;
        assert!(plan.starts >= 20 && plan.round_trips >= 200);
        let turns = schedule(plan);
        for backend in Backend::ALL {
            let starts = turns
                .iter()
                .filter(|turn| **turn == (Measure::StartAndStop, backend))
                .count();
            let batches = turns
                .iter()
                .filter(|turn| **turn == (Measure::RoundTrips, backend))
                .count();
            assert_eq!(starts, plan.starts);
            assert!(batches * Plan::ROUND_TRIP_BATCH >= plan.round_trips);
        }
    }

    #[test]
    fn the_backends_take_turns_going_first() {
        let turns = schedule(Plan {
            starts: 3,
            round_trips: 0,
            weighings: 0,
            crashes: 0,
            job_rounds: 0,
            job_upto: 0,
        });
        let order: Vec<Backend> = turns.into_iter().map(|(_, backend)| backend).collect();
        use Backend::{Process, Thread};
        assert_eq!(order, [Thread, Process, Process, Thread, Thread, Process]);
    }
}
