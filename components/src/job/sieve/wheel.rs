//! The modulo-30 wheel: a byte stands for the 30 numbers from 30k to 30k + 29, one bit
//! for each of the eight that 2, 3 and 5 do not divide.
//!
//! A multiple p·q of a sieving prime p (q coprime to 30) lies in byte p·q / 30, at the bit
//! of (p·q) mod 30. Walking q through the wheel's residues moves that byte by amounts
//! that depend only on p / 30, p mod 30 and the position of q on the wheel.

/// The residues modulo 30 of the numbers a byte stands for, bit 0 first.
pub const RESIDUES: [u64; 8] = [1, 7, 11, 13, 17, 19, 23, 29];

/// From each residue to the next on the wheel (the last to 31).
const GAPS: [u64; 8] = [6, 4, 2, 4, 2, 4, 6, 2];

/// The bit index of `n`, or None when 2, 3 or 5 divides `n`.
pub const fn bit_of(n: u64) -> Option<u32> {
    match n % 30 {
        1 => Some(0),
        7 => Some(1),
        11 => Some(2),
        13 => Some(3),
        17 => Some(4),
        19 => Some(5),
        23 => Some(6),
        29 => Some(7),
        _ => None,
    }
}

/// One step of the walk along a prime's multiples: how far the byte moves beyond
/// `gap · (p / 30)`.
#[derive(Clone, Copy)]
struct WheelStep {
    gap: u8,
    carry: u8,
}

/// Indexed by (bit of p) · 8 + position of q on the wheel.
static STEPS: [WheelStep; 64] = wheel_steps();

const fn wheel_steps() -> [WheelStep; 64] {
    let mut steps = [WheelStep { gap: 0, carry: 0 }; 64];
    let mut class = 0;
    while class < 8 {
        let c = RESIDUES[class];
        let mut position = 0;
        while position < 8 {
            let r = RESIDUES[position];
            let gap = GAPS[position];
            steps[class * 8 + position] = WheelStep {
                gap: gap as u8,
                carry: ((c * (r + gap)) / 30 - (c * r) / 30) as u8,
            };
            position += 1;
        }
        class += 1;
    }
    steps
}

/// A sieving prime whose multiples come often: with p = 30a + c, the multiples p·q for
/// the eight q of one turn of the wheel (30t + 1 to 30t + 29) lie at bytes p·t plus
/// a·r + ⌊c·r/30⌋ for each residue r, with masks that depend on c alone. So a whole turn
/// is eight masked stores at fixed distances, compiled once per class c.
pub struct CyclePrime {
    /// The current turn's base (p·t), in bytes from the current segment's start; it may
    /// lie before the start, by less than a turn.
    base: i64,
    prime: u32,
    /// The bit of p on the wheel: which of the eight classes c.
    class: u8,
    /// How many of the current turn's multiples are crossed already.
    done: u8,
}

/// ⌊c·r/30⌋ and the mask of c·r, for each class c and residue r.
static TURN_CARRIES: [[u8; 8]; 8] = turn_table(false);
static TURN_MASKS: [[u8; 8]; 8] = turn_table(true);

const fn turn_table(masks: bool) -> [[u8; 8]; 8] {
    let mut table = [[0; 8]; 8];
    let mut class = 0;
    while class < 8 {
        let mut position = 0;
        while position < 8 {
            let product = RESIDUES[class] * RESIDUES[position];
            table[class][position] = if masks {
                match bit_of(product) {
                    Some(bit) => !(1u8 << bit),
                    None => panic!("a product of residues is a residue"),
                }
            } else {
                (product / 30) as u8
            };
            position += 1;
        }
        class += 1;
    }
    table
}

