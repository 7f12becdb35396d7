//! `offload bench`: measures, on the user's machine, what the README claims: the sieve
//! against primesieve, a job in the window as fast as headless, the window answering
//! quickly while a job runs on every core, quick closing, no memory growth when flooded,
//! and what the worker children's sandbox costs.
//! Prints a table, or JSON with `--json`.
//!
//! It opens its own windows (in this process, and as child `offload` processes), so it
//! needs a display and a D-Bus session bus. Figures are measured side by side in one run,
//! in turns, and compared as ratios; each figure is the median of its rounds.

mod jobs;
mod pause;
mod round_trip;
mod sandbox;
mod sieve;
mod window;

use std::time::Duration;

use offload_components::choices::{Backend, MAX_UPTO};
use offload_components::job::default_parts;
use offload_components::job::history::Percentiles;
use offload_components::job::JobPanelInput;
use relm4::{adw, gtk, ComponentController};
use serde::Serialize;

use round_trip::PingService;
use sieve::SieveFigures;
use window::{close, close_to_gone, flood_memory, launch_window, run_main_loop_until};

/// How big each scenario is.
struct Sizes {
    /// Sieved on one thread and on every core, against primesieve.
    sieve_sizes: &'static [u64],
    sieve_rounds: usize,
    /// Sieved once on every core, only to check the count.
    known_count_upto: Option<u64>,
    /// The job run headless and in a window, in turns.
    job_upto: u64,
    /// Rounds of the job headless and in a window, each backend in turn. This machine's
    /// speed drifts by several per cent from one job to the next (a shared VM; one round
    /// in a run can be off by a quarter), so the ratio is the median of seven rounds'
    /// ratios, each round running its two jobs back to back, headless first in every
    /// other round.
    job_rounds: usize,
    /// Rounds of round trips (idle, then with a job), each backend in turn.
    round_trip_rounds: usize,
    /// Round trips per state (idle, job on every core) and round.
    round_trips: usize,
    /// Pauses of a worker mid-job, each backend.
    pauses: usize,
    close_runs: usize,
    flood_for: Duration,
    /// Worker children started confined and unconfined, in turns.
    sandbox_spawns: usize,
    /// Rounds of the job in confined and unconfined children, in turns.
    sandbox_job_rounds: usize,
}

const FULL: Sizes = Sizes {
    sieve_sizes: &[10_000_000_000, 100_000_000_000],
    sieve_rounds: 5,
    known_count_upto: Some(1_000_000_000_000),
    // Long enough that a job's start and end do not matter (docs/benchmarks.md).
    job_upto: 150_000_000_000,
    job_rounds: 7,
    round_trip_rounds: 3,
    round_trips: 1000,
    pauses: 500,
    close_runs: 5,
    flood_for: Duration::from_secs(60),
    sandbox_spawns: 50,
    sandbox_job_rounds: 5,
};

const QUICK: Sizes = Sizes {
    sieve_sizes: &[100_000_000],
    sieve_rounds: 1,
    known_count_upto: None,
    job_upto: 100_000_000,
    job_rounds: 1,
    round_trip_rounds: 1,
    round_trips: 50,
    pauses: 20,
    close_runs: 2,
    flood_for: Duration::from_secs(2),
    sandbox_spawns: 5,
    sandbox_job_rounds: 1,
};

/// One round trip per this: 1000 of them take 10 s.
const ROUND_TRIP_INTERVAL: Duration = Duration::from_millis(10);

#[derive(Serialize)]
struct Report {
    cores: usize,
    quick: bool,
    sieve: Vec<SieveFigures>,
    known_count: Option<KnownCount>,
    job_upto: u64,
    job_rounds: usize,
    round_trip_rounds: usize,
    thread: BackendFigures,
    process: BackendFigures,
    sandbox: SandboxFigures,
}

/// What the worker children's sandbox costs.
#[derive(Serialize)]
struct SandboxFigures {
    spawn_confined_ms: Spread,
    spawn_unconfined_ms: Spread,
    /// The difference of the two medians.
    spawn_cost_ms: f64,
    job_rounds: usize,
    job_confined_s: Spread,
    job_unconfined_s: Spread,
}

