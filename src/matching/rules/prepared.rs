//! A spectrum prepared for fast lookups: finite peaks sorted by m/z, an
//! integer-m/z bucket index, the base-peak intensity.

use super::RuleInput;

/// Peaks above this m/z are ignored (keeps the bucket index bounded).
const MAX_MZ: f64 = 5000.0;

/// A spectrum ready for lookups: finite peaks sorted by m/z with an integer
/// bucket index.
pub(crate) struct Prepared {
    pub(crate) peaks: Vec<(f64, f64)>,
    /// `starts[k]` = first peak with m/z ≥ k.
    starts: Vec<u32>,
    pub(crate) base: f64,
    pub(crate) all_integer: bool,
}

impl Prepared {
    pub(crate) fn new(input: &RuleInput<'_>) -> Self {
        // Sized once (a filtered iterator's collect grows step by step).
        let mut peaks: Vec<(f64, f64)> = Vec::with_capacity(input.peaks.len());
        peaks.extend(
            input
                .peaks
                .iter()
                .filter(|p| {
                    p.x.is_finite()
                        && p.intensity.is_finite()
                        && p.x > 0.0
                        && p.x < MAX_MZ
                        && p.intensity > 0.0
                })
                .map(|p| (p.x, p.intensity)),
        );
        if !peaks.is_sorted_by(|a, b| a.0 <= b.0) {
            peaks.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        }
        // One pass for both, without a branch per peak. m/z is in
        // (0, MAX_MZ): the nearest integer by a truncating conversion (an
        // instruction; `round` is a library call here).
        let (mut base, mut all_integer) = (0.0f64, true);
        for p in &peaks {
            base = base.max(p.1);
            all_integer &= (p.0 - (p.0 + 0.5) as u32 as f64).abs() < 1e-6;
        }
        let top = peaks.last().map_or(0, |p| p.0 as usize + 2);
        // Peak i is the first with m/z ≥ k for every integer k in
        // (m/z of peak i−1, m/z of peak i]: one fill per peak.
        let mut starts = vec![peaks.len() as u32; top + 1];
        let mut k = 0usize;
        for (i, p) in peaks.iter().enumerate() {
            let end = (p.0 as u32 as usize + 1).min(starts.len());
            if end > k {
                starts[k..end].fill(i as u32);
                k = end;
            }
        }
        Self {
            peaks,
            starts,
            base,
            all_integer,
        }
    }

    /// Index of the most intense untaken peak in [lo, hi] with intensity ≥ min.
    pub(crate) fn best_in(
        &self,
        lo: f64,
        hi: f64,
        min: f64,
        taken: &dyn Fn(usize) -> bool,
    ) -> Option<usize> {
        if hi.is_nan() || hi < 0.0 || lo >= MAX_MZ {
            return None;
        }
        let k = (lo.max(0.0) as usize).min(self.starts.len().saturating_sub(1));
        let mut best: Option<usize> = None;
        for i in self.starts.get(k).copied().unwrap_or(0) as usize..self.peaks.len() {
            let (x, y) = self.peaks[i];
            if x > hi {
                break;
            }
            // Cheap tests first: in a wide m/z range most peaks are weaker
            // than the best so far, and `taken` is a call. A taken peak is
            // never chosen, however intense (peaks are used once).
            if x >= lo && y >= min && best.is_none_or(|b| self.peaks[b].1 < y) && !taken(i) {
                best = Some(i);
            }
        }
        best
    }

    pub(crate) fn most_intense_in(&self, lo: f64, hi: f64, min_rel: f64) -> Option<f64> {
        self.best_in(lo, hi, self.base * min_rel / 100.0, &|_| false)
            .map(|i| self.peaks[i].0)
    }

    /// Whether a peak's 1-based intensity rank is worse than `max_rank`.
    pub(crate) fn rank_exceeds(&self, idx: usize, max_rank: usize) -> bool {
        let y = self.peaks[idx].1;
        if y >= self.base {
            return false; // the base peak
        }
        max_rank <= 1
            || self
                .peaks
                .iter()
                .filter(|p| p.1 > y)
                .nth(max_rank - 1)
                .is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{IonisationHint, RuleInput};
    use super::Prepared;
    use synthwatch_parsers::spectrum::Peak;

    /// `starts[k]` is the first peak with m/z ≥ k, for every k (checked
    /// against that definition on integer, fractional and clustered m/z).
    #[test]
    fn starts_index_the_first_peak_at_or_above_each_integer() {
        let sets: [&[f64]; 4] = [
            &[41.0, 43.0, 57.0, 57.0, 91.0, 105.0, 146.0, 189.0, 245.0],
            &[0.5, 1.0, 1.2, 1.9999, 2.0, 7.25, 7.75, 12.0],
            &[100.1121, 100.9, 101.0, 101.0001, 250.5],
            &[4999.9],
        ];
        for xs in sets {
            let peaks: Vec<Peak> = xs.iter().map(|&x| Peak { x, intensity: 1.0 }).collect();
            let s = Prepared::new(&RuleInput::new(&peaks, None));
            for (k, &st) in s.starts.iter().enumerate() {
                let want = s
                    .peaks
                    .iter()
                    .position(|p| p.0 >= k as f64)
                    .unwrap_or(s.peaks.len());
                assert_eq!(st as usize, want, "{xs:?}: k = {k}");
            }
        }
    }

    /// The most intense peak of a range that no group has taken: a taken
    /// peak is skipped even when it is the most intense (peaks count once).
    #[test]
    fn best_in_never_returns_a_taken_peak() {
        let peaks = [(300.0, 50.0), (310.0, 100.0), (320.0, 70.0), (700.0, 90.0)]
            .map(|(x, intensity)| Peak { x, intensity });
        let input = RuleInput {
            peaks: &peaks,
            precursor_mz: None,
            ionisation: IonisationHint::Ei,
            negative_mode: false,
            wide_tolerance: false,
        };
        let s = Prepared::new(&input);
        assert_eq!(s.best_in(299.5, 600.5, 0.0, &|_| false), Some(1));
        assert_eq!(s.best_in(299.5, 600.5, 0.0, &|i| i == 1), Some(2));
        assert_eq!(s.best_in(299.5, 600.5, 0.0, &|i| i >= 1), Some(0));
        assert_eq!(s.best_in(299.5, 600.5, 60.0, &|i| i == 1), Some(2));
        assert_eq!(s.best_in(299.5, 600.5, 0.0, &|i| i < 3), None);
    }
}
