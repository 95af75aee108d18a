//! Library search for one query spectrum: entropy methods through the
//! library index, cosine and NIST match factors pair by pair.

use serde::Serialize;
use synthwatch_parsers::spectrum::Spectrum;

use crate::library::Library;
use crate::matching::chem::explain;
use crate::matching::clean::{clean_ms2, CleanParams};
use crate::matching::index::{
    IndexBuilder, LibraryIndex, SearchMode, SearchParams, Searcher, Weighting,
};
use crate::matching::scores::{score_pair, Method, ScoreInput};
use crate::matching::CleanSpectrum;

use super::ScreenConfig;

/// Which library spectra a query is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKind {
    /// Library precursor within the precursor window (EI spectra, which have
    /// none, fall back to open search).
    Identity,
    /// All library spectra.
    Open,
    /// All library spectra; a peak may also match shifted by ΔM (entropy methods).
    Hybrid,
}

/// One library hit.
#[derive(Debug, Clone, Serialize)]
pub struct LibraryHit {
    /// Library file the spectrum came from.
    pub library_file: String,
    /// Position of the spectrum in that file (0-based).
    pub library_index: usize,
    /// Compound name in the library.
    pub name: String,
    /// Similarity on the method's scale.
    pub score: f64,
    /// Method that produced the score.
    pub method: &'static str,
    /// Matched peaks.
    pub matched_peaks: usize,
    /// Query precursor − library precursor, when both are known (hybrid search).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta_mass: Option<f64>,
    /// Best explanations of `delta_mass` (hybrid search).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub delta_explained: Vec<String>,
}

/// A loaded library and its search engine.
pub struct LibrarySearch {
    library: Library,
    /// Built for entropy methods only.
    index: Option<LibraryIndex>,
}

impl LibrarySearch {
    /// Prepare `library` for the configured method.
    pub fn new(library: Library, config: &ScreenConfig) -> LibrarySearch {
        let weighting = match config.method {
            Method::Entropy => Some(Weighting::Entropy),
            Method::UnweightedEntropy => Some(Weighting::Unweighted),
            _ => None,
        };
        let index = weighting.map(|w| {
            let mut builder = IndexBuilder::with_weighting(w);
            for e in &library.entries {
                // More than u32::MAX spectra cannot be loaded from files here.
                let _ = builder.add(&clean(&e.peaks, e.precursor_mz));
            }
            builder.build()
        });
        LibrarySearch { library, index }
    }

    /// The library.
    pub fn library(&self) -> &Library {
        &self.library
    }

    /// Top hits for `query`.
    pub fn search(&self, query: &Spectrum, config: &ScreenConfig) -> Vec<LibraryHit> {
        let precursor = query.precursor_mz.map(|m| m.0);
        let kind = match (config.search, precursor) {
            (SearchKind::Identity | SearchKind::Hybrid, None) => SearchKind::Open,
            (k, _) => k,
        };
        let peaks: Vec<(f64, f64)> = query.peaks.iter().map(|p| (p.x, p.intensity)).collect();
        match &self.index {
            Some(index) => self.indexed(index, &peaks, precursor, kind, config),
            None => self.pairwise(&peaks, precursor, kind, config),
        }
    }

    fn indexed(
        &self,
        index: &LibraryIndex,
        peaks: &[(f64, f64)],
        precursor: Option<f64>,
        kind: SearchKind,
        config: &ScreenConfig,
    ) -> Vec<LibraryHit> {
        let mode = match kind {
            SearchKind::Identity => SearchMode::Identity {
                precursor_tolerance: config.precursor_tolerance,
            },
            SearchKind::Open => SearchMode::Open,
            SearchKind::Hybrid => SearchMode::Hybrid,
        };
        let params = SearchParams {
            mode,
            fragment_tolerance: config.fragment_tolerance,
            top_n: config.top_n,
            min_score: config.min_score as f32,
        };
        let query = clean(peaks, precursor);
        index
            .search(&query, &params)
            .into_iter()
            .filter_map(|hit| {
                let delta = (kind == SearchKind::Hybrid)
                    .then_some(hit.delta_mass)
                    .flatten();
                self.hit(
                    hit.id.0 as usize,
                    f64::from(hit.score),
                    hit.matched_peaks as usize,
                    config,
                    delta,
                )
            })
            .collect()
    }

    fn pairwise(
        &self,
        peaks: &[(f64, f64)],
        precursor: Option<f64>,
        kind: SearchKind,
        config: &ScreenConfig,
    ) -> Vec<LibraryHit> {
        let query = ScoreInput {
            peaks,
            precursor_mz: precursor,
        };
        let mut scored: Vec<(usize, f64, usize)> = self
            .library
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| match (kind, precursor, e.precursor_mz) {
                (SearchKind::Identity, Some(q), Some(l)) => {
                    (q - l).abs() <= config.precursor_tolerance.at(q)
                }
                (SearchKind::Identity, Some(_), None) => false,
                _ => true,
            })
            .map(|(i, e)| {
                let library = ScoreInput {
                    peaks: &e.peaks,
                    precursor_mz: e.precursor_mz,
                };
                let s = score_pair(config.method, query, library);
                (i, s.score, s.matched_peaks)
            })
            .filter(|&(_, score, matched)| matched > 0 && score >= config.min_score)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.truncate(config.top_n);
        scored
            .into_iter()
            .filter_map(|(i, score, matched)| self.hit(i, score, matched, config, None))
            .collect()
    }

    fn hit(
        &self,
        entry: usize,
        score: f64,
        matched_peaks: usize,
        config: &ScreenConfig,
        delta_mass: Option<f64>,
    ) -> Option<LibraryHit> {
        let e = self.library.entries.get(entry)?;
        let file = self.library.files.get(e.file)?;
        let delta_explained = delta_mass
            .filter(|d| d.abs() > config.fragment_tolerance.at(100.0))
            .map(|d| {
                explain(d, config.fragment_tolerance.at(d.abs().max(1.0)).max(0.005))
                    .into_iter()
                    .take(3)
                    .map(|x| format!("{} ({:+.4} Da)", x.label, x.mass))
                    .collect()
            })
            .unwrap_or_default();
        Some(LibraryHit {
            library_file: file.path.display().to_string(),
            library_index: e.index_in_file,
            name: e.name.clone(),
            score,
            method: config.method.name(),
            matched_peaks,
            delta_mass,
            delta_explained,
        })
    }
}

/// Flash's preprocessing (ms_entropy defaults).
fn clean(peaks: &[(f64, f64)], precursor: Option<f64>) -> CleanSpectrum {
    clean_ms2(peaks.iter().copied(), precursor, &CleanParams::default())
}
