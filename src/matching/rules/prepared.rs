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
        let mut peaks: Vec<(f64, f64)> = input
            .peaks
            .iter()
            .filter(|p| {
                p.x.is_finite()
                    && p.intensity.is_finite()
                    && p.x > 0.0
                    && p.x < MAX_MZ
                    && p.intensity > 0.0
            })
            .map(|p| (p.x, p.intensity))
            .collect();
        peaks.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let base = peaks.iter().fold(0.0f64, |m, p| m.max(p.1));
        let all_integer = peaks.iter().all(|p| (p.0 - p.0.round()).abs() < 1e-6);
        let top = peaks.last().map_or(0, |p| p.0 as usize + 2);
        let mut starts = vec![0u32; top + 1];
        let mut i = 0usize;
        for (k, slot) in starts.iter_mut().enumerate() {
            while i < peaks.len() && peaks[i].0 < k as f64 {
                i += 1;
            }
            *slot = i as u32;
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
            if x >= lo && y >= min && !taken(i) && best.is_none()
                || best.is_some_and(|b| self.peaks[b].1 < y)
            {
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
