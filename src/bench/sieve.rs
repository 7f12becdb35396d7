//! The sieve against the state of the art: the same counts by Offload's job (headless,
//! in this process, its workers on threads) and by primesieve(1) when it is installed,
//! run in turns, so that both see the same machine; each count checked where known.

use std::process::Command;
use std::time::Instant;

use offload_components::choices::Backend;
use serde::Serialize;

use super::jobs::job_headless;
use super::median;

/// π(10^k), for checking the counts.
const KNOWN_COUNTS: [(u64, u64); 5] = [
    (100_000_000, 5_761_455),
    (1_000_000_000, 50_847_534),
    (10_000_000_000, 455_052_511),
    (100_000_000_000, 4_118_054_813),
    (1_000_000_000_000, 37_607_912_018),
];

#[derive(Serialize)]
pub struct SieveFigures {
    pub upto: u64,
    pub threads: usize,
    pub rounds: usize,
    /// Medians of the rounds.
    pub offload_s: f64,
    pub primesieve_s: Option<f64>,
    pub offload_over_primesieve: Option<f64>,
}

/// Offload's and primesieve's times for the primes below `upto` on `threads` threads,
/// `rounds` times each, taking turns.
pub fn compare(upto: u64, threads: usize, rounds: usize) -> Result<SieveFigures, String> {
    let mut offload = Vec::new();
    let mut primesieve = Vec::new();
    for _ in 0..rounds {
        offload.push(offload_time(upto, threads)?);
        if let Some(time) = primesieve_time(upto, threads)? {
            primesieve.push(time);
        }
    }
    let offload_s = median(&offload);
    let primesieve_s = (!primesieve.is_empty()).then(|| median(&primesieve));
    Ok(SieveFigures {
        upto,
        threads,
        rounds,
        offload_s,
        primesieve_s,
        offload_over_primesieve: primesieve_s.map(|theirs| offload_s / theirs),
    })
}

/// Counts the primes below `upto` once, on `threads` threads; its time.
pub fn offload_time(upto: u64, threads: usize) -> Result<f64, String> {
    let (elapsed, primes) = job_headless(Backend::Thread, upto, threads)?;
    check(upto, primes, "Offload")?;
    Ok(elapsed.as_secs_f64())
}

/// None when primesieve is not installed.
fn primesieve_time(upto: u64, threads: usize) -> Result<Option<f64>, String> {
    let started = Instant::now();
    let output = match Command::new("primesieve")
        .arg(upto.to_string())
        .args(["--count", "--quiet", "--threads", &threads.to_string()])
        .output()
    {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("cannot run primesieve: {error}")),
    };
    let elapsed = started.elapsed();
    let said = String::from_utf8_lossy(&output.stdout);
    let primes = said
        .trim()
        .parse()
        .map_err(|_| format!("primesieve said {said:?}"))?;
    check(upto, primes, "primesieve")?;
    Ok(Some(elapsed.as_secs_f64()))
}

fn check(upto: u64, primes: u64, who: &str) -> Result<(), String> {
    match KNOWN_COUNTS.iter().find(|(size, _)| *size == upto) {
        Some((_, known)) if *known != primes => Err(format!(
            "{who} counted {primes} primes below {upto}, not {known}"
        )),
        _ => Ok(()),
    }
}
