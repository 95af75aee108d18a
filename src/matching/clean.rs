//! Spectrum preprocessing, identical to ms_entropy's `clean_spectrum` (1.5.x)
//! with the Flash entropy search defaults, plus NIST-style nominal-mass
//! handling for EI.
//!
//! Steps (ms_entropy order, all arithmetic in `f32` as numpy does it on the
//! `float32` peak array): drop peaks with m/z ≤ 0 or intensity ≤ 0; keep
//! `min_mz ≤ m/z ≤ max_mz` (Flash sets `max_mz = precursor − 1.6`; a bound ≤ 0
//! is ignored); centroid by merging peaks within the merge tolerance into the
//! most intense one (intensity-weighted m/z, summed intensity), repeated until
//! no two peaks are closer; drop peaks under `noise_threshold` × base peak;
//! keep the `max_peak_num` most intense; normalise intensities to sum 1.
//!
//! Known, deliberate differences: non-finite values are dropped (numpy keeps
//! `inf`, which then poisons every sum); among peaks of exactly equal intensity
//! the merge order follows a stable sort, where numpy's SIMD quicksort order is
//! unspecified for long arrays.

use super::spectrum::{CleanSpectrum, MsPeak};

mod numpy_sum;
use numpy_sum::pairwise_sum;

/// Preprocessing parameters; [`Default`] is ms_entropy's Flash search default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CleanParams {
    /// Lowest m/z kept (inclusive); `None` keeps all.
    pub min_mz: Option<f64>,
    /// Remove peaks at m/z > precursor − this (Flash: 1.6); `None` keeps them.
    pub precursor_margin: Option<f64>,
    /// Drop peaks under this fraction of the base peak (ms_entropy: 0.01).
    pub noise_threshold: f64,
    /// Merge peaks within this many Th (Flash: 0.05; `calculate_entropy_similarity`
    /// uses 2 × its match tolerance, 0.04).
    pub merge_da: f64,
    /// Merge peaks within this many ppm instead of `merge_da`, when set.
    pub merge_ppm: Option<f64>,
    /// Keep at most this many peaks (most intense); `None` keeps all.
    pub max_peaks: Option<usize>,
    /// Normalise intensities to sum 1.
    pub normalize: bool,
}

impl Default for CleanParams {
    fn default() -> Self {
        CleanParams {
            min_mz: None,
            precursor_margin: Some(1.6),
            noise_threshold: 0.01,
            merge_da: 0.05,
            merge_ppm: None,
            max_peaks: None,
            normalize: true,
        }
    }
}

/// Clean an MS/MS spectrum given as `(m/z, intensity)` pairs in any order.
pub fn clean_ms2(
    peaks: impl IntoIterator<Item = (f64, f64)>,
    precursor_mz: Option<f64>,
    params: &CleanParams,
) -> CleanSpectrum {
    // numpy compares the float32 column with a Python float cast to float32 (NEP 50).
    let lo = params.min_mz.filter(|&m| m > 0.0).map(|m| m as f32);
    let hi = match (precursor_mz, params.precursor_margin) {
        (Some(p), Some(m)) if p - m > 0.0 => Some((p - m) as f32),
        _ => None,
    };
    let mut kept: Vec<MsPeak> = peaks
        .into_iter()
        .map(|(mz, i)| MsPeak {
            mz: mz as f32,
            intensity: i as f32,
        })
        .filter(|p| p.mz > 0.0 && p.intensity > 0.0)
        .filter(|p| p.mz.is_finite() && p.intensity.is_finite())
        .filter(|p| lo.is_none_or(|lo| p.mz >= lo) && hi.is_none_or(|hi| p.mz <= hi))
        .collect();
    if kept.is_empty() {
        return CleanSpectrum {
            precursor_mz,
            peaks: kept,
        };
    }
    let window = Window::new(params);
    kept.sort_by(|a, b| a.mz.total_cmp(&b.mz));
    while !window.is_centroided(&kept) {
        let before = kept.len();
        kept = window.centroid_once(kept);
        // Rounding at a ppm window edge could stall the loop; stop, never hang.
        if kept.len() == before {
            break;
        }
    }
    let base = kept.iter().map(|p| p.intensity).fold(0.0f32, f32::max);
    let floor = params.noise_threshold as f32 * base;
    kept.retain(|p| p.intensity >= floor);
    if let Some(n) = params.max_peaks.filter(|&n| n > 0) {
        if kept.len() > n {
            // argsort ascending, keep the last n (ties: the later peaks win).
            kept.sort_by(|a, b| a.intensity.total_cmp(&b.intensity));
            kept.drain(..kept.len() - n);
            kept.sort_by(|a, b| a.mz.total_cmp(&b.mz));
        }
    }
    if params.normalize {
        let intensities: Vec<f32> = kept.iter().map(|p| p.intensity).collect();
        let sum = pairwise_sum(&intensities);
        if sum > 0.0 {
            kept.iter_mut().for_each(|p| p.intensity /= sum);
        } else {
            kept.clear();
        }
    }
    CleanSpectrum {
        precursor_mz,
        peaks: kept,
    }
}