impl CyclePrime {
    /// Set to cross the multiples p·q with q >= p and p·q >= `from`, counted from byte
    /// `segment_start`; `from` must not be below `30 * segment_start`.
    pub fn new(prime: u64, from: u64, segment_start: u64) -> Self {
        let first_q = prime.max(from.div_ceil(prime));
        let turn = first_q / 30;
        let done = RESIDUES
            .iter()
            .take_while(|&&residue| 30 * turn + residue < first_q)
            .count();
        Self {
            base: (prime * turn) as i64 - segment_start as i64,
            prime: u32::try_from(prime).expect("cycle primes are below 2^32"),
            class: bit_of(prime).expect("sieving primes are above 5") as u8,
            done: done as u8,
        }
    }

    /// Which of the eight loops crosses this prime's whole turns. Primes crossed in order
    /// of their class make the choice of loop predictable; in the order of the primes, a
    /// mispredicted jump per prime and segment cost the medium primes a quarter of
    /// their time.
    pub fn class(&self) -> u8 {
        self.class
    }

    /// Crosses this prime's multiples in `segment[..end]`.
    #[inline]
    pub fn cross(&mut self, segment: &mut [u8], end: usize) {
        let segment = &mut segment[..end];
        let class = usize::from(self.class);
        let offsets = turn_offsets(self.prime, class);
        let masks = &TURN_MASKS[class];
        let mut done = usize::from(self.done);
        if done > 0 {
            done = cross_turn_until(segment, self.base, &offsets, masks, done);
            if done < 8 {
                self.done = done as u8;
                return;
            }
            self.base += i64::from(self.prime);
        }
        self.base = match class {
            0 => cross_whole_turns::<0>(segment, self.base, self.prime),
            1 => cross_whole_turns::<1>(segment, self.base, self.prime),
            2 => cross_whole_turns::<2>(segment, self.base, self.prime),
            3 => cross_whole_turns::<3>(segment, self.base, self.prime),
            4 => cross_whole_turns::<4>(segment, self.base, self.prime),
            5 => cross_whole_turns::<5>(segment, self.base, self.prime),
            6 => cross_whole_turns::<6>(segment, self.base, self.prime),
            _ => cross_whole_turns::<7>(segment, self.base, self.prime),
        };
        self.done = cross_turn_until(segment, self.base, &offsets, masks, 0) as u8;
    }

    /// Moves the base from one segment to the next, `length` bytes on.
    pub fn rebase(&mut self, length: usize) {
        self.base -= length as i64;
    }
}

/// Where a turn's eight multiples lie from its base, ascending (p >= 30 keeps them
/// at least two bytes apart).
#[inline]
fn turn_offsets(prime: u32, class: usize) -> [i64; 8] {
    let quotient = i64::from(prime / 30);
    std::array::from_fn(|position| {
        quotient * RESIDUES[position] as i64 + i64::from(TURN_CARRIES[class][position])
    })
}

/// Crosses the turn at `base` from its multiple `done` on, while they lie in `segment`;
/// returns how many of the turn's multiples are crossed then.
#[inline]
fn cross_turn_until(
    segment: &mut [u8],
    base: i64,
    offsets: &[i64; 8],
    masks: &[u8; 8],
    mut done: usize,
) -> usize {
    while done < 8 {
        let at = base + offsets[done];
        if at >= segment.len() as i64 {
            break;
        }
        segment[at as usize] &= masks[done];
        done += 1;
    }
    done
}

/// Crosses every whole turn, from the one at `base`, that lies inside `segment`; returns
/// the base of the first turn that does not. The turn at `base` must begin inside
/// `segment` (its first multiple at or after the start).
#[inline(always)]
fn cross_whole_turns<const CLASS: usize>(segment: &mut [u8], mut base: i64, prime: u32) -> i64 {
    let offsets = turn_offsets(prime, CLASS);
    let masks = TURN_MASKS[CLASS];
    let length = segment.len() as i64;
    debug_assert!(base + offsets[0] >= 0 && offsets.is_sorted());
    while base + offsets[7] < length {
        for (offset, mask) in offsets.into_iter().zip(masks) {
            // SAFETY: offsets ascend, so base + offsets[0] >= 0 (the turn begins inside)
            // and base + offsets[7] < length (checked above) bound every index; this is
            // the sieve's innermost loop, where a bounds check per store is measurably
            // slower (docs/benchmarks.md, "Tuned constants").
            unsafe { *segment.get_unchecked_mut((base + offset) as usize) &= mask };
        }
        base += i64::from(prime);
    }
    base
}

