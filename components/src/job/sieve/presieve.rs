//! The smallest sieving primes, crossed once and for all: the wheel bytes of 7·11·13·17·19
//! and of a few more groups repeat with the product of their primes, so a segment starts
//! as a copy of those patterns, ANDed together, instead of crossing them one by one.

use std::sync::OnceLock;

use super::wheel::{bit_of, RESIDUES};

/// Groups of primes whose patterns are precomputed; each pattern's period (in bytes) is
/// its group's product. The first, and largest, is 316 KiB.
const GROUPS: [&[u64]; 4] = [
    &[7, 11, 13, 17, 19],
    &[23, 29, 31],
    &[37, 41, 43],
    &[47, 53],
];

/// The largest prime the patterns cross; sieving primes start above it.
pub const LARGEST: u64 = 53;

/// The most bytes [`fill`] is ever asked for at once.
pub const MAX_FILL: usize = 1 << 16;

struct Pattern {
    period: usize,
    /// One period, followed by `MAX_FILL` bytes of the next, so any window is one slice.
    bytes: Vec<u8>,
}

impl Pattern {
    /// Crosses each prime's multiples p·q, q on the wheel (q = 1: the prime itself), over
    /// one period and `MAX_FILL` bytes more. The first step of every process builds the
    /// patterns and sees no Pause meanwhile, so this crosses multiples rather than test
    /// every number against every prime (docs/benchmarks.md, "Tuned constants").
    fn new(primes: &[u64]) -> Self {
        let period = primes.iter().product::<u64>() as usize;
        let mut bytes = vec![0xff; period + MAX_FILL];
        let end = 30 * bytes.len() as u64;
        for &prime in primes {
            let multiples = (0..)
                .flat_map(|turn| RESIDUES.map(|residue| prime * (30 * turn + residue)))
                .take_while(|&multiple| multiple < end);
            for multiple in multiples {
                let bit = bit_of(multiple).expect("a product of numbers on the wheel is on it");
                bytes[(multiple / 30) as usize] &= !(1 << bit);
            }
        }
        Self { period, bytes }
    }

    fn window(&self, first_byte: u64, length: usize) -> &[u8] {
        let offset = (first_byte % self.period as u64) as usize;
        &self.bytes[offset..offset + length]
    }
}

fn patterns() -> &'static [Pattern] {
    static PATTERNS: OnceLock<Vec<Pattern>> = OnceLock::new();
    PATTERNS.get_or_init(|| GROUPS.iter().map(|group| Pattern::new(group)).collect())
}

/// Sets `bytes`, which start at wheel byte `first_byte`, to the numbers that no prime
/// from 7 to [`LARGEST`] divides (those primes themselves included).
pub fn fill(bytes: &mut [u8], first_byte: u64) {
    let length = bytes.len();
    let (first, rest) = patterns().split_first().expect("at least one pattern");
    bytes.copy_from_slice(first.window(first_byte, length));
    for pattern in rest {
        for (byte, &bits) in bytes.iter_mut().zip(pattern.window(first_byte, length)) {
            *byte &= bits;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filled_window_keeps_exactly_the_numbers_without_a_small_factor() {
        for first_byte in [0, 1000, 323_323 - 5, 9_999_999_999] {
            let mut bytes = vec![0; 64];
            fill(&mut bytes, first_byte);
            for (index, byte) in bytes.iter().enumerate() {
                for (bit, residue) in RESIDUES.iter().enumerate() {
                    let n = 30 * (first_byte + index as u64) + residue;
                    let kept = (7..=LARGEST).all(|d| !n.is_multiple_of(d));
                    assert_eq!(byte & (1 << bit) != 0, kept, "{n}");
                }
            }
        }
    }
}
