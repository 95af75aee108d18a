//! Library search by entropy similarity: a fast index ([`LibraryIndex`]) beside
//! a pair-by-pair reference ([`BruteForce`]), both behind [`Searcher`].
//!
//! # Scores
//!
//! Both engines compute Flash entropy search's numbers (Li et al. 2023,
//! `ms_entropy.FlashEntropySearchCore`): peaks are entropy-weighted (S = −Σ pᵢ ln pᵢ;
//! if S < 3, pᵢ ← pᵢ^(0.25+0.25·S), renormalised; [`Weighting::Unweighted`]
//! skips this) and halved, for the library at build time and for each query.
//! Every matched pair (a, b) adds `(a+b)log₂(a+b) − a log₂a − b log₂b`; the sum
//! is the entropy similarity in [0, 1].
//!
//! # Matching rule (Flash's)
//!
//! A library peak matches a query peak at m/z q when `q − w ≤ mz ≤ q + w`,
//! `w = fragment_tolerance.at(q)` (both ends inclusive, compared in `f64` on
//! the stored `f32` m/z). Every pair inside the window counts, so a query peak
//! inside the windows of two peaks of one library spectrum scores both, as
//! Flash's scatter-add does. (Cleaned spectra have peaks ≥ 0.05 Th apart and
//! Flash caps the tolerance at 0.024 Th, so in its intended regime matches are
//! one-to-one anyway.)
//!
//! **Identity**: only library spectra with precursor in `M_q ± precursor_tolerance`.
//! **Open**: all library spectra. **Hybrid** (Moorthy et al. 2017; Flash's
//! `search_hybrid`): a library peak may also match through its neutral loss,
//! `M_lib − mz` (stored as `f32`), against `M_q − q` with the same window `w`.
//! Per query peak i and library spectrum s, Flash's rules are kept exactly:
//! 1. fragment (product) matches always count;
//! 2. if i has a product match in s, none of i's neutral-loss matches in s count;
//! 3. a neutral-loss match never counts when that library peak is a product
//!    match of *any* query peak;
//! 4. of several neutral-loss candidates of i in s only the first in
//!    neutral-loss order (ascending loss) is eligible (Flash's duplicate removal
//!    zeroes the later ones, even when rule 3 zeroed the first).
//!
//! Window arithmetic is `f64` (query m/z ± tolerance, loss = `M − mz`; the
//! library loss is rounded once to `f32`). Under NumPy 2 (NEP 50) Flash
//! computes these in `f32`, so a pair within ~1e-5 Th of the tolerance edge can
//! match here and not in Flash (seen once in 800 query×mode checks at 10⁵
//! spectra, a hybrid neutral-loss pair at |Δ| = 0.019984 vs Flash's 0.020004).
//!
//! Not reproduced: Flash's off-by-one when the lowest query peak lies below
//! every library peak (its `uint64` `max − 1` wraps and its `searchsorted` can
//! then wrongly drop a neutral-loss match), and its negative-index zeroing when
//! one query peak has two product matches in one spectrum.
//!
//! # Index layout and memory ([`LibraryIndex::memory_bytes`])
//!
//! Spectra are renumbered by ascending precursor m/z (missing precursors last),
//! so an identity search touches one contiguous id range, and cut into blocks
//! of 2¹⁶ consecutive internal ids. The fragments of each block are stored
//! together, sorted by m/z, in two arrays: a 4-byte position record each
//! (`u16` holding the low 10 key bits — the `f32` m/z, losslessly, with the
//! bucket table, see `keys` — and above them a 6-bit intensity class, see
//! `classes`; and `u16` spectrum id within the block) and, position for
//! position, the `f32` halved weighted intensity: **8 B/peak**. A window is
//! one contiguous run of each; open search reads the position records of
//! every pair and the intensities of only a few. One bucket table serves all blocks (`table`): one
//! key geometry, per bucket the start of every block, bucket-major (~1 entry
//! per 2 peaks, **~2 B/peak**: small buckets keep the edge scans short). The neutral-loss
//! index is a `u32` permutation of the fragment records sorted by loss
//! (**4 B/peak**); its edge buckets recompute the loss from precursor and m/z.
//! The neutral-loss bucket table (~1 entry per 16 peaks), the m/z high-bits
//! run table, the block starts with a coarse position → block table, and per
//! spectrum an `f64` precursor and `u32` external id complete it (14.0–14.5
//! B/peak for the 20-peak synthetic libraries of 10⁶–10⁴ spectra); all of
//! these are counted. Per-thread scratch (for open search 128 KiB of
//! first-pair slots and buffers of a block's pairs; for identity a 512 KiB
//! block accumulator; for hybrid 12 B per library spectrum) is not part of
//! the index and reported by [`Scratch::memory_bytes`].
//!
//! # Search
//!
//! Open and identity search (`open`, `scan`) walk the blocks of their spectrum-id
//! range (all blocks, or the one or two an identity precursor window covers).
//! Each query peak's two window edges are resolved to bucket rows once; per
//! block, the table row gives each edge's bucket in that block and (identity
//! and hybrid search) a vectorised count over the bucket's low key bits the
//! exact position; open search reads the buckets' whole span instead and
//! tests only the records of its first and last bucket (`table::Span`).
//! Before any record is read, the bucket span of every window (a superset
//! of it, from the table alone) is prefetched into L2 with `prefetcht1`
//! (`prefetch`, the crate's one `unsafe`: hints that cannot fault), so the
//! misses of all of a query's runs overlap instead of each waiting in turn.
//! The large arrays (fragment records and intensities, the bucket table, the
//! neutral-loss permutation) are allocated with huge-page advice, so those
//! random reads seldom wait for a page walk.
//!
//! **Open search** (`open`) makes one pass per block over its pairs'
//! position records, keeping each spectrum's first-pair ordinal in a `u16`
//! slot tagged with the block's code range (`counts`) and collecting the
//! repeats; each spectrum with two or more pairs (a few hundred of the ~25 k
//! touched per query at 10⁶ spectra) gets a score bound from its pairs'
//! intensity classes, and only those whose bound reaches the top N's bar get
//! their exact score (~70 per query; intensities prefetched ahead, terms
//! summed in query-peak order, bit for bit the brute force's). Then a
//! single-pair spectrum's score is its one term: a record is a candidate
//! only if its class bound reaches the bar (one integer compare of the
//! record), and a candidate whose exact intensity is below `(bar − 1e-5)²/4a`
//! cannot reach it either (the term of a pair is at most `2·√(ab)`; ~75
//! candidates per query). **This pruning is exact** (same hits, same scores
//! to the bit, any `top_n` / `min_score`; tested against the brute force with
//! small `top_n` and high `min_score`): it only skips pairs and spectra that
//! provably score below the bar, so it never changes results, only how many
//! intensities are read and terms computed. **Identity search** (`scan`)
//! adds each in-range pair's term into a block-sized (2¹⁶ × 8 B)
//! accumulator and walks the windows again to offer each touched spectrum
//! once. Top N is a bounded selection with a rising bar (external ids loaded
//! only for candidates that clear it), so a query costs O(pairs + blocks ×
//! peaks), not O(library). Hybrid search adds into a dense per-library array
//! (its neutral-loss rules need per-spectrum marks; sum and mark share one
//! 12-byte entry) and then reads only the touched entries. Its neutral-loss
//! matches are fragment positions at random places, and so are the dense
//! entries: each window's fragments are read in a loop of independent loads
//! and its dense entries loaded ahead of their updates, so the misses
//! overlap instead of queueing (this took hybrid search at 10⁶ from ~6 ms to
//! ~2.5 ms per query); the windows' records and permutation entries are
//! prefetched into L2 before the first peak, and each peak prefetches the
//! next peak's dense entries and the neutral-loss fragments two peaks
//! ahead (`hybrid`; 2.66 → 2.27 ms in 12 alternating A/B rounds on
//! 2026-12-05, a noisy machine).
//!
//! [`LibraryIndex::search_with`] is the single-threaded path (caller-owned
//! [`Scratch`]); [`Searcher::search`] borrows a scratch from a pool and
//! [`Searcher::search_many`] runs queries on rayon with one scratch per worker.
//!
//! Known limit: open search on 10⁶ spectra reads every position record of
//! its ~290 windows (16 blocks × ~18 query peaks, ~23 k records at random
//! places); its speed-up over Flash there was 9.7–14.4× in five runs
//! on 2026-12-06 (medians of 3–5 rounds; single rounds 7.2–17.3×): at the
//! 10× bar, not reliably over it (figures in the design notes). Where its
//! time goes, and the variants measured and not taken, are in
//! `docs/design/open-search-performance.md`. Blocks stay 2¹⁶ spectra:
//! identity search needs them (a precursor range is one block's windows),
//! and larger blocks were slower for open search too.
//!