/// A sieving prime for large strides: it walks its multiples in order along the wheel,
/// so a segment costs it one check even when none of its multiples falls inside.
pub struct WalkPrime {
    /// Byte offset of the next multiple from the current segment's start.
    next: u64,
    quotient: u32,
    /// (bit of p) · 8 + position of the next multiple's q on the wheel.
    step: u8,
}

impl WalkPrime {
    /// As [`CyclePrime::new`].
    pub fn new(prime: u64, from: u64, segment_start: u64) -> Self {
        let mut q = prime.max(from.div_ceil(prime));
        while bit_of(q).is_none() {
            q += 1;
        }
        let class = bit_of(prime).expect("sieving primes are above 5");
        let position = bit_of(q).expect("q was moved onto the wheel");
        Self {
            next: (prime * q) / 30 - segment_start,
            quotient: u32::try_from(prime / 30).expect("sieving primes are below 2^32"),
            step: (class * 8 + position) as u8,
        }
    }

    /// Crosses this prime's multiples in `segment`, then counts its offset from the end
    /// of `segment`, where the next segment starts.
    #[inline]
    pub fn cross_and_rebase(&mut self, segment: &mut [u8]) {
        let length = segment.len() as u64;
        let quotient = u64::from(self.quotient);
        let mut next = self.next;
        let mut step = usize::from(self.step);
        while next < length {
            let WheelStep { gap, carry } = STEPS[step];
            segment[next as usize] &= TURN_MASKS[step >> 3][step & 7];
            next += quotient * u64::from(gap) + u64::from(carry);
            step = (step & !7) | ((step + 1) & 7);
        }
        self.next = next - length;
        self.step = step as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every multiple p·q (q >= p, q coprime to 30) crossed below `limit`, via `cross`.
    fn crossed(limit: u64, mut cross: impl FnMut(&mut [u8])) -> Vec<u64> {
        let mut segment = vec![0xff; limit.div_ceil(30) as usize];
        cross(&mut segment);
        (0..limit)
            .filter(|&n| bit_of(n).is_some_and(|bit| segment[(n / 30) as usize] & (1 << bit) == 0))
            .collect()
    }

    fn expected(prime: u64, from: u64, limit: u64) -> Vec<u64> {
        (prime.max(from.div_ceil(prime))..)
            .map(|q| prime * q)
            .take_while(|&m| m < limit)
            .filter(|&m| m >= from && bit_of(m).is_some())
            .collect()
    }

    #[test]
    fn both_kinds_cross_exactly_the_multiples_from_the_square_on() {
        for prime in [7, 11, 13, 31, 37, 59, 61, 89, 97, 101, 113] {
            for from in [0, 3000, 30 * 400] {
                let limit = 60_000;
                let start = from / 30;
                let expect = expected(prime, from, limit);
                let cycles = crossed(limit, |segment| {
                    let segment = &mut segment[start as usize..];
                    let length = segment.len();
                    CyclePrime::new(prime, from, start).cross(segment, length);
                });
                let walks = crossed(limit, |segment| {
                    WalkPrime::new(prime, from, start)
                        .cross_and_rebase(&mut segment[start as usize..]);
                });
                let in_range =
                    |found: Vec<u64>| found.into_iter().filter(|&m| m >= from).collect::<Vec<_>>();
                assert_eq!(in_range(cycles), expect, "turns of {prime} from {from}");
                assert_eq!(in_range(walks), expect, "walk of {prime} from {from}");
            }
        }
    }
}
