//! The command line: what the user typed, turned into validated settings, or one line
//! saying what is wrong.

use std::ffi::OsString;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use offload_components::choices::{Backend, Choices, Delay, MAX_NICENESS, MAX_UPTO, MAX_WORKERS};
use offload_components::counter::fault::FaultPlan;
use offload_components::job::{default_parts, JobRequest};

use crate::window::WindowRun;

#[derive(Debug, Parser)]
#[command(
    name = "offload",
    version,
    about = "Heavy work in the background, a window that never freezes, and a clean stop",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    window: WindowArgs,
}

#[derive(Debug, clap::Args)]
struct JobArgs {
    /// Run a heavy job: count the primes below --upto
    #[arg(long, value_enum, requires = "upto")]
    job: Option<JobKind>,
    /// The job's size: count the primes below this number (up to 10^12, e.g. 1e9)
    #[arg(long, value_name = "N", value_parser = parse_upto, requires = "job", allow_negative_numbers = true)]
    upto: Option<u64>,
    /// How many workers share the job (default: one per core)
    #[arg(long, value_name = "K", value_parser = parse_workers, requires = "job", allow_negative_numbers = true)]
    workers: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum JobKind {
    /// Count the primes below N with a segmented sieve
    Primes,
}

#[derive(Debug, clap::Args)]
struct WindowArgs {
    /// Seconds between two numbers, 0: as fast as it can [default: as in Preferences, 1.0]
    #[arg(long, value_name = "SECONDS", value_parser = Delay::worker, allow_negative_numbers = true)]
    worker_delay: Option<Delay>,
    /// Seconds between two label refreshes [default: as in Preferences, 0.5]
    #[arg(long, value_name = "SECONDS", value_parser = Delay::gui, allow_negative_numbers = true)]
    gui_delay: Option<Delay>,
    /// Where the worker runs [default: as in Preferences, thread]
    #[arg(long, value_enum)]
    backend: Option<BackendArg>,
    /// Make a worker fail after N numbers (KIND@N; tests of crash recovery); repeated,
    /// each one is for the next worker started
    #[arg(long, value_name = "KIND@N", hide = true)]
    inject_fault: Vec<FaultPlan>,
    #[command(flatten)]
    job: JobArgs,
    /// Close the window when the job is done (for scripts)
    #[arg(long, requires = "job")]
    quit_when_done: bool,
    /// Close the window by itself after SECONDS, printing "closing" (for offload bench)
    #[arg(long, value_name = "SECONDS", value_parser = Delay::worker, hide = true)]
    close_after: Option<Delay>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run without a window: count, printing "Other thread: N" lines, or run a job
    Headless {
        #[command(flatten)]
        job: JobArgs,
        /// Where a job's workers run
        #[arg(long, value_enum, default_value_t = BackendArg::Thread, requires = "job")]
        backend: BackendArg,
        /// Seconds between two numbers (0: as fast as it can)
        #[arg(long, value_name = "SECONDS", default_value = "1.0", value_parser = Delay::worker, allow_negative_numbers = true)]
        worker_delay: Delay,
        /// How much the job's threads give way to other programs, as with nice(1): 0 (as
        /// much as any program, the default) to 19 (least)
        #[arg(long, value_name = "N", default_value_t = 0, value_parser = parse_niceness, requires = "job", allow_negative_numbers = true)]
        nice: u8,
        /// Stop after this many numbers (default: until Ctrl+C or SIGTERM)
        #[arg(long, value_name = "N", value_parser = parse_count, allow_negative_numbers = true)]
        count: Option<u64>,
    },
    /// Measure what threads and processes cost here: job speed in the window, window
    /// responsiveness, close time, memory under flooding (opens windows)
    Bench {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
        /// Small sizes: seconds instead of minutes (figures are rougher)
        #[arg(long)]
        quick: bool,
    },
    /// Compare a thread and a process as workers here: start, a command's round trip,
    /// stop, memory, a job on every core, and a crash (no display needed)
    Compare {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
        /// Fewer samples: seconds instead of up to three minutes (figures are rougher)
        #[arg(long)]
        quick: bool,
    },
    /// Print the man page or a shell's completions (the install runs this)
    #[command(hide = true)]
    Generate {
        #[arg(value_enum)]
        what: Generated,
    },
}

/// What `offload generate` prints, made from this command line's definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Generated {
    /// The man page, offload(1), in roff
    Man,
    /// Completions for bash
    Bash,
    /// Completions for zsh
    Zsh,
    /// Completions for fish
    Fish,
}