mod brute;
mod build;
mod classes;
mod counts;
mod hybrid;
mod keys;
mod multis;
mod open;
mod prefetch;
mod scan;
mod search;
mod table;
mod topn;
mod weight;

/// A seeded xorshift64 stream for the index's unit tests (no dependency).
#[cfg(test)]
fn test_rng(seed: u64) -> impl FnMut() -> u64 {
    let mut x = seed;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}

pub use brute::BruteForce;
pub use build::{IndexBuilder, LibraryIndex};
pub use search::Scratch;

use crate::matching::{CleanSpectrum, Tolerance};
use rayon::prelude::*;

/// A library spectrum's id: its insertion order in [`IndexBuilder::add`] /
/// [`BruteForce::new`], whatever order the engine stores it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpectrumId(pub u32);

/// One library match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// The library spectrum.
    pub id: SpectrumId,
    /// Entropy similarity in [0, 1].
    pub score: f32,
    /// Matched peak pairs that contributed (product and neutral-loss).
    pub matched_peaks: u32,
    /// `M_query − M_library` when both precursors are known.
    pub delta_mass: Option<f64>,
}

/// Intensity weighting, chosen when an engine is built (as Flash does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Weighting {
    /// Entropy weighting (Flash's default, "entropy similarity").
    #[default]
    Entropy,
    /// No weighting ("unweighted entropy similarity").
    Unweighted,
}