/// A median, the lowest and highest of the figures it rests on, and how many.
#[derive(Serialize)]
struct Spread {
    median: f64,
    min: f64,
    max: f64,
    count: usize,
}

impl Spread {
    fn of(figures: &[f64]) -> Self {
        Self {
            median: median(figures),
            min: figures.iter().copied().fold(f64::INFINITY, f64::min),
            max: figures.iter().copied().fold(0.0, f64::max),
            count: figures.len(),
        }
    }
}

impl SandboxFigures {
    fn of(rounds: &sandbox::SandboxRounds) -> Self {
        let ms_of =
            |times: &[Duration]| -> Vec<f64> { times.iter().map(|time| ms(*time)).collect() };
        let s_of =
            |times: &[Duration]| -> Vec<f64> { times.iter().map(Duration::as_secs_f64).collect() };
        let spawn_confined_ms = Spread::of(&ms_of(&rounds.spawn_confined));
        let spawn_unconfined_ms = Spread::of(&ms_of(&rounds.spawn_unconfined));
        Self {
            spawn_cost_ms: spawn_confined_ms.median - spawn_unconfined_ms.median,
            spawn_confined_ms,
            spawn_unconfined_ms,
            job_rounds: rounds.job_confined.len(),
            job_confined_s: Spread::of(&s_of(&rounds.job_confined)),
            job_unconfined_s: Spread::of(&s_of(&rounds.job_unconfined)),
        }
    }
}

#[derive(Serialize)]
struct KnownCount {
    upto: u64,
    threads: usize,
    seconds: f64,
}

#[derive(Serialize)]
struct BackendFigures {
    job_headless_s: f64,
    job_in_window_s: f64,
    /// The median of each round's ratio, and the lowest and highest of them.
    job_window_over_headless: f64,
    job_window_over_headless_min: f64,
    job_window_over_headless_max: f64,
    round_trip_idle_ms: RoundTripMs,
    round_trip_job_ms: RoundTripMs,
    round_trip_p99_job_minus_idle_ms: f64,
    pause_answer_ms: PauseMs,
    close_to_gone_median_ms: f64,
    close_to_gone_max_ms: f64,
    flood_seconds: f64,
    flood_rss_start_kib: u64,
    flood_rss_end_kib: u64,
    flood_rss_growth_kib: i64,
}

/// Round trips of one state: the median over rounds of each round's p50 and p99, the
/// spread of the p99s, the longest of all, and how many calls in all.
#[derive(Serialize)]
struct RoundTripMs {
    p50: f64,
    p99: f64,
    p99_min: f64,
    p99_max: f64,
    max: f64,
    calls: usize,
}

impl RoundTripMs {
    fn of(rounds: &[Percentiles]) -> Self {
        let p99s: Vec<f64> = rounds.iter().map(|round| ms(round.p99)).collect();
        let p50s: Vec<f64> = rounds.iter().map(|round| ms(round.p50)).collect();
        Self {
            p50: median(&p50s),
            p99: median(&p99s),
            p99_min: p99s.iter().copied().fold(f64::INFINITY, f64::min),
            p99_max: p99s.iter().copied().fold(0.0, f64::max),
            max: rounds.iter().map(|round| ms(round.max)).fold(0.0, f64::max),
            calls: rounds.iter().map(|round| round.count).sum(),
        }
    }
}

/// How soon a worker answered Pause mid-job.
#[derive(Serialize)]
struct PauseMs {
    p50: f64,
    p99: f64,
    max: f64,
    pauses: usize,
}

impl PauseMs {
    fn of(answers: &Percentiles) -> Self {
        Self {
            p50: ms(answers.p50),
            p99: ms(answers.p99),
            max: ms(answers.max),
            pauses: answers.count,
        }
    }
}

/// Milliseconds, to the hundredth.
fn ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e5).round() / 100.0
}

