//! A spectrum prepared for fast lookups: finite peaks sorted by m/z, an
//! integer-m/z bucket index, the base-peak intensity.

use super::RuleInput;

/// Peaks above this m/z are ignored (keeps the bucket index bounded).
const MAX_MZ: f64 = 5000.0;

/// A peak the rules can use: finite, positive, below `MAX_MZ`. The bit
/// patterns of positive doubles order as their values do, and every other
/// value (negative, zero, NaN, infinite) lies outside the two unsigned ranges:
/// two integer compares, no branch (float compares, `is_finite` and `&&`
/// cost several times as much on the copy loop).
fn usable(x: f64, y: f64) -> bool {
    (x.to_bits().wrapping_sub(1) < MAX_MZ.to_bits() - 1)
        & (y.to_bits().wrapping_sub(1) < f64::INFINITY.to_bits() - 1)
}

/// 2⁵² + 2⁵¹: adding and subtracting it rounds an `f64` of magnitude below
/// 2⁵¹ to the nearest integer (ties to even) with two additions — no
/// library call (`round`, `floor` without SSE4.1) and no saturating
/// float-to-integer conversion, both slow on baseline x86-64.
const ROUNDER: f64 = 6_755_399_441_055_744.0;

/// One branch-free pass: (every peak usable and in m/z order, base-peak
/// intensity, every m/z an integer). The base peak by a select, not
/// `f64::max` (which handles NaN with more instructions on the loop's
/// chain); integer m/z by rounding with `ROUNDER`. The values are only
/// meaningful when the peaks are usable.
fn scan(peaks: &[(f64, f64)]) -> (bool, f64, bool) {
    let (mut clean, mut prev) = (true, 0.0f64);
    let (mut base, mut all_integer) = (0.0f64, true);
    for &(x, y) in peaks {
        clean &= usable(x, y) & (x >= prev);
        prev = x;
        base = if y > base { y } else { base };
        all_integer &= (x - ((x + ROUNDER) - ROUNDER)).abs() < 1e-6;
    }
    (clean, base, all_integer)
}

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
        // Real spectra are almost always clean and sorted: one pass over the
        // copy says whether they are and summarises them; only a spectrum
        // with a peak to drop or out of order is filtered, sorted and
        // summarised again.
        let mut peaks: Vec<(f64, f64)> = Vec::with_capacity(input.peaks.len());
        peaks.extend(input.peaks.iter().map(|p| (p.x, p.intensity)));
        let (mut clean, mut base, mut all_integer) = scan(&peaks);
        if !clean {
            peaks.retain(|&(x, y)| usable(x, y));
            peaks.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            (clean, base, all_integer) = scan(&peaks);
            debug_assert!(clean);
        }
        // starts[k] = #peaks with m/z < k = #peaks with ⌊m/z⌋ < k (k is an
        // integer): a histogram of ⌊m/z⌋ shifted by one, then its prefix
        // sums. Branch-free, unlike filling the run of each peak (a short,
        // unpredictable loop per peak).
        let top = peaks.last().map_or(0, |p| p.0 as usize + 2);
        let mut starts = vec![0u32; top + 1];
        for p in &peaks {
            // m/z in (0, MAX_MZ): an `i32` conversion truncates it to ⌊m/z⌋
            // (cheaper than a `usize` one, which must handle 2⁶³ and up).
            starts[p.0 as i32 as usize + 1] += 1;
        }
        let mut sum = 0u32;
        for s in &mut starts {
            sum += *s;
            *s = sum;
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
        // lo < MAX_MZ here: an `i32` conversion (cheaper than a `usize` one)
        // truncates it; a negative lo starts at 0.
        let k = (lo.max(0.0) as i32 as usize).min(self.starts.len().saturating_sub(1));
        let (mut best, mut best_y) = (None, f64::NEG_INFINITY);
        let from = self.starts.get(k).copied().unwrap_or(0) as usize;
        for (i, &(x, y)) in self.peaks.iter().enumerate().skip(from) {
            if x > hi {
                break;
            }
            // Cheap tests first, joined without branches: in a wide m/z range
            // most peaks are weaker than the best so far, and `taken` is a
            // call. A taken peak is never chosen, however intense (peaks are
            // used once); of equals, the first is kept.
            if (x >= lo) & (y >= min) & (y > best_y) && !taken(i) {
                (best, best_y) = (Some(i), y);
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

    /// `usable` is the plain definition, on the values at each of its edges.
    #[test]
    fn usable_is_finite_positive_and_below_the_limit() {
        let xs = [
            -1.0,
            -0.0,
            0.0,
            f64::MIN_POSITIVE / 2.0,
            1e-300,
            1.0,
            4999.999,
            5000.0,
            5000.001,
            1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for &x in &xs {
            for &y in &xs {
                let plain =
                    x.is_finite() && y.is_finite() && x > 0.0 && x < super::MAX_MZ && y > 0.0;
                assert_eq!(super::usable(x, y), plain, "x = {x}, y = {y}");
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
        // Of equally intense peaks the first is chosen, the next if it is taken.
        let even = [(300.0, 80.0), (310.0, 80.0), (320.0, 80.0)]
            .map(|(x, intensity)| Peak { x, intensity });
        let s = Prepared::new(&RuleInput {
            peaks: &even,
            ..input
        });
        assert_eq!(s.best_in(299.5, 600.5, 0.0, &|_| false), Some(0));
        assert_eq!(s.best_in(299.5, 600.5, 0.0, &|i| i == 0), Some(1));
    }
}
