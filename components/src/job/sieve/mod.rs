//! The heavy job: count the primes in a range with a segmented sieve of Eratosthenes.
//!
//! The sieve keeps one bit per number coprime to 30 (see [`wheel`]), starts each segment
//! from precomputed patterns of the primes up to 53 ([`presieve`]), crosses the small
//! sieving primes one cache-sized block at a time and the large ones once per segment,
//! and counts what is left by popcount.
//!
//! Work is done one segment (about a millisecond) per `step`, so whoever drives it can
//! look at its messages between two steps. Memory stays bounded whatever the range: one
//! segment, plus a few dozen bytes per sieving prime (78 498 of them below 10^12).

mod presieve;
mod wheel;

use std::ops::Range;
use std::time::{Duration, Instant};

use super::Progress;
use wheel::{bit_of, CyclePrime, WalkPrime, RESIDUES};

/// Bytes per segment: 31 million numbers. The medium primes are visited once per
/// segment, so a larger one visits them less often; a common L2 cache's size was the
/// fastest (docs/benchmarks.md, "Tuned constants").
const SEGMENT_BYTES: usize = 1 << 20;

/// Bytes crossed by the small primes at once: a common L1 data cache's size.
const BLOCK_BYTES: usize = presieve::MAX_FILL;

/// A step ends at the first pause in its work (after a block, or a group of primes)
/// once it has run this long: the worker must see its messages within a millisecond or
/// two, and at the top of the range a segment's medium primes alone take milliseconds.
const STEP_TIME: Duration = Duration::from_micros(250);

/// Primes up to this are crossed block by block, in turns of the wheel. Larger ones
/// cross too few bytes of a block to pay for visiting every block; a tenth of a block
/// was the fastest threshold (docs/benchmarks.md, "Tuned constants").
const LARGEST_SMALL_PRIME: u64 = BLOCK_BYTES as u64 / 10;

/// Primes up to this are crossed a segment at a time, in turns of the wheel; larger ones
/// walk along their multiples (where they start walking hardly matters: see
/// docs/benchmarks.md, "Tuned constants").
const LARGEST_MEDIUM_PRIME: u64 = SEGMENT_BYTES as u64 / 4;

/// How many medium or walking primes are crossed between two pauses in the work (a
/// look at the clock and a call of `step_with`'s callback): few enough that a pause
/// comes every quarter millisecond or so (docs/benchmarks.md, "Tuned constants").
const PRIMES_AT_ONCE: usize = 256;

/// The sieve counts from here on: 2, 3 and 5 are not on the wheel, and the patterns
/// cross the primes they sieve with.
const SIEVED_FROM: u64 = presieve::LARGEST + 1;

/// A count of the primes p with `start <= p < end`, advanced one segment at a time.
pub struct PrimeCount {
    start: u64,
    end: u64,
    /// The first number the sieve counts (below it, primes are found by trial division).
    sieve_from: u64,
    /// Every number below this is sieved.
    sieved_to: u64,
    /// The wheel byte the next segment starts at.
    next_byte: u64,
    /// One past the last wheel byte to sieve.
    end_byte: u64,
    found: u64,
    small_primes: Vec<CyclePrime>,
    medium_primes: Vec<CyclePrime>,
    walk_primes: Vec<WalkPrime>,
    segment: Vec<u8>,
    stage: Stage,
}

/// How far the segment under way is sieved: a step crosses part of it, so that a step
/// stays short however large the segment.
#[derive(Clone, Copy)]
enum Stage {
    /// No segment under way: the next step begins one.
    Between,
    /// The small primes are crossed in the segment's first `bytes`.
    SmallUpTo { bytes: usize },
    /// The medium primes before this one are crossed.
    MediumFrom { prime: usize },
    /// The walking primes before this one are crossed.
    WalkFrom { prime: usize },
}

