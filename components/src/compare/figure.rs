//! A figure measured many times: its median, its spread and how many samples it rests
//! on. Percentiles are nearest-rank, as the job's history takes them.

use serde::Serialize;

/// The fewest samples on each side that a comparison of two figures rests on.
const FEWEST_TO_TELL: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Figure {
    pub median: f64,
    pub p5: f64,
    pub p95: f64,
    pub p99: f64,
    pub min: f64,
    pub max: f64,
    pub samples: usize,
}

impl Figure {
    /// None when there is nothing to rest on.
    pub fn of(values: &[f64]) -> Option<Self> {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let rank = |fraction: f64| {
            let index = ((sorted.len() as f64 * fraction).ceil() as usize).max(1) - 1;
            sorted[index]
        };
        let median = match sorted.len() {
            0 => return None,
            length if length % 2 == 1 => sorted[length / 2],
            length => (sorted[length / 2 - 1] + sorted[length / 2]) / 2.0,
        };
        Some(Self {
            median,
            p5: rank(0.05),
            p95: rank(0.95),
            p99: rank(0.99),
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            samples: sorted.len(),
        })
    }

    /// Lower than `other` beyond both spreads: even this one's slow samples (p95) beat
    /// the other's fast ones (p5), and each rests on enough samples that this is no
    /// chance (with three, two equal backends would part so one time in ten). Anything
    /// less, the samples cannot tell them apart.
    pub fn clearly_below(&self, other: &Figure) -> bool {
        self.samples >= FEWEST_TO_TELL && other.samples >= FEWEST_TO_TELL && self.p95 < other.p5
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_to_rest_on_is_no_figure() {
        assert_eq!(Figure::of(&[]), None);
    }

    #[test]
    fn one_sample_is_every_percentile() {
        let figure = Figure::of(&[3.0]).unwrap();
        assert_eq!(
            (
                figure.median,
                figure.p5,
                figure.p95,
                figure.p99,
                figure.samples
            ),
            (3.0, 3.0, 3.0, 3.0, 1)
        );
    }

    #[test]
    fn an_even_count_s_median_is_the_mean_of_the_middle_two() {
        assert_eq!(Figure::of(&[4.0, 1.0, 3.0, 2.0]).unwrap().median, 2.5);
    }

    #[test]
    fn percentiles_are_nearest_rank_whatever_the_order() {
        let values: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        let figure = Figure::of(&values).unwrap();
        assert_eq!(
            (figure.p5, figure.p95, figure.p99, figure.min, figure.max),
            (5.0, 95.0, 99.0, 1.0, 100.0)
        );
        assert_eq!(figure.samples, 100);
    }

    #[test]
    fn too_few_samples_tell_nothing_apart() {
        let fast = Figure::of(&[1.0, 1.1, 1.2]).unwrap();
        let slow = Figure::of(&[2.0, 2.1, 2.2]).unwrap();
        assert!(!fast.clearly_below(&slow));
    }

    #[test]
    fn spreads_that_overlap_tell_nothing_apart() {
        let fast = Figure::of(&[1.0, 1.1, 1.2, 1.3, 1.4]).unwrap();
        let slow = Figure::of(&[2.0, 2.1, 2.2, 2.3, 2.4]).unwrap();
        let wide = Figure::of(&[0.5, 1.5, 2.5, 3.5, 4.5]).unwrap();
        assert!(fast.clearly_below(&slow));
        assert!(!slow.clearly_below(&fast));
        assert!(!fast.clearly_below(&wide));
        assert!(!wide.clearly_below(&slow));
    }
}
