//! The seed's job: produce 0, 1, 2, ... one number per step.

/// An increasing counter that remembers the last number it produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counter {
    next: u64,
    last: Option<u64>,
}

impl Counter {
    /// A counter whose next number is `next` (to continue a count elsewhere).
    pub fn starting_at(next: u64) -> Self {
        Self {
            next,
            last: next.checked_sub(1),
        }
    }

    /// Produces the next number. Saturates at `u64::MAX`, centuries away at any speed.
    pub fn step(&mut self) -> u64 {
        let number = self.next;
        self.next = self.next.saturating_add(1);
        self.last = Some(number);
        number
    }

    /// The last number produced, `None` before the first step.
    pub fn last(&self) -> Option<u64> {
        self.last
    }

    /// How many numbers this count holds so far.
    pub fn produced(&self) -> u64 {
        self.next
    }

    /// Back to the start: the next number is 0.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_up_from_zero() {
        let mut counter = Counter::default();
        let numbers: Vec<u64> = (0..4).map(|_| counter.step()).collect();
        assert_eq!(numbers, [0, 1, 2, 3]);
        assert_eq!(counter.last(), Some(3));
        assert_eq!(counter.produced(), 4);
    }

    #[test]
    fn knows_no_last_number_before_the_first_step() {
        assert_eq!(Counter::default().last(), None);
    }

    #[test]
    fn continues_a_count_from_where_it_was() {
        let mut counter = Counter::starting_at(10);
        assert_eq!(counter.last(), Some(9));
        assert_eq!(counter.step(), 10);
    }

    #[test]
    fn reset_starts_again_at_zero() {
        let mut counter = Counter::starting_at(5);
        counter.reset();
        assert_eq!(counter.last(), None);
        assert_eq!(counter.step(), 0);
    }

    #[test]
    fn saturates_instead_of_overflowing() {
        let mut counter = Counter::starting_at(u64::MAX);
        assert_eq!(counter.step(), u64::MAX);
        assert_eq!(counter.step(), u64::MAX);
    }
}