/// The whole command line, as clap defines it: for the man page and the completions.
pub fn definition() -> clap::Command {
    Cli::command()
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum BackendArg {
    /// A worker thread inside the app
    Thread,
    /// A child process of the app
    Process,
}

impl From<BackendArg> for Backend {
    fn from(arg: BackendArg) -> Self {
        match arg {
            BackendArg::Thread => Backend::Thread,
            BackendArg::Process => Backend::Process,
        }
    }
}

fn parse_upto(text: &str) -> Result<u64, String> {
    let out_of_range = || format!("use a whole number from 2 to {MAX_UPTO} (1e12)");
    let value: f64 = text.trim().parse().map_err(|_| out_of_range())?;
    if value.is_finite() && value.fract() == 0.0 && (2.0..=MAX_UPTO as f64).contains(&value) {
        Ok(value as u64)
    } else {
        Err(out_of_range())
    }
}

fn parse_workers(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(workers) if (1..=MAX_WORKERS).contains(&workers) => Ok(workers),
        _ => Err(format!(
            "use a whole number of workers from 1 to {MAX_WORKERS}"
        )),
    }
}

fn parse_niceness(text: &str) -> Result<u8, String> {
    match text.trim().parse::<u8>() {
        Ok(niceness) if niceness <= MAX_NICENESS => Ok(niceness),
        _ => Err(format!("use a whole number from 0 to {MAX_NICENESS}")),
    }
}

fn parse_count(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(count) if count >= 1 => Ok(count),
        _ => Err(format!("use a whole number from 1 to {}", u64::MAX)),
    }
}

/// What to run, fully validated.
#[derive(Debug, PartialEq)]
pub enum Invocation {
    Window(WindowRun),
    Headless {
        worker_delay: Delay,
        count: Option<u64>,
    },
    HeadlessJob {
        job: JobRequest,
        backend: Backend,
        niceness: u8,
    },
    Bench {
        json: bool,
        quick: bool,
    },
    Compare {
        json: bool,
        quick: bool,
    },
    Generate(Generated),
}

impl JobArgs {
    fn job(&self) -> Option<JobRequest> {
        let upto = self.upto.filter(|_| self.job == Some(JobKind::Primes))?;
        let workers = self.workers.unwrap_or_else(default_parts);
        Some(JobRequest { upto, workers })
    }
}

/// Why the program should stop before it starts.
#[derive(Debug)]
pub enum Early {
    /// `--help` or `--version`: print this, exit 0.
    Informational(String),
    /// A usage error, already one line: print it, exit 2.
    Usage(String),
}

pub fn parse<I, T>(args: I) -> Result<Invocation, Early>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = Cli::try_parse_from(args).map_err(|error| {
        use clap::error::ErrorKind;
        match error.kind() {
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                Early::Informational(error.render().to_string())
            }
            _ => Early::Usage(one_line(&error.render().to_string())),
        }
    })?;
    Ok(match cli.command {
        Some(Command::Headless {
            job,
            backend,
            nice,
            worker_delay,
            count,
        }) => match job.job() {
            Some(job) => Invocation::HeadlessJob {
                job,
                backend: backend.into(),
                niceness: nice,
            },
            None => Invocation::Headless {
                worker_delay,
                count,
            },
        },
        Some(Command::Bench { json, quick }) => Invocation::Bench { json, quick },
        Some(Command::Compare { json, quick }) => Invocation::Compare { json, quick },
        Some(Command::Generate { what }) => Invocation::Generate(what),
        None => {
            let job = cli.window.job.job();
            let overrides = Choices {
                backend: cli.window.backend.map(Backend::from),
                worker_delay: cli.window.worker_delay,
                gui_delay: cli.window.gui_delay,
                job_upto: job.map(|job| job.upto),
                job_workers: cli
                    .window
                    .job
                    .workers
                    .filter(|_| job.is_some())
                    .map(|workers| workers as u32),
            };
            let faults = cli.window.inject_fault;
            let backend = overrides.backend.unwrap_or_default();
            if let Some(plan) = faults.iter().find(|plan| !plan.kind.survivable_on(backend)) {
                return Err(Early::Usage(format!(
                    "offload: a {} fault is only survivable with --backend process",
                    plan.kind
                )));
            }
            Invocation::Window(WindowRun {
                overrides,
                faults,
                start_job: job.is_some(),
                quit_when_done: cli.window.quit_when_done,
                close_after: cli.window.close_after,
            })
        }
    })
}