impl PrimeCount {
    pub fn new(range: Range<u64>) -> Self {
        let Range { start, end } = range;
        let sieve_from = start.max(SIEVED_FROM);
        let next_byte = sieve_from / 30;
        let end_byte = if sieve_from < end {
            (end - 1) / 30 + 1
        } else {
            next_byte
        };
        let sieving = odd_primes_up_to(isqrt(end.saturating_sub(1)))
            .into_iter()
            .filter(|&prime| prime > presieve::LARGEST);
        let (mut small_primes, mut medium_primes, mut walk_primes) =
            (Vec::new(), Vec::new(), Vec::new());
        for prime in sieving {
            if prime <= LARGEST_SMALL_PRIME {
                small_primes.push(CyclePrime::new(prime, sieve_from, next_byte));
            } else if prime <= LARGEST_MEDIUM_PRIME {
                medium_primes.push(CyclePrime::new(prime, sieve_from, next_byte));
            } else {
                walk_primes.push(WalkPrime::new(prime, sieve_from, next_byte));
            }
        }
        small_primes.sort_by_key(CyclePrime::class);
        medium_primes.sort_by_key(CyclePrime::class);
        Self {
            start,
            end,
            sieve_from,
            sieved_to: start.min(end),
            next_byte,
            end_byte,
            found: (start..end.min(SIEVED_FROM))
                .filter(|&n| is_prime(n))
                .count() as u64,
            small_primes,
            medium_primes,
            walk_primes,
            segment: Vec::new(),
            stage: Stage::Between,
        }
    }

    /// Sieves part of a segment (a quarter of a millisecond's work, or so); false once
    /// the whole range is done.
    pub fn step(&mut self) -> bool {
        self.step_with(|| {})
    }

    /// As [`Self::step`], calling `now_and_then` every tenth of a millisecond of work or
    /// so: after each block, and between groups of primes.
    pub fn step_with(&mut self, mut now_and_then: impl FnMut()) -> bool {
        if self.is_done() {
            return false;
        }
        let started = Instant::now();
        let mut pause = || {
            now_and_then();
            started.elapsed() < STEP_TIME
        };
        if let Stage::Between = self.stage {
            let length = SEGMENT_BYTES.min((self.end_byte - self.next_byte) as usize);
            self.segment.resize(length, 0);
            self.stage = Stage::SmallUpTo { bytes: 0 };
        }
        if let Stage::SmallUpTo { bytes } = self.stage {
            self.stage = self.cross_small_primes(bytes, &mut pause);
        }
        if let Stage::MediumFrom { prime } = self.stage {
            self.stage = self.cross_medium_primes(prime, &mut pause);
        }
        if let Stage::WalkFrom { prime } = self.stage {
            self.stage = self.cross_walking_primes(prime, &mut pause);
        }
        if let Stage::Between = self.stage {
            self.end_segment();
        }
        !self.is_done()
    }

    /// Fills and crosses blocks from byte `from` on, as long as `go_on` says after each.
    fn cross_small_primes(&mut self, from: usize, go_on: &mut impl FnMut() -> bool) -> Stage {
        let segment = &mut self.segment[..];
        let length = segment.len();
        let mut block_start = from;
        while block_start < length {
            let block_end = (block_start + BLOCK_BYTES).min(length);
            presieve::fill(
                &mut segment[block_start..block_end],
                self.next_byte + block_start as u64,
            );
            for prime in &mut self.small_primes {
                prime.cross(segment, block_end);
            }
            block_start = block_end;
            if block_start < length && !go_on() {
                return Stage::SmallUpTo { bytes: block_start };
            }
        }
        for prime in &mut self.small_primes {
            prime.rebase(length);
        }
        Stage::MediumFrom { prime: 0 }
    }

    /// Crosses the medium primes from the one at `from` on, a group at a time, as long
    /// as `go_on` says after each group.
    fn cross_medium_primes(&mut self, from: usize, go_on: &mut impl FnMut() -> bool) -> Stage {
        let segment = &mut self.segment[..];
        let length = segment.len();
        let crossed = cross_in_groups(&mut self.medium_primes[from..], go_on, |prime| {
            prime.cross(segment, length);
            prime.rebase(length);
        });
        match crossed {
            Some(count) => Stage::MediumFrom {
                prime: from + count,
            },
            None => Stage::WalkFrom { prime: 0 },
        }
    }

    /// As [`Self::cross_medium_primes`], for the walking primes.
    fn cross_walking_primes(&mut self, from: usize, go_on: &mut impl FnMut() -> bool) -> Stage {
        let segment = &mut self.segment[..];
        let crossed = cross_in_groups(&mut self.walk_primes[from..], go_on, |prime| {
            prime.cross_and_rebase(segment);
        });
        match crossed {
            Some(count) => Stage::WalkFrom {
                prime: from + count,
            },
            None => Stage::Between,
        }
    }