/// Which library spectra and which peak matches count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SearchMode {
    /// Library precursor within this tolerance of the query's (needs a query precursor).
    Identity {
        /// Precursor window half-width (Da or ppm of the query precursor).
        precursor_tolerance: Tolerance,
    },
    /// Every library spectrum, fragment matches only.
    Open,
    /// Every library spectrum, fragment or neutral-loss matches (needs a query precursor).
    Hybrid,
}

/// Search parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchParams {
    /// Mode (identity, open, hybrid).
    pub mode: SearchMode,
    /// Fragment window half-width; ppm is taken at the query peak's m/z.
    pub fragment_tolerance: Tolerance,
    /// At most this many hits, best first.
    pub top_n: usize,
    /// Only hits scoring at least this (hits always have ≥ 1 matched peak).
    pub min_score: f32,
}

impl SearchParams {
    /// Identity search with Flash's defaults (MS1 ± 0.01 Da, MS2 ± 0.02 Da), top 10.
    pub fn identity() -> Self {
        SearchParams {
            mode: SearchMode::Identity {
                precursor_tolerance: Tolerance::Da(0.01),
            },
            ..Self::open()
        }
    }

    /// Open search, MS2 ± 0.02 Da, top 10, any score.
    pub fn open() -> Self {
        SearchParams {
            mode: SearchMode::Open,
            fragment_tolerance: Tolerance::Da(0.02),
            top_n: 10,
            min_score: 0.0,
        }
    }

    /// Hybrid search, MS2 ± 0.02 Da, top 10, any score.
    pub fn hybrid() -> Self {
        SearchParams {
            mode: SearchMode::Hybrid,
            ..Self::open()
        }
    }

    /// Same parameters with another `top_n`.
    pub fn with_top_n(self, top_n: usize) -> Self {
        SearchParams { top_n, ..self }
    }

    /// Same parameters with another `min_score`.
    pub fn with_min_score(self, min_score: f32) -> Self {
        SearchParams { min_score, ..self }
    }

    /// Same parameters with another fragment tolerance.
    pub fn with_fragment_tolerance(self, fragment_tolerance: Tolerance) -> Self {
        SearchParams {
            fragment_tolerance,
            ..self
        }
    }

    /// Check that tolerances are finite and non-negative (a fragment ppm
    /// tolerance also below 10⁶). Searches with invalid parameters return no hits.
    pub fn validate(&self) -> Result<(), IndexError> {
        let ok = |t: Tolerance| match t {
            Tolerance::Da(v) | Tolerance::Ppm(v) => v.is_finite() && v >= 0.0,
        };
        let monotonic = !matches!(self.fragment_tolerance, Tolerance::Ppm(v) if v >= 1e6);
        if !ok(self.fragment_tolerance) || !monotonic {
            return Err(IndexError::InvalidTolerance);
        }
        if let SearchMode::Identity {
            precursor_tolerance,
        } = self.mode
        {
            if !ok(precursor_tolerance) {
                return Err(IndexError::InvalidTolerance);
            }
        }
        Ok(())
    }
}

/// Errors building an engine or validating parameters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// More than `u32::MAX − 1` spectra.
    #[error("too many library spectra (limit {limit})")]
    TooManySpectra {
        /// The limit.
        limit: u64,
    },
    /// More than `u32::MAX − 1` peaks in all.
    #[error("too many library peaks (limit {limit})")]
    TooManyPeaks {
        /// The limit.
        limit: u64,
    },
    /// A tolerance is negative, NaN or infinite.
    #[error("tolerance must be finite and non-negative")]
    InvalidTolerance,
}

/// A library search engine.
pub trait Searcher: Sync {
    /// Top hits for one query (cleaned, unweighted; the engine weights it),
    /// best first, ties by ascending id. Empty when the mode needs a query
    /// precursor and there is none, or the parameters are invalid.
    fn search(&self, query: &CleanSpectrum, params: &SearchParams) -> Vec<Hit>;

    /// Number of library spectra.
    fn len(&self) -> usize;

    /// True if the library is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// [`Searcher::search`] for many queries in parallel (rayon), results in query order.
    fn search_many(&self, queries: &[CleanSpectrum], params: &SearchParams) -> Vec<Vec<Hit>> {
        queries.par_iter().map(|q| self.search(q, params)).collect()
    }
}

/// Sort candidates best first (ties by id), keep `top_n` with `score ≥ min_score`.
pub(crate) fn top_hits(mut hits: Vec<Hit>, params: &SearchParams) -> Vec<Hit> {
    hits.retain(|h| h.score >= params.min_score);
    let order = |a: &Hit, b: &Hit| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id));
    if hits.len() > params.top_n && params.top_n > 0 {
        hits.select_nth_unstable_by(params.top_n - 1, order);
    }
    hits.truncate(params.top_n);
    hits.sort_unstable_by(order);
    hits
}
