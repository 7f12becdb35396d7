//! Reliability in figures: soak, churn, faults, kills, nothing lost and bad input,
//! against the real App component in this process and the real binary beside it, on a
//! private display. Prints the tables RELIABILITY.md quotes.
//!
//! Short runs by default (CI); `OFFLOAD_RELIABILITY=full` runs the sizes the issue asks
//! for (about half an hour). `OFFLOAD_RELIABILITY_SEED=N` repeats a run's random moments.
//! Name checks to run only those: `cargo test --test reliability -- churn soak`.
//! GTK may be initialised on one thread only, so this is a `harness = false` binary that
//! runs its checks in order on the main thread. It re-runs itself under Xvfb.

#[path = "../support/app_window.rs"]
mod app_window;
mod bad_input;
mod churn;
#[path = "../support/display.rs"]
mod display;
mod faults;
mod kills;
mod nothing_lost;
mod proc_table;
#[path = "../support/process_list.rs"]
mod process_list;
mod report;
mod soak;

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use offload_components::choices::Backend;
use offload_components::counter::fault::FaultKind;
use relm4::{adw, gtk};
use report::Table;

/// The real `offload` binary, its stored settings kept in memory: what one run stores
/// never reaches the next, nor the developer's own settings.
pub fn offload() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_offload"));
    command
        .env("GSETTINGS_BACKEND", "memory")
        .env("LC_ALL", "C.UTF-8")
        .env_remove("LANGUAGE");
    command
}

/// How long each check runs.
struct Scale {
    name: &'static str,
    soak: Duration,
    churn_cycles: u32,
    faults_per_kind: u32,
    kills: u32,
}

impl Scale {
    const SHORT: Scale = Scale {
        name: "short",
        soak: Duration::from_secs(15),
        churn_cycles: 30,
        faults_per_kind: 10,
        kills: 10,
    };
    const FULL: Scale = Scale {
        name: "full",
        soak: Duration::from_secs(600),
        churn_cycles: 500,
        faults_per_kind: 50,
        kills: 50,
    };

    fn from_env() -> Result<&'static Scale, String> {
        match std::env::var("OFFLOAD_RELIABILITY").as_deref() {
            Err(std::env::VarError::NotPresent) | Ok("short") => Ok(&Self::SHORT),
            Ok("full") => Ok(&Self::FULL),
            _ => Err("OFFLOAD_RELIABILITY must be 'short' or 'full'".to_owned()),
        }
    }
}

fn seed() -> Result<u64, String> {
    match std::env::var("OFFLOAD_RELIABILITY_SEED") {
        Err(_) => Ok(fastrand::u64(..)),
        Ok(text) => text
            .parse()
            .map_err(|_| format!("OFFLOAD_RELIABILITY_SEED must be a number, not '{text}'")),
    }
}

/// Injected panics are expected here, hundreds of them: they are not reported.
fn quiet_injected_panics() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.payload().downcast_ref::<&str>() != Some(&"injected fault: panic") {
            report(info);
        }
    }));
}

type Check = fn(&Scale) -> Vec<Table>;

/// In this order: the in-process windows first, then only the real binary, so that
/// every child of this process during `kills` is one of the binary's.
const CHECKS: [(&str, Check); 6] = [
    ("bad-input", bad_input_check),
    ("nothing-lost", |_| vec![nothing_lost::sequence()]),
    ("faults", faults_check),
    ("churn", |scale| vec![churn::churn(scale.churn_cycles)]),
    ("kills", |scale| vec![kills::kills(scale.kills)]),
    ("soak", soak_check),
];

fn bad_input_check(_: &Scale) -> Vec<Table> {
    let mut table = bad_input::table();
    bad_input::command_lines(&mut table);
    let config_home = PathBuf::from(std::env::var_os("XDG_CONFIG_HOME").expect("set by display"));
    bad_input::stored_settings(&config_home, &mut table);
    vec![table]
}

fn faults_check(scale: &Scale) -> Vec<Table> {
    let mut table = faults::table();
    let planned = [
        (FaultKind::Panic, Backend::Thread),
        (FaultKind::Panic, Backend::Process),
        (FaultKind::Abort, Backend::Process),
        (FaultKind::Segfault, Backend::Process),
        (FaultKind::Garbage, Backend::Process),
    ];
    for (kind, backend) in planned {
        faults::planned(kind, backend, scale.faults_per_kind, &mut table);
    }
    faults::killed_from_outside(scale.faults_per_kind, &mut table);
    vec![table]
}

fn soak_check(scale: &Scale) -> Vec<Table> {
    let mut table = soak::table();
    for backend in ["thread", "process"] {
        soak::soak(backend, scale.soak, &mut table);
    }
    vec![table]
}

/// The checks named on the command line (all of them if none is), or the unknown name.
fn chosen_checks(names: &[String]) -> Result<Vec<(&'static str, Check)>, String> {
    if let Some(unknown) = names
        .iter()
        .find(|name| !CHECKS.iter().any(|(known, _)| known == name))
    {
        let known: Vec<&str> = CHECKS.iter().map(|(name, _)| *name).collect();
        return Err(format!(
            "no check named '{unknown}'; the checks: {}",
            known.join(", ")
        ));
    }
    Ok(CHECKS
        .into_iter()
        .filter(|(name, _)| names.is_empty() || names.iter().any(|wanted| wanted == name))
        .collect())
}

fn main() -> ExitCode {
    // Flags are for libtest (`cargo test -- --nocapture`), which this binary is not.
    let names: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    let (scale, seed, chosen) = match (Scale::from_env(), seed(), chosen_checks(&names)) {
        (Ok(scale), Ok(seed), Ok(chosen)) => (scale, seed, chosen),
        (Err(problem), _, _) | (_, Err(problem), _) | (_, _, Err(problem)) => {
            eprintln!("reliability: {problem}");
            return ExitCode::FAILURE;
        }
    };
    let seed_text = seed.to_string();
    // Nothing here reads the window through AT-SPI: no accessibility bus.
    let env = [
        ("GTK_A11Y", "none"),
        ("OFFLOAD_RELIABILITY_SEED", &seed_text),
    ];
    if let Some(outcome) = app_window::rerun_on_private_display(&names, &env) {
        return outcome;
    }

    quiet_injected_panics();
    fastrand::seed(seed);
    println!(
        "reliability, {} run; OFFLOAD_RELIABILITY_SEED={seed} repeats its random moments",
        scale.name
    );
    proc_table::become_subreaper();
    gtk::init().expect("the private display opens");
    adw::init().expect("libadwaita starts");
    let started = Instant::now();

    for (name, check) in chosen {
        let began = Instant::now();
        for table in check(scale) {
            table.print();
        }
        println!("{name}: passed in {:.0} s", began.elapsed().as_secs_f64());
    }
    println!(
        "all checks passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
