//! The reference engine: every library spectrum scored against the query pair
//! by pair, with the matching rules of the module docs written out plainly.
//! Same weighting, same pair term, same summation order as the index, so the
//! two agree to the last bit on the same input.

use super::keys::key;
use super::weight::{pair_term, prepare, xlog2x, Prepared};
use super::{top_hits, Hit, IndexError, SearchMode, SearchParams, Searcher, SpectrumId, Weighting};
use crate::matching::CleanSpectrum;

/// Pair-by-pair search over the prepared library (ids = input order).
#[derive(Debug, Clone)]
pub struct BruteForce {
    weighting: Weighting,
    spectra: Vec<(Option<f64>, Prepared)>,
}

impl BruteForce {
    /// Prepare (weight) every spectrum once.
    pub fn new<'a>(
        spectra: impl IntoIterator<Item = &'a CleanSpectrum>,
        weighting: Weighting,
    ) -> Result<Self, IndexError> {
        let spectra: Vec<(Option<f64>, Prepared)> = spectra
            .into_iter()
            .map(|s| {
                (
                    s.precursor_mz.filter(|m| m.is_finite()),
                    prepare(&s.peaks, weighting),
                )
            })
            .collect();
        let limit = u32::MAX as u64 - 1;
        if spectra.len() as u64 >= limit {
            return Err(IndexError::TooManySpectra { limit });
        }
        Ok(BruteForce { weighting, spectra })
    }

    /// Score one library spectrum: `(score, matched pairs)`.
    fn score(
        &self,
        lib: &(Option<f64>, Prepared),
        q: &Prepared,
        pq: Option<f64>,
        params: &SearchParams,
    ) -> (f32, u32) {
        let (lp, l) = lib;
        let within = |x: f32, c: f64, w: f64| c - w <= x as f64 && x as f64 <= c + w;
        let width = |qm: f32| params.fragment_tolerance.at(qm as f64);
        let hybrid = matches!(params.mode, SearchMode::Hybrid);
        // Rule 3: library peaks that are a product match of any query peak.
        let product_any: Vec<bool> =
            l.mz.iter()
                .map(|&m| hybrid && q.mz.iter().any(|&qm| within(m, qm as f64, width(qm))))
                .collect();
        let (mut score, mut count) = (0.0f32, 0u32);
        for (&qm, &a) in q.mz.iter().zip(&q.half) {
            let (w, fa) = (width(qm), xlog2x(a));
            let mut had_product = false;
            for (&m, &b) in l.mz.iter().zip(&l.half) {
                if within(m, qm as f64, w) {
                    score += pair_term(a, fa, b);
                    count += 1;
                    had_product = true;
                }
            }
            let (true, false, Some(pq), Some(lp)) = (hybrid, had_product, pq, *lp) else {
                continue;
            };
            // Rule 4: only the first candidate in (loss, fragment) order is eligible.
            let loss_q = pq - qm as f64;
            let first = (0..l.mz.len())
                .map(|j| ((lp - l.mz[j] as f64) as f32, j))
                .filter(|&(loss, _)| within(loss, loss_q, w))
                .min_by_key(|&(loss, j)| (key(loss), j));
            if let Some((_, j)) = first {
                if !product_any[j] {
                    score += pair_term(a, fa, l.half[j]);
                    count += 1;
                }
            }
        }
        (score, count)
    }
}

impl Searcher for BruteForce {
    fn search(&self, query: &CleanSpectrum, params: &SearchParams) -> Vec<Hit> {
        if params.validate().is_err() || params.top_n == 0 {
            return Vec::new();
        }
        let pq = query.precursor_mz.filter(|p| p.is_finite());
        let window = match params.mode {
            SearchMode::Identity {
                precursor_tolerance,
            } => match pq {
                Some(p) => Some((p, precursor_tolerance.at(p))),
                None => return Vec::new(),
            },
            SearchMode::Hybrid if pq.is_none() => return Vec::new(),
            _ => None,
        };
        let q = prepare(&query.peaks, self.weighting);
        let hits = self
            .spectra
            .iter()
            .enumerate()
            .filter(|(_, (lp, _))| match (window, lp) {
                (None, _) => true,
                (Some((p, w)), Some(lp)) => p - w <= *lp && *lp <= p + w,
                (Some(_), None) => false,
            })
            .filter_map(|(i, lib)| {
                let (score, count) = self.score(lib, &q, pq, params);
                (count > 0).then_some(Hit {
                    id: SpectrumId(i as u32),
                    score,
                    matched_peaks: count,
                    delta_mass: pq.zip(lib.0).map(|(q, l)| q - l),
                })
            })
            .collect();
        top_hits(hits, params)
    }

    fn len(&self) -> usize {
        self.spectra.len()
    }
}
