//! Offload's entry point: read the command line, then open the window or run headless.
//! Errors reach the user here, as one line, with exit status 2 for usage errors.

mod cli;
mod headless;
mod window;

use std::process::ExitCode;

use cli::{Early, Invocation};

fn main() -> ExitCode {
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
    let outcome = match invocation {
        Invocation::Window(settings) => window::run(settings),
        Invocation::Headless {
            worker_delay,
            count,
        } => headless::run(worker_delay, count),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("offload: {message}");
            ExitCode::FAILURE
        }
    }
}