    /// Counts what the sieve left in the segment, and moves on to the next.
    fn end_segment(&mut self) {
        let segment = &mut self.segment[..];
        keep_only(segment, self.next_byte, self.sieve_from..self.end);
        self.found += count_ones(segment);
        self.next_byte += segment.len() as u64;
        self.sieved_to = (30 * self.next_byte).clamp(self.start, self.end);
    }

    pub fn progress(&self) -> Progress {
        let total = self.end.saturating_sub(self.start);
        let done = if self.is_done() {
            total
        } else {
            self.sieved_to - self.start
        };
        Progress {
            done,
            total,
            found: self.found,
        }
    }

    pub fn is_done(&self) -> bool {
        self.next_byte >= self.end_byte
    }

    /// Runs to the end; for callers that need no slices.
    pub fn finish(mut self) -> u64 {
        while self.step() {}
        self.found
    }
}

/// Crosses `primes` in groups of `PRIMES_AT_ONCE`, asking `go_on` after each group:
/// how many were crossed when it said stop, None when it never did.
fn cross_in_groups<P>(
    primes: &mut [P],
    go_on: &mut impl FnMut() -> bool,
    mut cross: impl FnMut(&mut P),
) -> Option<usize> {
    let mut crossed = 0;
    for group in primes.chunks_mut(PRIMES_AT_ONCE) {
        group.iter_mut().for_each(&mut cross);
        crossed += group.len();
        if !go_on() {
            return Some(crossed);
        }
    }
    None
}

/// Clears the bits of the numbers outside `range` in the first and last byte of
/// `segment`, which starts at wheel byte `first_byte`.
fn keep_only(segment: &mut [u8], first_byte: u64, range: Range<u64>) {
    let outside = |byte: u64| {
        RESIDUES
            .iter()
            .map(|residue| 30 * byte + residue)
            .filter(|n| !range.contains(n))
            .fold(0xffu8, |bits, n| {
                bits & !(1 << bit_of(n).expect("on the wheel"))
            })
    };
    let last = segment.len() - 1;
    segment[0] &= outside(first_byte);
    segment[last] &= outside(first_byte + last as u64);
}

fn count_ones(bytes: &[u8]) -> u64 {
    let words = bytes.chunks_exact(8);
    let tail: u64 = words
        .remainder()
        .iter()
        .map(|byte| u64::from(byte.count_ones()))
        .sum();
    words
        .map(|word| u64::from(u64::from_ne_bytes(word.try_into().expect("8 bytes")).count_ones()))
        .sum::<u64>()
        + tail
}

/// The number of primes below `n`.
pub fn count_primes_below(n: u64) -> u64 {
    PrimeCount::new(0..n).finish()
}

/// `range` cut into at most `parts` contiguous, nearly equal ranges (none empty).
pub fn split(range: Range<u64>, parts: usize) -> Vec<Range<u64>> {
    let length = range.end.saturating_sub(range.start);
    let parts = (parts.max(1) as u64).min(length.max(1));
    (0..parts)
        .map(|index| {
            let cut = |at: u64| {
                range.start + (u128::from(length) * u128::from(at) / u128::from(parts)) as u64
            };
            cut(index)..cut(index + 1)
        })
        .filter(|part| !part.is_empty())
        .collect()
}

fn odd_primes_up_to(limit: u64) -> Vec<u64> {
    let limit = usize::try_from(limit).expect("the square root of a u64 fits in memory");
    let mut composite = vec![false; limit + 1];
    let mut primes = Vec::new();
    for number in (3..=limit).step_by(2) {
        if composite[number] {
            continue;
        }
        primes.push(number as u64);
        for multiple in (number * number..=limit).step_by(2 * number) {
            composite[multiple] = true;
        }
    }
    primes
}

fn is_prime(n: u64) -> bool {
    n >= 2
        && (2..)
            .take_while(|d| d * d <= n)
            .all(|d| !n.is_multiple_of(d))
}

