//! Spectral entropy similarity (Li et al., Nat. Methods 18, 1524–1531, 2021),
//! as `ms_entropy.calculate_entropy_similarity` /
//! `calculate_unweighted_entropy_similarity` (1.5.x) compute it on cleaned
//! spectra.
//!
//! Peaks are paired by ms_entropy's two-pointer walk over both m/z-sorted
//! spectra: the difference `a − b` (in `f32`, as numpy) outside `±tol` advances
//! the lower side, otherwise the two peaks are a pair and both advance. With
//! `f(x) = x·ln x`, the similarity is `Σ_pairs [f(a+b) − f(a) − f(b)] / ln 4`,
//! which equals `1 − (2·S_AB − S_A − S_B)/ln 4` for spectra summing to 1.

use crate::matching::{CleanSpectrum, MsPeak, Tolerance};

/// Spectral entropy below which intensities are re-weighted (Li et al. 2021).
const WEIGHT_ENTROPY_CUTOFF: f64 = 3.0;

/// An entropy similarity and how many peak pairs contributed to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// Similarity in `[0, 1]`.
    pub score: f32,
    /// Number of matched peak pairs.
    pub matched_peaks: usize,
}

/// Shannon entropy `S = −Σ pᵢ ln pᵢ` of a cleaned spectrum (intensities summing
/// to 1); 0 for an empty spectrum.
pub fn spectral_entropy(spectrum: &CleanSpectrum) -> f64 {
    spectrum
        .peaks
        .iter()
        .map(|p| p.intensity as f64)
        .filter(|&p| p > 0.0)
        .map(|p| -p * p.ln())
        .sum()
}

/// Li et al.'s entropy weighting: when `S < 3`, every intensity becomes
/// `pᵢ^(0.25 + 0.25·S)`, renormalised to sum 1; otherwise the spectrum is
/// returned unchanged (ms_entropy's `apply_weight_to_intensity`).
pub fn entropy_weighted(spectrum: &CleanSpectrum) -> CleanSpectrum {
    let entropy = spectral_entropy(spectrum);
    if spectrum.peaks.is_empty() || entropy >= WEIGHT_ENTROPY_CUTOFF {
        return spectrum.clone();
    }
    let power = 0.25 + 0.25 * entropy;
    let weighted: Vec<f64> = spectrum
        .peaks
        .iter()
        .map(|p| (p.intensity as f64).powf(power))
        .collect();
    let sum: f64 = weighted.iter().sum();
    let peaks = spectrum
        .peaks
        .iter()
        .zip(&weighted)
        .map(|(p, &w)| MsPeak {
            mz: p.mz,
            intensity: (w / sum) as f32,
        })
        .collect();
    CleanSpectrum {
        precursor_mz: spectrum.precursor_mz,
        peaks,
    }
}

/// Entropy similarity of two cleaned spectra; `weighted` applies
/// [`entropy_weighted`] to both first (ms_entropy's default "entropy
/// similarity"), otherwise it is the unweighted entropy similarity.
/// A ppm tolerance is taken at the m/z of the peak of `a`, as ms_entropy does.
pub fn entropy_similarity(
    a: &CleanSpectrum,
    b: &CleanSpectrum,
    tol: Tolerance,
    weighted: bool,
) -> Similarity {
    if weighted {
        return unweighted(&entropy_weighted(a).peaks, &entropy_weighted(b).peaks, tol);
    }
    unweighted(&a.peaks, &b.peaks, tol)
}

fn unweighted(a: &[MsPeak], b: &[MsPeak], tol: Tolerance) -> Similarity {
    let (mut i, mut j) = (0, 0);
    let (mut sum, mut matched) = (0.0f64, 0usize);
    while i < a.len() && j < b.len() {
        let diff = a[i].mz - b[j].mz;
        // numpy compares the float32 difference with the tolerance cast to float32.
        let max = tol.at(a[i].mz as f64) as f32;
        if diff < -max {
            i += 1;
        } else if diff > max {
            j += 1;
        } else {
            let (x, y) = (a[i].intensity as f64, b[j].intensity as f64);
            sum += xlnx(x + y) - xlnx(x) - xlnx(y);
            matched += 1;
            i += 1;
            j += 1;
        }
    }
    Similarity {
        score: (sum / 4f64.ln()).clamp(0.0, 1.0) as f32,
        matched_peaks: matched,
    }
}

/// `x·ln x`, continuous at 0.
fn xlnx(x: f64) -> f64 {
    if x > 0.0 {
        x * x.ln()
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(peaks: &[(f32, f32)]) -> CleanSpectrum {
        CleanSpectrum {
            precursor_mz: None,
            peaks: peaks
                .iter()
                .map(|&(mz, intensity)| MsPeak { mz, intensity })
                .collect(),
        }
    }

    #[test]
    fn half_overlap_by_hand() {
        // One shared peak of 0.5 each: f(1) − 2 f(0.5) = ln 2, over ln 4 = 0.5.
        let a = spec(&[(100.0, 0.5), (200.0, 0.5)]);
        let b = spec(&[(100.01, 0.5), (300.0, 0.5)]);
        let s = entropy_similarity(&a, &b, Tolerance::Da(0.02), false);
        assert!((s.score - 0.5).abs() < 1e-6, "{s:?}");
        assert_eq!(s.matched_peaks, 1);
    }

    #[test]
    fn weighting_flattens_low_entropy_spectra() {
        let a = spec(&[(100.0, 0.9), (200.0, 0.1)]);
        let w = entropy_weighted(&a);
        assert!(w.peaks[1].intensity > 0.1);
        let total: f32 = w.peaks.iter().map(|p| p.intensity).sum();
        assert!((total - 1.0).abs() < 1e-6);
    }
}