/// The median of some figures (the mean of the middle two for an even count).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        length if length % 2 == 1 => sorted[length / 2],
        length => (sorted[length / 2 - 1] + sorted[length / 2]) / 2.0,
    }
}

pub fn run(json: bool, quick: bool) -> Result<(), String> {
    gtk::init().map_err(|_| {
        "offload bench opens windows: run it in a graphical session, or under \
         'xvfb-run -a dbus-run-session'"
            .to_owned()
    })?;
    adw::init().map_err(|error| format!("cannot start libadwaita: {error}"))?;
    let sizes = if quick { QUICK } else { FULL };
    let program =
        std::env::current_exe().map_err(|error| format!("cannot find myself: {error}"))?;
    let pings = PingService::serve()?;
    let cores = default_parts();

    let mut thread_counts = vec![1, cores];
    thread_counts.dedup();
    let mut sieve = Vec::new();
    for &upto in sizes.sieve_sizes {
        for &threads in &thread_counts {
            sieve.push(sieve::compare(upto, threads, sizes.sieve_rounds)?);
        }
    }
    let known_count = match sizes.known_count_upto {
        Some(upto) => Some(KnownCount {
            upto,
            threads: cores,
            seconds: sieve::offload_time(upto, cores)?,
        }),
        None => None,
    };

    let backends = Backend::ALL;
    let mut jobs = [JobRounds::default(), JobRounds::default()];
    let mut round_trips = [RoundTripRounds::default(), RoundTripRounds::default()];
    for round in 0..sizes.job_rounds.max(sizes.round_trip_rounds) {
        if round < sizes.job_rounds {
            for (backend, rounds) in backends.iter().zip(&mut jobs) {
                let headless = || jobs::job_headless(*backend, sizes.job_upto, cores);
                let in_window = || jobs::job_in_window(*backend, sizes.job_upto);
                // Whichever runs second meets the machine as the first left it: take turns.
                let (headless, in_window) = if round % 2 == 0 {
                    (headless()?.0, in_window()?)
                } else {
                    let in_window = in_window()?;
                    (headless()?.0, in_window)
                };
                rounds.headless.push(headless);
                rounds.in_window.push(in_window);
            }
        }
        if round < sizes.round_trip_rounds {
            for (backend, rounds) in backends.iter().zip(&mut round_trips) {
                let (idle, job) = responsiveness(&pings, *backend, sizes.round_trips)?;
                rounds.idle.push(idle);
                rounds.job.push(job);
            }
        }
    }
    let sandbox_rounds = sandbox::measure(
        sizes.sandbox_spawns,
        sizes.sandbox_job_rounds,
        sizes.job_upto,
        cores,
    )?;
    let [thread_jobs, process_jobs] = jobs;
    let [thread_trips, process_trips] = round_trips;
    let report = Report {
        cores,
        quick,
        sieve,
        known_count,
        job_upto: sizes.job_upto,
        job_rounds: sizes.job_rounds,
        round_trip_rounds: sizes.round_trip_rounds,
        thread: backend_figures(Backend::Thread, &program, &sizes, thread_jobs, thread_trips)?,
        process: backend_figures(
            Backend::Process,
            &program,
            &sizes,
            process_jobs,
            process_trips,
        )?,
        sandbox: SandboxFigures::of(&sandbox_rounds),
    };
    if json {
        let text = serde_json::to_string_pretty(&report).map_err(|error| error.to_string())?;
        println!("{text}");
    } else {
        print_table(&report);
    }
    Ok(())
}

#[derive(Default)]
struct JobRounds {
    headless: Vec<Duration>,
    in_window: Vec<Duration>,
}

#[derive(Default)]
struct RoundTripRounds {
    idle: Vec<Percentiles>,
    job: Vec<Percentiles>,
}

