//! Greedy cosine similarity, as matchms `CosineGreedy` (0.33) computes it on
//! raw peaks.
//!
//! Candidate pairs are every `(i, j)` with `|mz_a[i] − mz_b[j]| ≤ tolerance`
//! (matchms' `find_matches` bounds, in `f64`), each scored by the product of
//! `mz^mz_power · I^intensity_power` of its two peaks. Pairs are taken in
//! descending product order (matchms: a stable ascending sort, reversed, so of
//! equal products the later pair in `(i, j)` order wins), skipping any pair
//! whose peak is already used. The score is the sum of the taken products over
//! the product of both spectra's vector norms.

/// matchms `CosineGreedy` parameters; [`Default`] is matchms' default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CosineParams {
    /// Peaks match when their m/z differ by at most this many Th (0.1).
    pub tolerance: f64,
    /// Power of m/z in each peak's weight (0).
    pub mz_power: f64,
    /// Power of intensity in each peak's weight (1).
    pub intensity_power: f64,
}

impl Default for CosineParams {
    fn default() -> Self {
        CosineParams {
            tolerance: 0.1,
            mz_power: 0.0,
            intensity_power: 1.0,
        }
    }
}

/// A greedy cosine score and the number of peak pairs it used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CosineScore {
    /// Cosine similarity in `[0, 1]` (0 when either spectrum has no weight).
    pub score: f64,
    /// Number of matched peak pairs.
    pub matches: usize,
}

/// matchms `CosineGreedy.pair(a, b)` on `(m/z, intensity)` peaks. Peaks are
/// sorted by m/z first (matchms requires sorted input); non-finite peaks are
/// dropped, where matchms would return NaN.
pub fn cosine_greedy(a: &[(f64, f64)], b: &[(f64, f64)], params: CosineParams) -> CosineScore {
    let (a, b) = (sorted(a), sorted(b));
    let weight = |(mz, i): (f64, f64)| mz.powf(params.mz_power) * i.powf(params.intensity_power);
    let mut pairs: Vec<(usize, usize, f64)> = find_matches(&a, &b, params.tolerance)
        .into_iter()
        .map(|(i, j)| (i, j, weight(a[i]) * weight(b[j])))
        .collect();
    pairs.sort_by(|x, y| x.2.total_cmp(&y.2));
    let (mut used_a, mut used_b) = (vec![false; a.len()], vec![false; b.len()]);
    let (mut sum, mut matches) = (0.0f64, 0usize);
    for &(i, j, product) in pairs.iter().rev() {
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            sum += product;
            matches += 1;
        }
    }
    let norm = |s: &[(f64, f64)]| s.iter().map(|&p| weight(p).powi(2)).sum::<f64>().sqrt();
    let denominator = norm(&a) * norm(&b);
    let score = if denominator > 0.0 && denominator.is_finite() {
        sum / denominator
    } else {
        0.0
    };
    CosineScore { score, matches }
}

fn sorted(peaks: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = peaks
        .iter()
        .copied()
        .filter(|(mz, i)| mz.is_finite() && i.is_finite())
        .collect();
    out.sort_by(|x, y| x.0.total_cmp(&y.0));
    out
}

/// matchms `find_matches` (shift 0): all index pairs within the tolerance, in
/// `(i, j)` order.
fn find_matches(a: &[(f64, f64)], b: &[(f64, f64)], tolerance: f64) -> Vec<(usize, usize)> {
    let mut lowest = 0;
    let mut matches = Vec::new();
    for (i, &(mz, _)) in a.iter().enumerate() {
        let (low, high) = (mz - tolerance, mz + tolerance);
        for (j, &(mz2, _)) in b.iter().enumerate().skip(lowest) {
            if mz2 > high {
                break;
            }
            if mz2 < low {
                lowest = j + 1;
            } else {
                matches.push((i, j));
            }
        }
    }
    matches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchms_docstring_example() {
        // matchms' CosineGreedy docstring: 0.83 with 1 matched peak at tolerance 0.2.
        let reference = [(100.0, 0.7), (150.0, 0.2), (200.0, 0.1)];
        let query = [(100.0, 0.4), (140.0, 0.2), (190.0, 0.1)];
        let p = CosineParams {
            tolerance: 0.2,
            ..CosineParams::default()
        };
        let s = cosine_greedy(&reference, &query, p);
        assert_eq!(s.matches, 1);
        assert!((s.score - 0.83).abs() < 0.005, "{s:?}");
    }

    #[test]
    fn greedy_takes_the_largest_product_first() {
        let a = [(100.0, 1.0), (100.05, 3.0)];
        let b = [(100.02, 2.0)];
        let s = cosine_greedy(&a, &b, CosineParams::default());
        assert_eq!(s.matches, 1);
        assert!((s.score - 6.0 / (10f64.sqrt() * 2.0)).abs() < 1e-12);
    }
}
