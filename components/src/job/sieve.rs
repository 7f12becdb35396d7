//! The heavy job: count the primes in a range with a segmented sieve of Eratosthenes.
//!
//! Work is done one segment per `step`, so whoever drives it can look at its messages
//! between two steps. Memory stays bounded whatever the range: one segment, plus the
//! odd primes up to the square root of the range's end (78 497 of them below 10^12).

use std::ops::Range;

use crate::worker::Progress;

/// Odd numbers per segment: 256 KiB of sieve, which covers 2^19 integers.
const SEGMENT_ODDS: u64 = 1 << 18;

/// A count of the primes p with `start <= p < end`, advanced one segment at a time.
pub struct PrimeCount {
    start: u64,
    end: u64,
    /// The next odd number to sieve.
    next: u64,
    /// Everything below this is sieved.
    sieved_to: u64,
    found: u64,
    /// Odd primes whose square is below `end`, ascending.
    base: Vec<u64>,
    /// For each base prime, the next odd multiple of it to cross off.
    multiple: Vec<u64>,
    composite: Vec<bool>,
}

impl PrimeCount {
    pub fn new(range: Range<u64>) -> Self {
        let Range { start, end } = range;
        let next = (start.max(3)) | 1;
        let base = odd_primes_up_to(isqrt(end.saturating_sub(1)));
        let multiple = base
            .iter()
            .map(|&prime| first_odd_multiple(prime, next).max(prime * prime))
            .collect();
        Self {
            start,
            end,
            next,
            sieved_to: start.min(end),
            found: u64::from(start <= 2 && 2 < end),
            base,
            multiple,
            composite: Vec::new(),
        }
    }

    /// Sieves one segment; false once the whole range is done.
    pub fn step(&mut self) -> bool {
        if self.next >= self.end {
            return false;
        }
        let low = self.next;
        let high = low.saturating_add(2 * SEGMENT_ODDS).min(self.end);
        let odds = usize::try_from((high - low).div_ceil(2)).expect("a segment fits in memory");
        self.composite.clear();
        self.composite.resize(odds, false);
        for (prime, multiple) in self.base.iter().zip(self.multiple.iter_mut()) {
            if prime * prime >= high {
                break;
            }
            let mut number = *multiple;
            while number < high {
                self.composite[((number - low) / 2) as usize] = true;
                number += 2 * prime;
            }
            *multiple = number;
        }
        self.found += self.composite.iter().filter(|&&crossed| !crossed).count() as u64;
        self.next = high | 1;
        self.sieved_to = high;
        self.next < self.end
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
        self.next >= self.end
    }

    /// Runs to the end; for callers that need no slices.
    pub fn finish(mut self) -> u64 {
        while self.step() {}
        self.found
    }
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

fn first_odd_multiple(prime: u64, at_least: u64) -> u64 {
    let multiple = at_least.div_ceil(prime) * prime;
    if multiple.is_multiple_of(2) {
        multiple + prime
    } else {
        multiple
    }
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
            .filter(|&n| n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0))
            .count() as u64
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

    #[test]
    fn counts_across_many_segments_match_the_naive_count() {
        let range = 1_000_000_000..1_000_000_000 + 3 * 2 * SEGMENT_ODDS + 17;
        assert_eq!(PrimeCount::new(range.clone()).finish(), naive(range));
    }

    #[test]
    fn accepts_ranges_up_to_ten_to_the_twelfth() {
        let end = 1_000_000_000_000;
        let mut count = PrimeCount::new(end - 1000..end);
        assert!(!count.step(), "a 1000-number range is one segment");
        assert_eq!(count.progress().found, naive(end - 1000..end));
    }

    #[test]
    fn progress_grows_to_the_total_and_never_goes_back() {
        let mut count = PrimeCount::new(0..5_000_000);
        let mut before = count.progress();
        assert_eq!(before.done, 0);
        while count.step() {
            let now = count.progress();
            assert!(now.done > before.done && now.found >= before.found);
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
