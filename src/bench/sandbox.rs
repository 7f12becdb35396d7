//! What the worker children's sandbox costs: the time from launching a child to its first
//! news, confined and unconfined in turns, and the same job on every core in confined and
//! unconfined children. The unconfined children are the bench's alone.

use std::time::Duration;

use offload_components::choices::Backend;
use offload_components::compare;
use offload_components::kinds;
use relm4::gtk::glib;
use thread_or_process::Launcher;

use super::jobs::job_headless_from;

/// Each round's figures, confined and unconfined.
#[derive(Default)]
pub struct SandboxRounds {
    pub spawn_confined: Vec<Duration>,
    pub spawn_unconfined: Vec<Duration>,
    pub job_confined: Vec<Duration>,
    pub job_unconfined: Vec<Duration>,
}

/// `spawns` rounds of starting a child each way, then `jobs` rounds of the job below
/// `upto` on `workers` children each way; who goes first alternates.
pub fn measure(
    spawns: usize,
    jobs: usize,
    upto: u64,
    workers: usize,
) -> Result<SandboxRounds, String> {
    let confined = kinds::launcher();
    let unconfined = kinds::launcher().without_sandbox_to_measure_it();
    let mut rounds = SandboxRounds::default();
    for round in 0..spawns {
        let (first, second) = in_turn(round, &confined, &unconfined);
        let (first, second) = (to_first_news(first)?, to_first_news(second)?);
        let (with, without) = in_turn(round, first, second);
        rounds.spawn_confined.push(with);
        rounds.spawn_unconfined.push(without);
    }
    for round in 0..jobs {
        let (first, second) = in_turn(round, &confined, &unconfined);
        let first = job_headless_from(first, Backend::Process, upto, workers)?.0;
        let second = job_headless_from(second, Backend::Process, upto, workers)?.0;
        let (with, without) = in_turn(round, first, second);
        rounds.job_confined.push(with);
        rounds.job_unconfined.push(without);
    }
    Ok(rounds)
}

/// The confined one first in even rounds, the unconfined one first in odd ones (and back
/// again, to put the results in order).
fn in_turn<T>(round: usize, confined: T, unconfined: T) -> (T, T) {
    if round.is_multiple_of(2) {
        (confined, unconfined)
    } else {
        (unconfined, confined)
    }
}

/// From asking for a counting child to its first number, as the Compare view measures
/// a start; the child is then stopped.
fn to_first_news(launcher: &Launcher) -> Result<Duration, String> {
    let (started, _stopped) = glib::MainContext::default()
        .block_on(compare::sample::start_and_stop(launcher, Backend::Process))?;
    Ok(started)
}
