//! Spectrum preprocessing, identical to ms_entropy's `clean_spectrum` with the
//! Flash entropy search defaults, plus NIST-style nominal-mass handling for EI.
//!
//! Steps (ms_entropy order): drop peaks with m/z ≤ 0 or intensity ≤ 0; drop
//! peaks outside `[min_mz, max_mz)` (Flash sets `max_mz = precursor − 1.6`);
//! centroid by merging peaks closer than the merge tolerance into the most
//! intense one (intensity-weighted m/z, summed intensity), repeated until no two
//! peaks are that close; drop peaks under `noise_threshold` × base peak; keep the
//! `max_peak_num` most intense; normalise intensities to sum 1.

use super::spectrum::{CleanSpectrum, MsPeak};

/// Preprocessing parameters; [`Default`] is ms_entropy's Flash search default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CleanParams {
    /// Lowest m/z kept (inclusive); `None` keeps all.
    pub min_mz: Option<f64>,
    /// Remove peaks at m/z ≥ precursor − this (Flash: 1.6); `None` keeps them.
    pub precursor_margin: Option<f64>,
    /// Drop peaks under this fraction of the base peak (ms_entropy: 0.01).
    pub noise_threshold: f64,
    /// Merge peaks closer than this many Th (ms_entropy: 0.05).
    pub merge_da: f64,
    /// Merge peaks closer than this many ppm instead of `merge_da`, when set.
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
    let max_mz = match (precursor_mz, params.precursor_margin) {
        (Some(p), Some(m)) => Some(p - m),
        _ => None,
    };
    let mut kept: Vec<MsPeak> = peaks
        .into_iter()
        .filter(|&(mz, i)| mz > 0.0 && i > 0.0 && mz.is_finite() && i.is_finite())
        .filter(|&(mz, _)| params.min_mz.is_none_or(|lo| mz >= lo))
        .filter(|&(mz, _)| max_mz.is_none_or(|hi| mz < hi))
        .map(|(mz, i)| MsPeak {
            mz: mz as f32,
            intensity: i as f32,
        })
        .collect();
    kept.sort_by(|a, b| a.mz.total_cmp(&b.mz));
    while !is_centroided(&kept, params) {
        kept = centroid_once(&kept, params);
    }
    let base = kept.iter().map(|p| p.intensity).fold(0.0f32, f32::max);
    let floor = (params.noise_threshold * base as f64) as f32;
    kept.retain(|p| p.intensity >= floor);
    if let Some(n) = params.max_peaks {
        if kept.len() > n {
            kept.sort_by(|a, b| b.intensity.total_cmp(&a.intensity));
            kept.truncate(n);
            kept.sort_by(|a, b| a.mz.total_cmp(&b.mz));
        }
    }
    if params.normalize {
        let sum: f32 = kept.iter().map(|p| p.intensity).sum();
        if sum > 0.0 {
            kept.iter_mut().for_each(|p| p.intensity /= sum);
        }
    }
    CleanSpectrum {
        precursor_mz,
        peaks: kept,
    }
}

fn merge_width(mz: f32, params: &CleanParams) -> f32 {
    match params.merge_ppm {
        Some(ppm) => (mz as f64 * ppm * 1e-6) as f32,
        None => params.merge_da as f32,
    }
}

fn is_centroided(sorted: &[MsPeak], params: &CleanParams) -> bool {
    sorted
        .windows(2)
        .all(|w| w[1].mz - w[0].mz >= merge_width(w[1].mz, params))
}

/// One pass: each peak, most intense first, absorbs its unabsorbed neighbours
/// within the merge width (as ms_entropy's `centroid_spectrum`).
fn centroid_once(sorted: &[MsPeak], params: &CleanParams) -> Vec<MsPeak> {
    let mut intensity: Vec<f32> = sorted.iter().map(|p| p.intensity).collect();
    let mut order: Vec<usize> = (0..sorted.len()).collect();
    order.sort_by(|&a, &b| sorted[b].intensity.total_cmp(&sorted[a].intensity));
    let mut merged = Vec::with_capacity(sorted.len());
    for i in order {
        if intensity[i] <= 0.0 {
            continue;
        }
        let width = merge_width(sorted[i].mz, params);
        let mut lo = i;
        while lo > 0 && sorted[i].mz - sorted[lo - 1].mz <= width {
            lo -= 1;
        }
        let mut hi = i + 1;
        while hi < sorted.len() && sorted[hi].mz - sorted[i].mz <= width {
            hi += 1;
        }
        let (mut sum, mut weighted) = (0.0f32, 0.0f32);
        for j in lo..hi {
            sum += intensity[j];
            weighted += intensity[j] * sorted[j].mz;
            intensity[j] = 0.0;
        }
        merged.push(MsPeak {
            mz: weighted / sum,
            intensity: sum,
        });
    }
    merged.sort_by(|a, b| a.mz.total_cmp(&b.mz));
    merged
}

/// EI nominal-mass spectrum as NIST handles it: m/z → ⌊m/z + 0.5⌋, keeping the
/// most intense of peaks that land on the same nominal mass. Sorted by mass.
pub fn nominal_ei(peaks: impl IntoIterator<Item = (f64, f64)>) -> Vec<(u32, f64)> {
    let mut out: Vec<(u32, f64)> = peaks
        .into_iter()
        .filter(|&(mz, i)| mz > 0.0 && i > 0.0 && mz.is_finite() && i.is_finite())
        .map(|(mz, i)| ((mz + 0.5).floor() as u32, i))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    out.dedup_by_key(|p| p.0);
    out
}