fn isqrt(n: u64) -> u64 {
    let mut root = (n as f64).sqrt() as u64;
    while root * root > n {
        root -= 1;
    }
    while (root + 1) * (root + 1) <= n {
        root += 1;
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(range: Range<u64>) -> u64 {
        range
            .filter(|&n| {
                n >= 2
                    && (2..)
                        .take_while(|d| d * d <= n)
                        .all(|d| !n.is_multiple_of(d))
            })
            .count() as u64
    }

    #[test]
    fn the_plain_sieve_agrees_with_the_naive_count() {
        assert_eq!(plain_sieve(0..10_000), naive(0..10_000));
        assert_eq!(plain_sieve(999_000..1_001_000), naive(999_000..1_001_000));
    }

    #[test]
    fn known_counts() {
        assert_eq!(count_primes_below(0), 0);
        assert_eq!(count_primes_below(2), 0);
        assert_eq!(count_primes_below(3), 1);
        assert_eq!(count_primes_below(10), 4);
        assert_eq!(count_primes_below(100), 25);
        assert_eq!(count_primes_below(1_000_000), 78_498);
        assert_eq!(count_primes_below(10_000_000), 664_579);
    }

    /// The plain sieve of Eratosthenes over `range`, one bool per number.
    fn plain_sieve(range: Range<u64>) -> u64 {
        let mut prime = vec![true; (range.end - range.start) as usize];
        for n in range.start..range.end.min(2) {
            prime[(n - range.start) as usize] = false;
        }
        for divisor in 2..=isqrt(range.end) {
            let first = (range.start.div_ceil(divisor) * divisor).max(divisor * divisor);
            for multiple in (first..range.end).step_by(divisor as usize) {
                prime[(multiple - range.start) as usize] = false;
            }
        }
        prime.into_iter().filter(|&prime| prime).count() as u64
    }

    #[test]
    fn counts_across_many_segments_and_blocks_match_the_plain_sieve() {
        for range in [
            0..3 * 30 * SEGMENT_BYTES as u64 + 17,
            1_000_000_000..1_000_000_000 + 3 * 30 * SEGMENT_BYTES as u64 + 17,
            // Sieving primes of both kinds, and multiples of 7..53 that are sieved away.
            10_000_000_000 - 30 * BLOCK_BYTES as u64 - 11
                ..10_000_000_000 + 30 * BLOCK_BYTES as u64 + 11,
        ] {
            assert_eq!(
                PrimeCount::new(range.clone()).finish(),
                plain_sieve(range.clone()),
                "{range:?}"
            );
        }
    }

    #[test]
    fn accepts_ranges_up_to_ten_to_the_twelfth() {
        let end = 1_000_000_000_000;
        let mut count = PrimeCount::new(end - 1000..end);
        while count.step() {}
        assert_eq!(count.progress().found, naive(end - 1000..end));
    }

    #[test]
    fn progress_grows_to_the_total_and_never_goes_back() {
        let mut count = PrimeCount::new(0..5_000_000);
        let mut before = count.progress();
        assert_eq!(before.done, 0);
        while count.step() {
            let now = count.progress();
            assert!(now.done >= before.done && now.found >= before.found);
            before = now;
        }
        let last = count.progress();
        assert_eq!((last.done, last.total), (5_000_000, 5_000_000));
        assert_eq!(last.found, 348_513);
    }

    #[test]
    fn split_covers_the_range_exactly_once() {
        let parts = split(10..1_000_003, 3);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].start, 10);
        assert_eq!(parts[2].end, 1_000_003);
        assert!(parts.windows(2).all(|pair| pair[0].end == pair[1].start));
        assert_eq!(split(0..2, 8), vec![0..1, 1..2]);
        assert_eq!(split(5..5, 4), Vec::<Range<u64>>::new());
    }

    proptest! {
        #[test]
        fn any_small_range_matches_the_naive_count(start in 0u64..5000, length in 0u64..5000) {
            prop_assert_eq!(PrimeCount::new(start..start + length).finish(), naive(start..start + length));
        }

        #[test]
        fn split_parts_add_up(end in 0u64..200_000, parts in 1usize..9) {
            let sum: u64 = split(0..end, parts).into_iter().map(|part| PrimeCount::new(part).finish()).sum();
            prop_assert_eq!(sum, count_primes_below(end));
        }
    }
}
