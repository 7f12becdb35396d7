//! Offload's entry point: read the command line, then open the window or run headless.
//! Errors reach the user here, as one line, with exit status 2 for usage errors.
//!
//! "The seed", in comments, is the 2007 PyGTK program Offload grew from (see the
//! components crate's documentation).

mod bench;
mod cli;
mod compare;
mod diagnostics;
mod headless;
mod manual;
mod signals;
mod window;

use std::process::ExitCode;

use cli::{Early, Invocation};

fn main() -> ExitCode {
    let launcher = offload_components::kinds::launcher();
    if launcher.is_child() {
        diagnostics::init("offload worker");
        quiet_panics();
    }
    if let Some(served) = launcher.serve_if_child() {
        return exit_code(served.map_err(|error| format!("worker: {error}")));
    }
    let invocation = match cli::parse(std::env::args_os()) {
        Ok(invocation) => invocation,
        Err(Early::Informational(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(Early::Usage(line)) => {
            eprintln!("{line}");
            return ExitCode::from(2);
        }
    };
    diagnostics::init("offload");
    quiet_panics();
    let outcome = match invocation {
        Invocation::Window(run) => window::run(launcher, run),
        Invocation::Bench { json, quick } => bench::run(json, quick),
        Invocation::Compare { json, quick } => compare::run(json, quick),
        Invocation::Generate(what) => manual::print(what),
        Invocation::Headless {
            worker_delay,
            count,
        } => headless::count(worker_delay, count),
        Invocation::HeadlessJob {
            job,
            backend,
            niceness,
        } => headless::primes(job.upto, job.workers, backend, niceness),
    };
    exit_code(outcome)
}

/// Success, or the one line that says why not.
fn exit_code(outcome: Result<(), String>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// A panic (a bug, or an injected fault) is told in one line, not with a trace, with the
/// file and line it came from for a bug report: the window recovers from a worker's
/// panic and says so itself.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("a worker thread");
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str))
            .unwrap_or("unknown cause");
        match info.location() {
            Some(at) => tracing::error!("{name} failed at {}:{}: {message}", at.file(), at.line()),
            None => tracing::error!("{name} failed: {message}"),
        }
    }));
}