/// The merge window, in `f32` as ms_entropy computes it.
struct Window {
    da: f32,
    ppm: Option<f32>,
    /// `1 − ppm·1e-6`, computed in `f64` then used against `f32` (Python float).
    ppm_right_divisor: f32,
}

impl Window {
    fn new(params: &CleanParams) -> Self {
        let ppm = params.merge_ppm.filter(|&p| p > 0.0);
        Window {
            da: params.merge_da as f32,
            ppm: ppm.map(|p| p as f32),
            ppm_right_divisor: ppm.map_or(1.0, |p| (1.0 - p * 1e-6) as f32),
        }
    }

    /// Allowed distance to the left and right of a peak at `mz`.
    fn widths(&self, mz: f32) -> (f32, f32) {
        match self.ppm {
            Some(ppm) => (mz * ppm * 1e-6, mz / self.ppm_right_divisor - mz),
            None => (self.da, self.da),
        }
    }

    fn is_centroided(&self, sorted: &[MsPeak]) -> bool {
        sorted.windows(2).all(|w| {
            let gap = w[1].mz - w[0].mz;
            match self.ppm {
                Some(ppm) => gap >= w[1].mz * ppm * 1e-6,
                None => gap >= self.da,
            }
        })
    }

    /// One pass: each peak, most intense first, absorbs its unabsorbed
    /// neighbours within the window (ms_entropy's `_centroid_spectrum`).
    fn centroid_once(&self, mut sorted: Vec<MsPeak>) -> Vec<MsPeak> {
        let mut order: Vec<usize> = (0..sorted.len()).collect();
        // numpy: argsort ascending, iterated in reverse (ties: later index first).
        order.sort_by(|&a, &b| sorted[a].intensity.total_cmp(&sorted[b].intensity));
        let mut merged = Vec::with_capacity(sorted.len());
        let (mut int_buf, mut prod_buf) = (Vec::new(), Vec::new());
        for &i in order.iter().rev() {
            if sorted[i].intensity <= 0.0 {
                continue;
            }
            let (left, right) = self.widths(sorted[i].mz);
            let mut lo = i;
            while lo > 0 && sorted[i].mz - sorted[lo - 1].mz <= left {
                lo -= 1;
            }
            let mut hi = i + 1;
            while hi < sorted.len() && sorted[hi].mz - sorted[i].mz <= right {
                hi += 1;
            }
            int_buf.clear();
            prod_buf.clear();
            for p in &sorted[lo..hi] {
                int_buf.push(p.intensity);
                prod_buf.push(p.intensity * p.mz);
            }
            let sum = pairwise_sum(&int_buf);
            merged.push(MsPeak {
                mz: pairwise_sum(&prod_buf) / sum,
                intensity: sum,
            });
            sorted[lo..hi].iter_mut().for_each(|p| p.intensity = 0.0);
        }
        merged.sort_by(|a, b| a.mz.total_cmp(&b.mz));
        merged
    }
}

/// EI nominal-mass spectrum as NIST handles it: m/z → ⌊m/z + 0.5⌋, keeping the
/// most intense of peaks that land on the same nominal mass. Sorted by mass.
/// Peaks with m/z ≤ 0, intensity ≤ 0 or non-finite values are dropped.
pub fn nominal_ei(peaks: impl IntoIterator<Item = (f64, f64)>) -> Vec<(u32, f64)> {
    let mut out: Vec<(u32, f64)> = peaks
        .into_iter()
        .filter(|&(mz, i)| mz > 0.0 && i > 0.0 && mz.is_finite() && i.is_finite())
        .filter(|&(mz, _)| mz + 0.5 < u32::MAX as f64)
        .map(|(mz, i)| ((mz + 0.5).floor() as u32, i))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    out.dedup_by_key(|p| p.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nominal_rounds_half_up_and_keeps_the_largest_duplicate() {
        let n = nominal_ei([(57.49, 5.0), (56.6, 9.0), (43.5, 1.0), (0.0, 3.0)]);
        assert_eq!(n, vec![(44, 1.0), (57, 9.0)]);
    }

    #[test]
    fn precursor_bound_is_inclusive_in_f32() {
        let p = CleanParams::default();
        let s = clean_ms2([(100.0, 1.0), (198.4, 1.0), (198.5, 1.0)], Some(200.0), &p);
        let mz: Vec<f32> = s.peaks.iter().map(|p| p.mz).collect();
        assert_eq!(mz, vec![100.0, 198.4]);
    }

    #[test]
    fn all_zero_leaves_an_empty_spectrum() {
        let s = clean_ms2([(100.0, 0.0), (-1.0, 5.0)], None, &CleanParams::default());
        assert!(s.peaks.is_empty());
    }
}