/// clap's first line names the problem; the usage and tip lines after it only repeat
/// what `--help` says.
fn one_line(rendered: &str) -> String {
    let first = rendered
        .lines()
        .next()
        .unwrap_or("error: invalid command line");
    format!(
        "offload: {} (see 'offload --help')",
        clip_quoted(first.trim_start_matches("error: "))
    )
}

/// A quoted value longer than a glance (someone pasted a file as an argument) is cut,
/// so that the line still says which option it was given to.
fn clip_quoted(line: &str) -> String {
    const LONGEST: usize = 40;
    line.split('\'')
        .enumerate()
        .map(|(index, part)| {
            let quoted = index % 2 == 1;
            if quoted && part.chars().count() > LONGEST {
                let kept: String = part.chars().take(LONGEST - 1).collect();
                format!("{kept}…")
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStringExt;
    use std::time::Duration;

    fn parse_ok(args: &[&str]) -> Invocation {
        parse(std::iter::once("offload").chain(args.iter().copied())).expect("valid")
    }

    fn usage_error(args: Vec<OsString>) -> String {
        let all = std::iter::once(OsString::from("offload")).chain(args);
        match parse(all) {
            Err(Early::Usage(line)) => line,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn no_arguments_open_the_window_with_nothing_overridden() {
        let expected = Invocation::Window(WindowRun {
            overrides: Choices::default(),
            faults: Vec::new(),
            start_job: false,
            quit_when_done: false,
            close_after: None,
        });
        assert_eq!(parse_ok(&[]), expected);
    }

    #[test]
    fn process_backend_and_faults_are_chosen_on_the_command_line() {
        let Invocation::Window(WindowRun {
            overrides, faults, ..
        }) = parse_ok(&[
            "--backend",
            "process",
            "--inject-fault",
            "segfault@3",
            "--inject-fault",
            "panic@7",
        ])
        else {
            panic!("expected the window");
        };
        assert_eq!(overrides.backend, Some(Backend::Process));
        let counts: Vec<u64> = faults.iter().map(|plan| plan.after).collect();
        assert_eq!(counts, [3, 7]);
    }

    #[test]
    fn jobs_are_sized_in_plain_or_scientific_notation() {
        let Invocation::HeadlessJob {
            job,
            backend,
            niceness,
        } = parse_ok(&[
            "headless",
            "--job",
            "primes",
            "--upto",
            "1e9",
            "--workers",
            "3",
            "--backend",
            "process",
            "--nice",
            "5",
        ])
        else {
            panic!("expected a headless job");
        };
        assert_eq!(
            job,
            JobRequest {
                upto: 1_000_000_000,
                workers: 3
            }
        );
        assert_eq!((backend, niceness), (Backend::Process, 5));
        let Invocation::Window(WindowRun {
            overrides,
            start_job,
            quit_when_done,
            ..
        }) = parse_ok(&["--job", "primes", "--upto", "1000000", "--quit-when-done"])
        else {
            panic!("expected the window");
        };
        assert!(start_job);
        assert_eq!(overrides.job_upto, Some(1_000_000));
        assert_eq!(overrides.job_workers, None, "the stored workers apply");
        assert!(quit_when_done);
    }

    #[test]
    fn the_child_and_the_faults_are_not_in_the_help() {
        let Err(Early::Informational(help)) = parse(["offload", "--help"]) else {
            panic!("expected help");
        };
        let listed = |name: &str| help.lines().any(|line| line.trim_start().starts_with(name));
        assert!(!listed("worker"), "{help}");
        assert!(!listed("generate"), "{help}");
        assert!(!help.contains("inject"), "{help}");
    }

    #[test]
    fn window_delays_are_read_in_seconds() {
        let Invocation::Window(WindowRun { overrides, .. }) = parse_ok(&[
            "--worker-delay",
            "0",
            "--gui-delay",
            "0.25",
            "--backend",
            "thread",
        ]) else {
            panic!("expected the window");
        };
        let delay = |delay: Option<Delay>| delay.map(Delay::duration);
        assert_eq!(delay(overrides.worker_delay), Some(Duration::ZERO));
        assert_eq!(delay(overrides.gui_delay), Some(Duration::from_millis(250)));
    }

    #[test]
    fn headless_takes_a_delay_and_a_count() {
        let Invocation::Headless {
            worker_delay,
            count,
        } = parse_ok(&["headless", "--worker-delay", "0.1", "--count", "3"])
        else {
            panic!("expected headless");
        };
        assert_eq!(worker_delay.duration(), Duration::from_millis(100));
        assert_eq!(count, Some(3));
    }

    #[test]
    fn hostile_command_lines_get_one_line_each() {
        let hostile: Vec<Vec<OsString>> = vec![
            vec!["--worker-delay".into(), "-1".into()],
            vec!["--worker-delay=NaN".into()],
            vec!["--worker-delay".into(), "inf".into()],
            vec!["--worker-delay".into(), "1e300".into()],
            vec!["--worker-delay".into(), "soon".into()],
            vec!["--worker-delay".into(), "".into()],
            vec!["--gui-delay".into(), "0".into()],
            vec!["--backend".into(), "gpu".into()],
            vec!["--frobnicate".into()],
            vec!["explode".into()],
            vec!["headless".into(), "--count".into(), "0".into()],
            vec!["headless".into(), "--count".into(), "-5".into()],
            vec![
                "headless".into(),
                "--count".into(),
                "99999999999999999999999".into(),
            ],
            vec!["headless".into(), "--gui-delay".into(), "1".into()],
            vec![
                "headless".into(),
                "--job=primes".into(),
                "--upto=1e9".into(),
                "--nice=-1".into(),
            ],
            vec![
                "headless".into(),
                "--job=primes".into(),
                "--upto=1e9".into(),
                "--nice=20".into(),
            ],
            vec!["headless".into(), "--nice=3".into()],
            vec![
                "--worker-delay".into(),
                OsString::from_vec(vec![0xff, 0xfe]),
            ],
        ];
        for args in hostile {
            let line = usage_error(args.clone());
            assert!(!line.contains('\n'), "{args:?} gave {line:?}");
            assert!(line.starts_with("offload: "), "{args:?} gave {line:?}");
        }
    }

    #[test]
    fn a_huge_value_is_cut_but_the_option_is_named() {
        let line = usage_error(vec!["--backend".into(), "x".repeat(100_000).into()]);
        assert!(line.len() < 200, "{line}");
        assert!(line.contains(&format!("'{}…'", "x".repeat(39))), "{line}");
        assert!(line.contains("'--backend <BACKEND>'"), "{line}");
    }

    #[test]
    fn a_bad_delay_says_why() {
        let line = usage_error(vec!["--worker-delay".into(), "-1".into()]);
        assert!(
            line.contains("out of range: use 0 to 3600 seconds"),
            "{line}"
        );
    }

    #[test]
    fn help_and_version_are_not_errors() {
        for flag in ["--help", "--version", "-V"] {
            let all = ["offload", flag];
            assert!(matches!(parse(all), Err(Early::Informational(_))), "{flag}");
        }
    }
}
