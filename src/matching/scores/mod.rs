//! Pairwise spectrum similarity.
//!
//! - [`entropy`]: spectral entropy similarity, weighted and unweighted
//!   (ms_entropy), on spectra cleaned by [`crate::matching::clean::clean_ms2`].
//! - [`cosine`]: greedy cosine (matchms `CosineGreedy`) on raw peaks.
//! - [`nist`]: NIST-style composite match factor and reverse match factor on
//!   nominal-mass EI spectra ([`crate::matching::clean::nominal_ei`]).
//!
//! [`score_pair`] picks the preprocessing each [`Method`] needs.

pub mod cosine;
pub mod entropy;
pub mod nist;

use std::fmt;
use std::str::FromStr;

use super::clean::{clean_ms2, nominal_ei, CleanParams};
use super::Tolerance;

pub use cosine::{cosine_greedy, CosineParams, CosineScore};
pub use entropy::{entropy_similarity, entropy_weighted, spectral_entropy, Similarity};
pub use nist::{match_factor, reverse_match_factor, NistParams, NistScore};

/// Fragment tolerance of the entropy methods in [`score_pair`] (ms_entropy's default).
pub const ENTROPY_TOLERANCE: Tolerance = Tolerance::Da(0.02);

/// A similarity method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Entropy-weighted spectral entropy similarity, 0–1.
    Entropy,
    /// Unweighted spectral entropy similarity, 0–1.
    UnweightedEntropy,
    /// Greedy cosine on raw peaks (tolerance 0.1 Th), 0–1.
    Cosine,
    /// NIST-style composite identity match factor, 0–1000.
    NistMf,
    /// NIST-style composite reverse match factor, 0–1000.
    NistRmf,
}

impl Method {
    /// Every method, in declaration order.
    pub const ALL: [Method; 5] = [
        Method::Entropy,
        Method::UnweightedEntropy,
        Method::Cosine,
        Method::NistMf,
        Method::NistRmf,
    ];

    /// The name [`FromStr`] accepts.
    pub fn name(self) -> &'static str {
        match self {
            Method::Entropy => "entropy",
            Method::UnweightedEntropy => "unweighted-entropy",
            Method::Cosine => "cosine",
            Method::NistMf => "nist-mf",
            Method::NistRmf => "nist-rmf",
        }
    }

    /// The best possible score: 1000 for the NIST factors, 1 otherwise.
    pub fn max_score(self) -> f64 {
        match self {
            Method::NistMf | Method::NistRmf => 1000.0,
            _ => 1.0,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A method name that is not one of [`Method::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scoring method {0:?} (expected entropy, unweighted-entropy, cosine, nist-mf or nist-rmf)")]
pub struct UnknownMethod(pub String);

impl FromStr for Method {
    type Err = UnknownMethod;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Method::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownMethod(s.to_string()))
    }
}

/// One side of a pairwise comparison: raw peaks and, for MS/MS, the precursor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreInput<'a> {
    /// `(m/z, intensity)` peaks in any order, as read.
    pub peaks: &'a [(f64, f64)],
    /// Precursor m/z; the entropy methods drop peaks above precursor − 1.6.
    pub precursor_mz: Option<f64>,
}

/// A pairwise score on the method's scale (see [`Method::max_score`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairScore {
    /// The score: 0–1, or 0–1000 for the NIST factors.
    pub score: f64,
    /// Number of matched peaks (pairs, or shared nominal masses).
    pub matched_peaks: usize,
}

/// Score `query` against `library` with `method`, preprocessing both as the
/// method's reference does: entropy → [`clean_ms2`] with
/// [`CleanParams::default`] (Flash search defaults) and [`ENTROPY_TOLERANCE`];
/// cosine → raw peaks, [`CosineParams::default`]; NIST → [`nominal_ei`],
/// [`NistParams::default`].
pub fn score_pair(method: Method, query: ScoreInput<'_>, library: ScoreInput<'_>) -> PairScore {
    match method {
        Method::Entropy | Method::UnweightedEntropy => {
            let params = CleanParams::default();
            let q = clean_ms2(query.peaks.iter().copied(), query.precursor_mz, &params);
            let l = clean_ms2(library.peaks.iter().copied(), library.precursor_mz, &params);
            let weighted = method == Method::Entropy;
            let s = entropy_similarity(&q, &l, ENTROPY_TOLERANCE, weighted);
            PairScore {
                score: s.score as f64,
                matched_peaks: s.matched_peaks,
            }
        }
        Method::Cosine => {
            let s = cosine_greedy(query.peaks, library.peaks, CosineParams::default());
            PairScore {
                score: s.score,
                matched_peaks: s.matches,
            }
        }
        Method::NistMf | Method::NistRmf => {
            let q = nominal_ei(query.peaks.iter().copied());
            let l = nominal_ei(library.peaks.iter().copied());
            let s = if method == Method::NistMf {
                match_factor(&q, &l, NistParams::default())
            } else {
                reverse_match_factor(&q, &l, NistParams::default())
            };
            PairScore {
                score: s.score,
                matched_peaks: s.matched_peaks,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_is_an_error() {
        for m in Method::ALL {
            assert_eq!(m.name().parse::<Method>(), Ok(m));
        }
        assert_eq!("NIST-MF".parse::<Method>(), Ok(Method::NistMf));
        assert!("dot".parse::<Method>().is_err());
    }

    #[test]
    fn identical_inputs_score_the_maximum() {
        let peaks = [
            (41.0, 30.0),
            (57.03, 999.0),
            (105.07, 120.0),
            (146.1, 480.0),
        ];
        let input = ScoreInput {
            peaks: &peaks,
            precursor_mz: Some(300.0),
        };
        for m in Method::ALL {
            let s = score_pair(m, input, input);
            assert!(
                (s.score - m.max_score()).abs() < 1e-4 * m.max_score(),
                "{m}: {s:?}"
            );
            assert_eq!(s.matched_peaks, 4, "{m}");
        }
    }
}
