//! NIST-style composite identity match factor (MF) and reverse match factor
//! (RMF) for nominal-mass EI spectra, reported on 0–1000.
//!
//! Formula (Stein & Scott, J. Am. Soc. Mass Spectrom. 5, 859–866, 1994; as
//! restated by Stein, JASMS 10, 770–781, 1999, for NIST MS Search / AMDIS):
//!
//! - peak weight `W = I^a · m^b`, default `a = 0.5`, `b = 0.5` (the
//!   weighting this project's specification names, after Stein & Scott; the
//!   NIST MS Search weighting `a = 0.53`, `b = 1.3` and Stein & Scott's
//!   dot-product optimum `a = 0.6`, `b = 3` are selectable through [`NistParams`]);
//! - `F_D = (Σ W_U·W_L)² / (Σ W_U² · Σ W_L²)`, numerator over shared masses,
//!   each denominator over all peaks of its spectrum;
//! - `F_R = mean over the n − 1 consecutive pairs of shared masses (ascending
//!   m/z) of (W_L,i·W_U,i−1 / (W_L,i−1·W_U,i))^±1`, the exponent chosen so each
//!   term is ≤ 1 (the masses cancel, so only intensities matter);
//! - `MF = (N_U·F_D + N_A&U·F_R) / (N_U + N_A&U)`, `N_U` the query's peak count,
//!   `N_A&U` the shared peaks. With fewer than two shared peaks there is no
//!   ratio term and `MF = F_D`.
//!
//! Deviation, chosen on purpose: Stein (1999) prints `F_R` with `1/N_A&U` in
//! front of the `N_A&U − 1` ratio terms; that caps identical spectra at
//! `1 − 1/(2·N_A&U)` (e.g. 500 for one peak), whereas NIST MS Search reports
//! 999 for a spectrum searched against itself. The mean over the pairs (as
//! MZmine 2's composite cosine) gives identical spectra exactly 1000.
//!
//! RMF ("reverse search"): query peaks at masses absent from the library
//! spectrum are dropped before the same computation, so impurities in the
//! query do not lower the score.

/// Weighting exponents of the match factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NistParams {
    /// Exponent `a` of intensity (0.5).
    pub intensity_power: f64,
    /// Exponent `b` of the nominal mass (0.5).
    pub mz_power: f64,
}

impl Default for NistParams {
    fn default() -> Self {
        NistParams {
            intensity_power: 0.5,
            mz_power: 0.5,
        }
    }
}

/// A NIST-style score with its parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NistScore {
    /// Composite match factor on 0–1000.
    pub score: f64,
    /// Number of masses present in both spectra (`N_A&U`).
    pub matched_peaks: usize,
    /// Weighted dot-product term `F_D` in `[0, 1]`.
    pub dot: f64,
    /// Neighbour-ratio term `F_R` in `[0, 1]` (`None` with < 2 shared peaks).
    pub ratio: Option<f64>,
}

/// Identity match factor of `query` against `library`, both nominal spectra
/// as [`crate::matching::clean::nominal_ei`] returns them (ascending, unique
/// masses, positive intensities).
pub fn match_factor(query: &[(u32, f64)], library: &[(u32, f64)], params: NistParams) -> NistScore {
    composite(query, library, params)
}

/// Reverse match factor: as [`match_factor`] after dropping query peaks at
/// masses the library spectrum lacks.
pub fn reverse_match_factor(
    query: &[(u32, f64)],
    library: &[(u32, f64)],
    params: NistParams,
) -> NistScore {
    let library = normalised(library);
    let kept: Vec<(u32, f64)> = query
        .iter()
        .copied()
        .filter(|(m, _)| library.binary_search_by_key(m, |p| p.0).is_ok())
        .collect();
    composite(&kept, &library, params)
}

fn composite(query: &[(u32, f64)], library: &[(u32, f64)], params: NistParams) -> NistScore {
    let (query, library) = (&*normalised(query), &*normalised(library));
    let weight = |(m, i): (u32, f64)| {
        if i > 0.0 && i.is_finite() {
            i.powf(params.intensity_power) * (m as f64).powf(params.mz_power)
        } else {
            0.0
        }
    };
    let shared = shared_weights(query, library, weight);
    let norm = |s: &[(u32, f64)]| s.iter().map(|&p| weight(p).powi(2)).sum::<f64>();
    let (nq, nl) = (norm(query), norm(library));
    let dot = if shared.is_empty() || !(nq > 0.0 && nl > 0.0) {
        0.0
    } else {
        let cross: f64 = shared.iter().map(|(u, l)| u * l).sum();
        (cross * cross / (nq * nl)).clamp(0.0, 1.0)
    };
    let ratio = (shared.len() >= 2).then(|| {
        let terms: f64 = shared
            .windows(2)
            .map(|w| {
                let r = (w[1].1 * w[0].0) / (w[0].1 * w[1].0);
                if r > 1.0 {
                    1.0 / r
                } else {
                    r
                }
            })
            .sum();
        terms / (shared.len() - 1) as f64
    });
    let n_u = query.len() as f64;
    let n_au = shared.len() as f64;
    let score = match ratio {
        Some(r) if n_u + n_au > 0.0 => (n_u * dot + n_au * r) / (n_u + n_au),
        _ => dot,
    };
    NistScore {
        score: 1000.0 * score,
        matched_peaks: shared.len(),
        dot,
        ratio,
    }
}

/// The spectrum itself when ascending with unique masses, else a sorted copy
/// keeping the most intense peak per mass (callers need not pre-sort).
fn normalised(s: &[(u32, f64)]) -> std::borrow::Cow<'_, [(u32, f64)]> {
    if s.windows(2).all(|w| w[0].0 < w[1].0) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut v = s.to_vec();
    v.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    v.dedup_by_key(|p| p.0);
    std::borrow::Cow::Owned(v)
}

/// `(W_query, W_library)` of every mass in both spectra with positive weight,
/// ascending by mass (both inputs sorted, so one merge walk).
fn shared_weights(
    query: &[(u32, f64)],
    library: &[(u32, f64)],
    weight: impl Fn((u32, f64)) -> f64,
) -> Vec<(f64, f64)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < query.len() && j < library.len() {
        match query[i].0.cmp(&library[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let (u, l) = (weight(query[i]), weight(library[j]));
                if u > 0.0 && l > 0.0 {
                    out.push((u, l));
                }
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