/// Round trips to a window on `backend`, idle and then with a job on every core.
fn responsiveness(
    pings: &PingService,
    backend: Backend,
    calls: usize,
) -> Result<(Percentiles, Percentiles), String> {
    // A job for hours: it runs on every core while the second half is measured.
    let app = launch_window(backend, MAX_UPTO);
    let measure = || {
        pings
            .round_trips(calls, ROUND_TRIP_INTERVAL, run_main_loop_until)
            .map(|times| Percentiles::of(times.into_iter()))
    };
    let idle = measure();
    app.model().job_panel().emit(JobPanelInput::StartOrCancel);
    let job = measure();
    close(&app);
    Ok((idle?, job?))
}

fn backend_figures(
    backend: Backend,
    program: &std::path::Path,
    sizes: &Sizes,
    jobs: JobRounds,
    round_trips: RoundTripRounds,
) -> Result<BackendFigures, String> {
    let seconds =
        |times: &[Duration]| -> Vec<f64> { times.iter().map(Duration::as_secs_f64).collect() };
    let ratios: Vec<f64> = jobs
        .in_window
        .iter()
        .zip(&jobs.headless)
        .map(|(window, headless)| window.as_secs_f64() / headless.as_secs_f64())
        .collect();
    let mut closes = (0..sizes.close_runs)
        .map(|_| close_to_gone(backend, program))
        .collect::<Result<Vec<_>, _>>()?;
    closes.sort_unstable();
    let pause_answers = pause::pause_answers(backend, sizes.pauses)?;
    let (start, end) = flood_memory(backend, program, sizes.flood_for)?;
    let idle = RoundTripMs::of(&round_trips.idle);
    let job = RoundTripMs::of(&round_trips.job);
    Ok(BackendFigures {
        job_headless_s: median(&seconds(&jobs.headless)),
        job_in_window_s: median(&seconds(&jobs.in_window)),
        job_window_over_headless: median(&ratios),
        job_window_over_headless_min: ratios.iter().copied().fold(f64::INFINITY, f64::min),
        job_window_over_headless_max: ratios.iter().copied().fold(0.0, f64::max),
        round_trip_p99_job_minus_idle_ms: job.p99 - idle.p99,
        round_trip_idle_ms: idle,
        round_trip_job_ms: job,
        pause_answer_ms: PauseMs::of(&pause_answers),
        close_to_gone_median_ms: closes[closes.len() / 2].as_secs_f64() * 1000.0,
        close_to_gone_max_ms: closes.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
        flood_seconds: sizes.flood_for.as_secs_f64(),
        flood_rss_start_kib: start,
        flood_rss_end_kib: end,
        flood_rss_growth_kib: end as i64 - start as i64,
    })
}

