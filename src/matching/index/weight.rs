//! Query/library peak preparation (entropy weighting, halving) and the
//! per-pair entropy term, shared by every engine so all of them see identical
//! numbers.

use super::Weighting;
use crate::matching::MsPeak;

/// A prepared peak list: ascending m/z, weighted intensities halved, as
/// FlashEntropySearchCore's `_preprocess_peaks` leaves them.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Prepared {
    pub mz: Vec<f32>,
    pub half: Vec<f32>,
}

/// Drop peaks no engine can score (non-finite, m/z ≤ 0, intensity ≤ 0), sort by
/// m/z (stable), renormalise only if the sum is off by more than 1e-4 (Flash
/// asserts it is not), apply the weighting, then halve the intensities.
pub(crate) fn prepare(peaks: &[MsPeak], weighting: Weighting) -> Prepared {
    let mut kept: Vec<MsPeak> = peaks
        .iter()
        .copied()
        .filter(|p| p.mz.is_finite() && p.mz > 0.0 && p.intensity.is_finite() && p.intensity > 0.0)
        .collect();
    kept.sort_by(|a, b| a.mz.total_cmp(&b.mz));
    let mut int: Vec<f32> = kept.iter().map(|p| p.intensity).collect();
    let sum: f64 = int.iter().map(|&x| x as f64).sum();
    if sum > 0.0 && (sum - 1.0).abs() > 1e-4 {
        int.iter_mut().for_each(|x| *x = (*x as f64 / sum) as f32);
    }
    if weighting == Weighting::Entropy {
        entropy_weight(&mut int);
    }
    Prepared {
        mz: kept.iter().map(|p| p.mz).collect(),
        half: int.iter().map(|&x| x / 2.0).collect(),
    }
}

/// ms_entropy's `apply_weight_to_intensity`: with S = −Σ pᵢ ln pᵢ, if S < 3
/// replace pᵢ by pᵢ^(0.25 + 0.25·S) and renormalise.
fn entropy_weight(int: &mut [f32]) {
    let s: f64 = -int.iter().map(|&p| p as f64 * (p as f64).ln()).sum::<f64>();
    if s < 3.0 {
        let w = 0.25 + 0.25 * s;
        let powered: Vec<f64> = int.iter().map(|&p| (p as f64).powf(w)).collect();
        let total: f64 = powered.iter().sum();
        if total > 0.0 && total.is_finite() {
            for (x, p) in int.iter_mut().zip(&powered) {
                *x = (p / total) as f32;
            }
        }
    }
}

/// `x · log₂ x` with [`log2`]; 0 for x = 0.
#[inline(always)]
pub(crate) fn xlog2x(x: f32) -> f32 {
    x * log2(x)
}

/// The similarity one matched pair of halved intensities contributes:
/// `(a+b)·log₂(a+b) − b·log₂b − a·log₂a` (Flash's `_score_peaks_with_cpu`
/// order), with `fa = xlog2x(a)` precomputed once per query peak.
#[inline(always)]
pub(crate) fn pair_term(a: f32, fa: f32, b: f32) -> f32 {
    let ab = a + b;
    xlog2x(ab) - xlog2x(b) - fa
}

/// Branch-free single-precision log₂ (musl's range reduction, atanh series to
/// t¹¹; error about one ulp for normal positive input), written with plain
/// arithmetic so a loop over a slice auto-vectorises. Only for normal positive
/// input; other input gives a finite, meaningless value (never a panic).
#[inline(always)]
pub(crate) fn log2(x: f32) -> f32 {
    const SQRT_HALF_BITS: u32 = 0x3f35_04f3;
    const K: f32 = std::f32::consts::LOG2_E * 2.0;
    let adj = x.to_bits().wrapping_sub(SQRT_HALF_BITS);
    let e = (adj as i32) >> 23;
    let m = f32::from_bits((adj & 0x007f_ffff).wrapping_add(SQRT_HALF_BITS));
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let p = 1.0 + t2 * (1.0 / 3.0 + t2 * (1.0 / 5.0 + t2 * (1.0 / 7.0 + t2 * (1.0 / 9.0))));
    e as f32 + K * t * p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log2_is_accurate() {
        let mut x = 1e-30f32;
        while x < 1e30 {
            let want = (x as f64).log2();
            let got = log2(x) as f64;
            assert!(
                (got - want).abs() <= 4e-7 * want.abs().max(1.0),
                "{x}: {got} vs {want}"
            );
            x *= 1.37;
        }
    }

    #[test]
    fn weighting_renormalises_low_entropy() {
        let peaks = [
            MsPeak {
                mz: 100.0,
                intensity: 0.9,
            },
            MsPeak {
                mz: 50.0,
                intensity: 0.1,
            },
        ];
        let p = prepare(&peaks, Weighting::Entropy);
        assert_eq!(p.mz, vec![50.0, 100.0]);
        let sum: f32 = p.half.iter().sum();
        assert!((sum - 0.5).abs() < 1e-6);
        assert!(p.half[0] > 0.05, "weighting lifts the small peak");
        let u = prepare(&peaks, Weighting::Unweighted);
        assert_eq!(u.half, vec![0.05, 0.45]);
    }
}