fn print_table(report: &Report) {
    let (thread, process) = (&report.thread, &report.process);
    println!(
        "Offload bench: {} cores{}",
        report.cores,
        if report.quick { " (quick)" } else { "" }
    );
    println!();
    println!(
        "{:<36} {:>10} {:>12} {:>10}   target",
        "sieve: primes below", "Offload", "primesieve", "ratio"
    );
    for figures in &report.sieve {
        let theirs = figures
            .primesieve_s
            .map_or_else(|| "absent".to_owned(), |seconds| format!("{seconds:.2}s"));
        let ratio = figures
            .offload_over_primesieve
            .map_or_else(|| "-".to_owned(), |ratio| format!("{ratio:.2}"));
        println!(
            "{:<36} {:>9.2}s {:>12} {:>10}   <= 1.5",
            format!(
                "{:e}, {} thread{} (median of {})",
                figures.upto as f64,
                figures.threads,
                if figures.threads == 1 { "" } else { "s" },
                figures.rounds
            ),
            figures.offload_s,
            theirs,
            ratio
        );
    }
    if let Some(known) = &report.known_count {
        println!(
            "{:<36} {:>9.2}s   (count checked)",
            format!("{:e}, {} threads", known.upto as f64, known.threads),
            known.seconds
        );
    }
    println!();
    println!(
        "{:<44} {:>12} {:>12}   target",
        format!(
            "window, primes below {:e} ({} rounds)",
            report.job_upto as f64, report.job_rounds
        ),
        "thread",
        "process"
    );
    println!(
        "{:<44} {:>11.2}s {:>11.2}s",
        "job headless", thread.job_headless_s, process.job_headless_s
    );
    println!(
        "{:<44} {:>11.2}s {:>11.2}s",
        "job in the window", thread.job_in_window_s, process.job_in_window_s
    );
    println!(
        "{:<44} {:>12.3} {:>12.3}   <= 1.02",
        "window / headless (median)",
        thread.job_window_over_headless,
        process.job_window_over_headless
    );
    let spread = |figures: &BackendFigures| {
        format!(
            "{:.3}-{:.3}",
            figures.job_window_over_headless_min, figures.job_window_over_headless_max
        )
    };
    println!(
        "{:<44} {:>12} {:>12}",
        "window / headless (spread)",
        spread(thread),
        spread(process)
    );
    let trips = |figures: &RoundTripMs| format!("{:.2} / {:.2}", figures.p50, figures.p99);
    println!(
        "{:<44} {:>12} {:>12}",
        "round trip p50 / p99 ms, idle",
        trips(&thread.round_trip_idle_ms),
        trips(&process.round_trip_idle_ms)
    );
    println!(
        "{:<44} {:>12} {:>12}",
        "round trip p50 / p99 ms, job on every core",
        trips(&thread.round_trip_job_ms),
        trips(&process.round_trip_job_ms)
    );
    println!(
        "{:<44} {:>10.2}ms {:>10.2}ms   <= 1 ms",
        "round trip p99, job minus idle",
        thread.round_trip_p99_job_minus_idle_ms,
        process.round_trip_p99_job_minus_idle_ms
    );
    println!(
        "{:<44} {:>12} {:>12}",
        "round trips per state", thread.round_trip_idle_ms.calls, process.round_trip_idle_ms.calls
    );
    let pauses = |figures: &PauseMs| format!("{:.2} / {:.2}", figures.p99, figures.max);
    println!(
        "{:<44} {:>12} {:>12}   <= 2 ms",
        format!(
            "Pause answered mid-job, p99 / max ms ({})",
            thread.pause_answer_ms.pauses
        ),
        pauses(&thread.pause_answer_ms),
        pauses(&process.pause_answer_ms)
    );
    println!(
        "{:<44} {:>10.1}ms {:>10.1}ms   < 50 ms",
        "close -> process gone (median)",
        thread.close_to_gone_median_ms,
        process.close_to_gone_median_ms
    );
    println!(
        "{:<44} {:>10.1}ms {:>10.1}ms",
        "close -> process gone (max)", thread.close_to_gone_max_ms, process.close_to_gone_max_ms
    );
    println!(
        "{:<44} {:>9}KiB {:>9}KiB   < 1024 KiB/min",
        format!("RSS growth, {:.0} s of flooding", thread.flood_seconds),
        thread.flood_rss_growth_kib,
        process.flood_rss_growth_kib
    );
    print_sandbox(&report.sandbox);
}

fn print_sandbox(sandbox: &SandboxFigures) {
    let spread = |figures: &Spread, unit: &str| {
        format!(
            "{:.2}{unit} ({:.2}-{:.2})",
            figures.median, figures.min, figures.max
        )
    };
    println!();
    println!(
        "{:<44} {:>22} {:>22}   target",
        "the worker child's sandbox", "confined", "unconfined"
    );
    println!(
        "{:<44} {:>22} {:>22}",
        format!(
            "start to first report, median (min-max) ({})",
            sandbox.spawn_confined_ms.count
        ),
        spread(&sandbox.spawn_confined_ms, "ms"),
        spread(&sandbox.spawn_unconfined_ms, "ms")
    );
    println!(
        "{:<44} {:>20.2}ms {:>22}   <= 2 ms",
        "what the sandbox adds to a start (medians)", sandbox.spawn_cost_ms, ""
    );
    println!(
        "{:<44} {:>22} {:>22}   within spread",
        format!(
            "job on every core, processes ({} rounds)",
            sandbox.job_rounds
        ),
        spread(&sandbox.job_confined_s, "s"),
        spread(&sandbox.job_unconfined_s, "s")
    );
}
